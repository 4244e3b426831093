"""Shared fixtures: the example scenario and a way to write broken copies of it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "mini.yaml"
SEEDS = ROOT / "seeds" / "frus1961-63v12-peru"


def example_text() -> str:
    """The example scenario with its sources root made absolute, so copies work from any folder."""
    text = EXAMPLE.read_text()
    return text.replace("root: ../../seeds/frus1961-63v12-peru", f"root: {SEEDS}")


@pytest.fixture
def example():
    from sim.loader import load_scenario

    return load_scenario(EXAMPLE)


@pytest.fixture
def write_variant(tmp_path):
    """Write the example with one textual replacement (which must apply) and return the path."""

    def write(old: str = "", new: str = "", name: str = "scenario.yaml") -> Path:
        text = example_text()
        if old:
            assert old in text, f"fixture text not found: {old!r}"
            text = text.replace(old, new, 1)
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


@pytest.fixture(scope="module")
def mini():
    """The example scenario, loaded once per test module."""
    from sim.loader import load_scenario

    return load_scenario(EXAMPLE)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh folder for journals ($SIM_DATA_DIR), and the test's folder as the working one (replays)."""
    from sim.journal import DATA_DIR_ENV

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"
