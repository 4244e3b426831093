"""Class files: settings that fix scenario, perspective, seed, blind play and documents; errors located."""

from __future__ import annotations

import pytest

from conftest import EXAMPLE, example_text
from sim.classfile import load_class
from sim.diagnostics import SimError

GOOD = """format: 1
title: "Seminar 4"
scenario: mini.yaml
perspective: caracas
seed: 1962
blind: true
documents: [d421]
"""


def write(tmp_path, text: str):
    """A class file, with the example scenario beside it as mini.yaml."""
    (tmp_path / "mini.yaml").write_text(example_text())
    path = tmp_path / "class.yaml"
    path.write_text(text)
    return path


def first_problem(path):
    with pytest.raises(SimError) as info:
        load_class(path)
    return info.value.diagnostics[0], info.value


def test_a_class_file_fixes_the_game(tmp_path):
    k = load_class(write(tmp_path, GOOD))
    assert (k.settings.seed, k.settings.blind, k.perspective, k.scenario.id) == (1962, True, "caracas", "mini-peru")
    assert k.shown_documents == {"d421"} and k.hidden_documents == {"d423"}
    assert k.document_shown("d421") and not k.document_shown("d423")
    assert k.play_arguments() == [str((tmp_path / "mini.yaml").resolve()), "--seed", "1962", "--perspective",
                                  "caracas", "--blind"]


def test_defaults_show_every_document_to_the_first_perspective(tmp_path):
    k = load_class(write(tmp_path, "scenario: mini.yaml\n"))
    assert k.perspective == "state" and k.hidden_documents == set() and not k.settings.blind
    assert "--blind" not in k.play_arguments() and k.settings.seed == 0


def test_scenario_relative_to_the_class_file(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "mini.yaml").write_text(EXAMPLE.read_text().replace(
        "root: ../../seeds/", f"root: {EXAMPLE.parent.parent.parent / 'seeds'}/"))
    path = tmp_path / "course" / "class.yaml"
    path.write_text("scenario: mini.yaml\n")
    assert load_class(path).scenario_path == tmp_path / "course" / "mini.yaml"


@pytest.mark.parametrize("old, new, code, line, message", [
    ("seed: 1962", "seed: soon", "S003", 5, "seed"),
    ("seed: 1962", "seed: -4", "S003", 5, "greater than or equal to 0"),
    ("blind: true", "blnd: true", "S002", 6, "unknown key 'blnd'"),
    ("format: 1", "format: 2", "S003", 1, "format"),
    ("documents: [d421]", "documents: some", "S003", 7, "documents"),
])
def test_structural_errors_are_located(tmp_path, old, new, code, line, message):
    d, _ = first_problem(write(tmp_path, GOOD.replace(old, new)))
    assert (d.code, d.line) == (code, line) and message in d.message and d.path.endswith("class.yaml")


def test_unknown_key_suggests_the_right_one(tmp_path):
    d, _ = first_problem(write(tmp_path, GOOD.replace("blind: true", "blnd: true")))
    assert d.hint == "did you mean 'blind'?"


def test_unknown_scenario(tmp_path):
    d, err = first_problem(write(tmp_path, GOOD.replace("mini.yaml", "no-such-scenario")))
    assert (d.code, d.line, d.col) == ("K001", 3, 11) and err.usage and "known scenarios" in d.hint


@pytest.mark.parametrize("named", [str(EXAMPLE), "../outside/mini.yaml", "/etc/passwd", "/dev/zero"])
def test_a_class_file_names_no_scenario_outside_its_folder_and_scenarios(tmp_path, named):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "mini.yaml").write_text(example_text())
    (tmp_path / "course").mkdir()
    d, err = first_problem(write(tmp_path / "course", GOOD.replace("mini.yaml", named)))
    assert (d.code, d.line, err.usage) == ("K004", 3, True)
    assert "root:" not in str(err), "nothing of the file it names is shown"


def test_a_class_file_names_a_scenario_by_id(tmp_path):
    k = load_class(write(tmp_path, "scenario: peru-1962\n"))
    assert k.scenario.id == "peru-1962" and k.scenario_path.parent.name == "peru-1962"


def test_unknown_perspective_and_documents_against_the_scenario(tmp_path):
    with pytest.raises(SimError) as info:
        load_class(write(tmp_path, GOOD.replace("caracas", "moscow").replace("[d421]", "[d421, d999]")))
    found = {(d.code, d.line, d.col) for d in info.value.diagnostics}
    assert found == {("K002", 4, 14), ("K003", 7, 19)}
    assert "perspectives: state, caracas" in info.value.diagnostics[0].hint


def test_yaml_errors_and_wrong_shapes(tmp_path):
    d, _ = first_problem(write(tmp_path, "scenario: [unclosed\n"))
    assert d.code == "Y001" and d.line >= 1
    d, _ = first_problem(write(tmp_path, "- a list\n"))
    assert d.code == "S003" and "mapping" in d.message
    d, err = first_problem(tmp_path / "missing.yaml")
    assert d.code == "F001" and err.usage


def test_errors_print_with_the_offending_line(tmp_path):
    _, err = first_problem(write(tmp_path, GOOD.replace("seed: 1962", "seed: soon")))
    text = str(err)
    assert "class.yaml:5:7: error[S003]" in text and "seed: soon" in text and "^" in text
