"""Withheld footnotes: found in the seeds, replaced by a notice until their date, validated with located errors,
and never a crash on untrusted input."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_core_errors import _col_of, _line_of, check_findings, load_errors
from test_core_fuzz import json_values

from conftest import ROOT, SEEDS, example_text
from sim.check import check_scenario
from sim.debrief import build_debrief, render_markdown
from sim.diagnostics import SimError
from sim.dossier import OVER, Dossier, Moment, notice
from sim.footnotes import footnotes, shown_text
from sim.loader import load_scenario, parse_scenario

D427 = (SEEDS / "d427.txt").read_text()
PERU = ROOT / "scenarios" / "peru-1962" / "scenario.yaml"


def note_text(text: str, number: int) -> str:
    note = next(n for n in footnotes(text) if n.number == number)
    return text[note.start:note.end]


def test_the_footnotes_of_a_seed_document_are_found():
    assert [n.number for n in footnotes(D427)] == [1, 2, 3, 4, 5, 6]
    assert note_text(D427, 4) == "Ball approved all four recommendations."
    assert note_text(D427, 6).endswith("(Ibid., 723.5/10-2362)")
    assert footnotes((SEEDS / "d426.txt").read_text()) == []


NOTICES = {4: notice("Footnote 4"), 6: notice("Footnote 6")}


def test_a_withheld_footnote_gives_way_to_a_notice_and_its_marker_stays():
    shown = shown_text(D427, NOTICES)
    assert "Ball approved all four recommendations" not in shown.text
    assert "October 8" not in shown.text and "Telegram 313" not in shown.text
    assert "Recommendation[4]" in shown.text and "early next year.[6]" in shown.text
    assert "A handwritten notation here reads" in shown.text
    start, end = shown.notices[4]
    assert shown.text[start:end] == "(Footnote 4 is withheld: it reports what came after this point of the game. " \
        "It opens later in the game, or when the game ends.)"
    assert shown.text[start - 4:start] == "[4] "
    assert shown.text[slice(*shown.notices[6])].startswith("(Footnote 6 is withheld: it reports")
    assert shown_text(D427, {}).text == D427


def test_a_notice_names_no_date():
    for text in (notice("Footnote 6"), notice("A passage")):
        assert not any(month in text for month in ("October", "August", "1962", "1963")), text


def test_a_footnote_opens_on_its_date_where_its_condition_has_held_and_when_the_game_is_over():
    peru = load_scenario(PERU)
    dossier = Dossier(peru)
    gradual = frozenset({("footnote", "d427", 4)})
    assert set(dossier.withheld_footnotes("d427", Moment(dt.date(1962, 10, 3), gradual))) == {4, 6}
    assert set(dossier.withheld_footnotes("d427", Moment(dt.date(1962, 10, 4), gradual))) == {6}
    assert set(dossier.withheld_footnotes("d427", Moment(dt.date(1962, 10, 4)))) == {4, 6}
    assert dossier.withheld_footnotes("d427", OVER) == {}


def test_a_quote_in_a_withheld_footnote_is_placed_at_its_notice():
    shown = shown_text(D427, NOTICES)
    at = D427.index("Telegram 313")
    assert shown.notice_over(at, at + 12) == shown.notices[6]
    at = D427.index("Our policy determination")
    assert shown.notice_over(at, at + 10) is None


def test_peru_withholds_what_its_footnotes_report_of_later_decisions():
    docs = load_scenario(PERU).model.sources.documents
    marked = {(d, int(n)): w.until.isoformat() for d, doc in docs.items() for n, w in doc.withheld_footnotes.items()}
    assert marked == {("d421", 3): "1962-08-03", ("d427", 4): "1962-10-04", ("d427", 6): "1962-10-24",
                      ("d431", 7): "1963-07-28"}
    for (d, n), _ in marked.items():
        quoted = docs[d].withheld_footnotes[str(n)].reason
        assert any(part in note_text((SEEDS / f"{d}.txt").read_text(), n)
                   for part in quoted.split('"')[1::2]), f"{d} footnote {n}: the reason quotes it"


REASON = "reason: 'The editors presume the answer to the memo"
LOAD_CASES = [
    # (old, new, code, line needle, column substring)
    ("until: 1962-07-30", "until: 1962-07-20", "D003", "until: 1962-07-20", "1962-07-20"),
    (f"          {REASON}", f"          #{REASON}", "S001", "        3:", "3"),
    (f"          {REASON}", "          reason: ' '\n          #", "S003", "reason: ' '", "' '"),
    ("        3:\n          until", "        x3:\n          until", "S003", "        x3:", "x3"),
]


@pytest.mark.parametrize("old,new,code,needle,sub", LOAD_CASES, ids=[f"{c[2]}:{c[3].strip()}" for c in LOAD_CASES])
def test_a_bad_withheld_footnote_is_reported_where_it_is(write_variant, old, new, code, needle, sub):
    path = write_variant(old, new)
    found = [d for d in load_errors(path) if d.code == code]
    assert found, code
    assert (found[0].line, found[0].col) == (_line_of(path, needle), _col_of(path, needle, sub)), found[0].format()


def test_a_footnote_the_document_lacks_is_a_check_finding(write_variant):
    path = write_variant("        3:\n          until", "        9:\n          until")
    found = [d for d in check_findings(path) if d.code == "C114"]
    assert len(found) == 1 and "'d421' has no footnote 9 (its footnotes: 1, 2, 3)" in found[0].message
    assert (found[0].line, found[0].col) == (_line_of(path, "        9:"), _col_of(path, "        9:", "9"))


def test_the_debrief_names_footnotes_still_withheld_at_the_last_point(write_variant):
    from test_teaching_games import play

    sc = load_scenario(write_variant("until: 1962-07-30", "until: 1962-09-30"))
    d = build_debrief(sc, play(sc, ["iapc", "public_elections"]))
    assert [(r.id, r.footnotes) for r in d.unlocked] == [("d421", (3,))]
    assert "Ball to Kennedy: Relations with Peru (footnote 3 withheld)" in render_markdown(d)
    assert build_debrief(sc, play(sc, ["iapc"])).unlocked[0].footnotes == (3,)


FUZZ = settings(max_examples=150, deadline=None)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("[]0123456789-\n\r \tFootnotesx")), max_size=300),
       st.lists(st.integers(0, 20), max_size=4))
def test_any_text_can_be_shown_with_footnotes_withheld(text, numbers):
    withheld = {n: notice(f"Footnote {n}") for n in numbers}
    shown = shown_text(text, withheld)
    for number, (start, end) in shown.notices.items():
        assert shown.text[start:end].startswith(f"(Footnote {number} is withheld")
    if not shown.notices:
        assert shown.text == text
    for note in footnotes(text):
        if note.end > note.start and note.number in withheld:
            assert shown.notice_over(note.start, note.end) == shown.notices[note.number]


numbers = st.sampled_from(["1", "3", "9", "0", "03", "x", "10000"]) | st.text(max_size=3)
entries = st.fixed_dictionaries({"until": st.dates() | json_values, "reason": st.text(max_size=10) | json_values})
withheld_values = st.dictionaries(numbers, entries | json_values, max_size=4) | json_values


@FUZZ
@given(withheld_values)
def test_the_loader_and_the_checker_survive_any_withheld_footnotes(value):
    lines = example_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("withheld_footnotes:"))
    flow = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()
    lines[at:at + 4] = ["      withheld_footnotes: " + flow]
    try:
        sc = parse_scenario("\n".join(lines), ROOT / "docs" / "examples" / "fuzz.yaml")
    except SimError as exc:
        assert exc.diagnostics and all(d.format() for d in exc.diagnostics)
        return
    check_scenario(sc)
    dossier = Dossier(sc)
    for doc_id, doc in sc.model.sources.documents.items():
        shown_text(D427, dossier.withheld_footnotes(doc_id, Moment(doc.date)))
