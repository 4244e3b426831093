"""Broken copies of the example scenario: each problem is reported with its code, line and column."""

from __future__ import annotations

import pytest

from sim.check import check_scenario
from sim.diagnostics import SimError
from sim.loader import load_scenario


def _line_of(path, needle: str) -> int:
    for i, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in file")


def _col_of(path, needle: str, sub: str) -> int:
    line = path.read_text().splitlines()[_line_of(path, needle) - 1]
    return line.index(sub) + 1


def load_errors(path):
    with pytest.raises(SimError) as info:
        load_scenario(path)
    return info.value.diagnostics


def check_findings(path):
    return check_scenario(load_scenario(path)).findings


LOAD_CASES = [
    # (old, new, expected code, line needle, column substring within that line)
    ('guard: "junta_confidence <= 2"', 'guard: "junta_confidnce <= 2"', "X002", "junta_confidnce", "junta_confidnce"),
    ('guard: "junta_confidence <= 2"', 'guard: "junta_confidence + 1"', "X005", "junta_confidence + 1", "junta_confidence + 1"),
    ('guard: "junta_confidence <= 2"', 'guard: "().__class__"', "X003", "__class__", "()"),
    ("effects: {forum: iapc, caracas", "effects: {forum: iapcc, caracas", "X006", "iapcc", "iapcc"),
    ("        label: Steer it to", "        lable: Steer it to", "S002", "lable:", "lable"),
    ("        next: votes\n", "", "S001", "      mfm:", "mfm"),
    ("        next: votes\n", "        next: vots\n", "R001", "next: vots", "vots"),
    ("    type: chance", "    type: chancy", "S004", "type: chancy", "chancy"),
    ("    initial: 1\n    label: Junta's", "    initial: 9\n    label: Junta's", "V002", "initial: 9", "9"),
    ("- {doc: d421, quote: \"the necessary", "- {doc: d499, quote: \"the necessary", "R003", "d499", "d499"),
    ("weights: {venezuela: 3, democracy: 1}", "weights: {venezuela: 3, democrazy: 1}", "R004", "democrazy", "democrazy"),
    ("probability: p_votes\n", "probability: p_votes +\n", "X001", "probability: p_votes +", "p_votes"),
    ("title: Eleven votes?", "title: [Eleven votes?", "Y001", "title: [Eleven", None),
]


@pytest.mark.parametrize("old,new,code,needle,sub", LOAD_CASES, ids=[c[2] + ":" + c[3][:20] for c in LOAD_CASES])
def test_load_error_is_located(write_variant, old, new, code, needle, sub):
    path = write_variant(old, new)
    diags = load_errors(path)
    match = [d for d in diags if d.code == code]
    assert match, f"expected {code}, got {[d.format() for d in diags]}"
    d = match[0]
    assert d.path == str(path)
    if code != "Y001":
        assert d.line == _line_of(path, needle), d.format()
    if sub is not None:
        assert d.col == _col_of(path, needle, sub), d.format()
    assert d.source_line is not None and d.format().count("\n") >= 1


def test_all_problems_in_a_file_are_reported_together(write_variant, tmp_path):
    path = write_variant('guard: "junta_confidence <= 2"', 'guard: "nope <= 2"')
    text = path.read_text().replace("next: votes\n", "next: vots\n").replace("lapse_end\n    citations", "lapse_end\n    citations")
    path.write_text(text)
    codes = {d.code for d in load_errors(path)}
    assert {"X002", "R001"} <= codes


CHECK_CASES = [
    ('caracas_goodwill: "caracas_goodwill + 1"', 'caracas_goodwill: "caracas_goodwill + 3"', "C104",
     'caracas_goodwill + 3', '"caracas_goodwill + 3'),
    ("probability: 1 - p_votes", "probability: 1.1 - p_votes", "C102", "    outcomes:", "outcomes"),
    ("        label: Resume relations without terms\n",
     "        label: Resume relations without terms\n        guard: junta_confidence > 3\n", "C101", "  terms:", "terms"),
    ("        label: Resume relations without terms\n        next: lapse_end",
     "        label: Resume relations without terms\n        next: terms", "C106", "  terms:", "terms"),
    ('quote: "the necessary eleven votes"', 'quote: "the necessary twelve votes"', "C107", "twelve", '"the necessary'),
    ("d423: {file: d423.txt", "d423: {file: d423-missing.txt", "C108", "d423-missing", "d423-missing"),
    ("  terms_public:\n", "  spare:\n    type: bool\n    initial: false\n  terms_public:\n", "C109", "  spare:", "spare"),
    ("          - {goto: public_end}", "          - {goto: quiet_end}", "C105", "  public_end:", "public_end"),
    ('score: "30 * caracas_goodwill + 10"', 'score: "40 * caracas_goodwill + 10"', "C110", "40 * caracas", '"40'),
]


@pytest.mark.parametrize("old,new,code,needle,sub", CHECK_CASES, ids=[c[2] for c in CHECK_CASES])
def test_check_finding_is_located(write_variant, old, new, code, needle, sub):
    path = write_variant(old, new)
    findings = check_findings(path)
    match = [d for d in findings if d.code == code]
    assert match, f"expected {code}, got {[d.format() for d in findings]}"
    d = match[0]
    assert d.line == _line_of(path, needle), d.format()
    assert d.col == _col_of(path, needle, sub), d.format()


def test_example_is_clean(write_variant):
    assert check_findings(write_variant()) == []


def test_dead_end_names_a_path_that_reaches_it(write_variant):
    path = write_variant("        label: Resume relations without terms\n",
                         "        label: Resume relations without terms\n        guard: junta_confidence > 3\n")
    dead = [d for d in check_findings(path) if d.code == "C101"][0]
    assert "proposal:mfm -> votes:short" in dead.hint
