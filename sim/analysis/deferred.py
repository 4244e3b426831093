"""Per-position tables kept as arrays until they are read in bulk.

A layered expansion and a layered solve hold their results in numpy arrays. Reading a few rows of a
`LazyRows` costs a few rows; iterating it, slicing it or reading it row by row at length builds
the Python list once, and the list then takes the table's place on its owner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


class LazyRows(Sequence):
    """A table of `count` rows: `one(i)` reads a row from the arrays, `build()` makes the whole list."""

    BULK = 64

    def __init__(self, owner: object, name: str, count: int, one: Callable[[int], object],
                 build: Callable[[], list]):
        self.owner, self.name, self.count, self.one, self.build = owner, name, count, one, build
        self.items: list | None = None
        self.reads = 0

    def materialise(self) -> list:
        if self.items is None:
            self.items = self.build()
            self.owner.__dict__[self.name] = self.items
        return self.items

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i):
        if self.items is None and isinstance(i, int) and self.reads < self.BULK:
            self.reads += 1
            if i < 0:
                i += self.count
            if not 0 <= i < self.count:
                raise IndexError("row index out of range")
            return self.one(i)
        return self.materialise()[i]

    def __iter__(self):
        return iter(self.materialise())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyRows):
            other = other.materialise()
        return isinstance(other, list) and self.materialise() == other

    __hash__ = None

    def __repr__(self) -> str:
        return f"LazyRows({self.name}, {self.count} rows)"
