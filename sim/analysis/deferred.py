"""Attributes computed on first read: results kept as arrays become Python lists only if asked for."""

from __future__ import annotations

from collections.abc import Callable


class Deferred:
    """Mixin: `defer(name=build)` drops an attribute; its first read calls `build()` and keeps the value."""

    def defer(self, **builders: Callable[[], object]) -> None:
        for name in builders:
            self.__dict__.pop(name, None)
        self.__dict__.setdefault("_deferred", {}).update(builders)

    def __getattr__(self, name: str):
        build = self.__dict__.get("_deferred", {}).get(name)
        if build is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = self.__dict__[name] = build()
        self.__dict__["_deferred"].pop(name, None)
        return value
