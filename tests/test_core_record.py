"""The record and the model kept apart, in `sim check`: reference lines say what each step rests on, the record of
a step is cited and not dated after it, and play shows nothing the dossier keeps closed at a node. Each finding
is reported with its code, line and column."""

from __future__ import annotations

import pytest
from test_core_errors import _col_of, _line_of, check_findings, load_errors

MEMO_PROPOSAL = """      proposal:
        basis: documented
        citations:
          - {doc: d421, quote: "you approve our arranging the calling of the Inter-American Peace Committee"}"""
D421_FOOTNOTES = """      withheld_footnotes:       # editorial footnotes that report what came later"""
IAPC_QUOTE = "it would be within the terms of reference of the Inter-American Peace Committee (IAPC) to meet quietly"
D423 = '    d423: {file: d423.txt, date: 1962-07-30, title: "Instructions to the Embassy in Peru"}'

CHECK_CASES = [
    # (old, new, code, line needle, column substring, words of the message)
    (MEMO_PROPOSAL, "      proposal:\n        basis: documented", "H001", "        basis: documented", "documented",
     "cites nothing"),
    (MEMO_PROPOSAL, MEMO_PROPOSAL.replace('{doc: d421, quote: "you approve our arranging the calling of the '
                                          'Inter-American Peace Committee"}',
                                          '{doc: d423, quote: "Guarantee of continued civil liberties."}'),
     "H002", "Guarantee of continued civil liberties", "{doc", "cites 'd423', which reports it on 1962-07-30"),
    (MEMO_PROPOSAL, "      proposal:\n        basis: inferred", "H003", "        basis: inferred", "inferred",
     "gives no reasoning"),
    (D421_FOOTNOTES, "      withheld_passages:\n        - {quote: \"" + IAPC_QUOTE + "\", until: 1962-07-28, "
     "reason: later}\n" + D421_FOOTNOTES, "H004", "- {doc: d421, quote: \"it would be within", "{doc",
     "option 'iapc' of 'proposal' cites a passage of 'd421' that is closed at 'proposal'"),
    (D423, D423.replace("}", ", when: \"forum == mfm\"}"), "H004", "this would not imply resumption", "{doc",
     "option 'resume_now' of 'terms' cites a passage of 'd423' that is closed at 'terms'"),
    ("    epilogue: The model projects that a quiet OAS forum", "    historical: true\n    epilogue: The model "
     "projects that a quiet OAS forum", "H005", "  quiet_end:", "quiet_end", "has no play_title"),
    (MEMO_PROPOSAL + "\n", "", "H006", "    choices: {proposal: iapc", "proposal",
     "the step at 'proposal' does not say what it rests on"),
]


@pytest.mark.parametrize("old,new,code,needle,sub,words", CHECK_CASES, ids=[f"{c[2]}:{c[5][:30]}" for c in CHECK_CASES])
def test_a_record_finding_is_reported_where_it_is(write_variant, old, new, code, needle, sub, words):
    path = write_variant(old, new)
    found = [d for d in check_findings(path) if d.code == code]
    assert len(found) == 1, [d.format() for d in check_findings(path)]
    assert words in found[0].message and found[0].hint
    assert (found[0].line, found[0].col) == (_line_of(path, needle), _col_of(path, needle, sub)), found[0].format()


def test_a_line_whose_record_depends_on_a_draw_is_reported(write_variant):
    path = write_variant("    choices: {proposal: iapc, terms: public_elections}",
                         "    choices: {proposal: mfm, terms: public_elections}")
    text = path.read_text().replace("        effects: {junta_confidence: \"min(junta_confidence + 2, 4)\"}\n"
                                    "        next: terms", "        effects: {junta_confidence: \"min(junta_confidence"
                                    " + 2, 4)\"}\n        next: lapse_end")
    path.write_text(text)
    found = [d for d in check_findings(path) if d.code == "H007"]
    assert len(found) == 1 and "reaches 'terms' only on some of its draws" in found[0].message
    assert (found[0].line, found[0].col) == (_line_of(path, "choices: {proposal: mfm"),
                                             _col_of(path, "choices: {proposal: mfm", "terms"))


LOAD_CASES = [
    (D423, D423.replace("}", ", opens: 1962-07-29}"), "D003", "opens: 1962-07-29", "1962-07-29"),
    ("          until: 1962-07-30", "          until: 1962-07-30\n          dated: 1962-07-20", "D004",
     "dated: 1962-07-20", "1962-07-20"),
    ("          until: 1962-07-30", "          until: 1962-07-30\n          dated: 1962-07-30", "D004",
     "until: 1962-07-30", "1962-07-30"),
    (D423, D423.replace("}", ", when: \"forum == mfmm\"}"), "X006", "mfmm", "mfmm"),
    (MEMO_PROPOSAL, MEMO_PROPOSAL.replace("documented", "documentd"), "S003", "basis: documentd", "documentd"),
]


@pytest.mark.parametrize("old,new,code,needle,sub", LOAD_CASES, ids=[f"{c[2]}:{c[3]}" for c in LOAD_CASES])
def test_a_bad_date_condition_or_basis_is_reported_at_load(write_variant, old, new, code, needle, sub):
    path = write_variant(old, new)
    found = [d for d in load_errors(path) if d.code == code]
    assert found, [d.format() for d in load_errors(path)]
    assert (found[0].line, found[0].col) == (_line_of(path, needle), _col_of(path, needle, sub)), found[0].format()


def test_the_example_and_peru_are_clean_of_record_findings(example):
    from conftest import ROOT
    from sim.check import check_scenario
    from sim.loader import load_scenario

    for sc in (example, load_scenario(ROOT / "scenarios" / "peru-1962" / "scenario.yaml")):
        assert not [d.format() for d in check_scenario(sc).findings if d.code[0] in "HD"]
