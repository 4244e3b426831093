"""Withheld passages: a sentence of a document's body that reports what came later gives way to a notice until its
date, is validated with located errors, and never crashes on untrusted input."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_core_errors import _col_of, _line_of, check_findings, load_errors
from test_core_fuzz import json_values
from test_tui_footnotes import historical_session

from conftest import ROOT, SEEDS, example_text
from sim.check import check_scenario
from sim.debrief import build_debrief, render_markdown
from sim.diagnostics import SimError
from sim.dossier import OVER, Dossier, Moment, notice
from sim.footnotes import shown_text
from sim.loader import load_scenario, parse_scenario

D426 = (SEEDS / "d426.txt").read_text()
D427 = (SEEDS / "d427.txt").read_text()
PERU = ROOT / "scenarios" / "peru-1962" / "scenario.yaml"
ANSWER = "announcing the resumption"
FIRST = "related the President's opinion that the United States should grant official recognition to the Peruvian junta"
NOTICE = notice("A passage")
SENTENCE = ("On August 17 the Department of State issued a press release announcing the resumption of U.S. "
            "diplomatic relations with Peru.")
D423 = '    d423: {file: d423.txt, date: 1962-07-30, title: "Instructions to the Embassy in Peru"}'
PASSAGE = """    d423:
      file: d423.txt
      date: 1962-07-30
      title: "Instructions to the Embassy in Peru"
      withheld_passages:
        - quote: "US definitely opposed MFM"
          until: 1962-08-01
          reason: it reports later"""


def test_a_withheld_passage_gives_way_to_a_notice_and_the_rest_stays():
    shown = shown_text(D426, {}, [(SENTENCE.replace(" ", "\n  ", 3), NOTICE)])
    assert ANSWER not in shown.text and FIRST in shown.text
    assert "Meeting of Foreign Ministers on Peru. " + NOTICE in shown.text
    assert shown.text.rstrip().endswith("or when the game ends.) (Department of State Bulletin, September 3, 1962, pages 348-349)")
    start = D426.index(SENTENCE)
    assert shown.text[slice(*shown.notice_over(start + 5, start + 20))] == NOTICE
    assert shown.notice_over(0, 50) is None and shown.notices == {}
    assert shown_text(D426, {}, [("not in the text", NOTICE)]).text == D426


def test_overlapping_withheld_parts_give_way_to_the_first_notice():
    shown = shown_text(D427, {4: notice("Footnote 4")}, [("approved all four", NOTICE)])
    assert "Ball approved" not in shown.text
    assert shown.text[slice(*shown.notices[4])] == notice("Footnote 4")
    assert len(shown.hidden) == 1


def test_a_passage_opens_on_its_date_where_its_condition_has_held_and_when_the_game_is_over():
    peru = load_scenario(PERU)
    dossier = Dossier(peru)
    resumed = frozenset({("passage", "d426", 2)})
    assert [q for q, _ in dossier.withheld_passages("d426", Moment(dt.date(1962, 8, 17), resumed))][-1] == SENTENCE
    assert SENTENCE not in [q for q, _ in dossier.withheld_passages("d426", Moment(dt.date(1962, 8, 18), resumed))]
    assert SENTENCE in [q for q, _ in dossier.withheld_passages("d426", Moment(dt.date(1962, 8, 18)))]
    assert dossier.withheld_passages("d426", OVER) == []


def test_peru_withholds_the_resumption_at_the_decision_on_it():
    docs = load_scenario(PERU).model.sources.documents
    passage = docs["d426"].withheld_passages[-1]
    assert (passage.quote, passage.until.isoformat(), passage.when) == (SENTENCE, "1962-08-18", "relations_resumed")
    assert SENTENCE in passage.reason
    assert sorted(d for d, doc in docs.items() if doc.withheld_passages) == ["d423", "d424", "d426", "d427"]


@pytest.fixture(scope="module")
def peru():
    return load_scenario(PERU)


def test_the_session_withholds_the_passage_on_august_17_and_opens_it_later(peru):
    session = historical_session(peru, "resumption")
    assert session.current_date() == dt.date(1962, 8, 17)
    body, shown = session.document_text("d426", session.moment())
    assert ANSWER in body and ANSWER not in shown.text and FIRST in shown.text and NOTICE in shown.text
    later = historical_session(peru, "junta_military_pressure")
    assert later.document_text("d426", later.moment())[1].text == body
    over = historical_session(peru, None)
    assert over.game.is_over() and over.document_text("d426", over.moment())[1].text == body


LOAD_CASES = [
    # (new, code, line needle, column substring)
    (PASSAGE.replace("until: 1962-08-01", "until: 1962-07-29"), "D003", "until: 1962-07-29", "1962-07-29"),
    (PASSAGE.replace("          reason: it reports later", ""), "S001", "- quote:", "quote"),
    (PASSAGE.replace("reason: it reports later", "reason: ' '"), "S003", "reason: ' '", "' '"),
    (PASSAGE.replace('quote: "US definitely opposed MFM"', "quote: '   '"), "S003", "quote: '   '", "'   '"),
]


@pytest.mark.parametrize("new,code,needle,sub", LOAD_CASES, ids=[f"{c[1]}:{c[2].strip()}" for c in LOAD_CASES])
def test_a_bad_withheld_passage_is_reported_where_it_is(write_variant, new, code, needle, sub):
    path = write_variant(D423, new)
    found = [d for d in load_errors(path) if d.code == code]
    assert found, code
    assert (found[0].line, found[0].col) == (_line_of(path, needle), _col_of(path, needle, sub)), found[0].format()
    if code == "D003":
        assert "passage 1 of 'd423' (\"US definitely opposed MFM\")" in found[0].message


def test_a_passage_the_document_lacks_is_a_check_finding(write_variant):
    path = write_variant(D423, PASSAGE.replace("US definitely opposed MFM", "US definitely favoured MFM"))
    found = [d for d in check_findings(path) if d.code == "C115"]
    assert len(found) == 1 and "withheld passage \"US definitely favoured MFM\" not found in 'd423'" in found[0].message
    assert found[0].hint and "verbatim" in found[0].hint
    needle = "- quote:"
    assert (found[0].line, found[0].col) == (_line_of(path, needle), _col_of(path, needle, '"US'))
    assert not [d for d in check_findings(write_variant(D423, PASSAGE)) if d.code == "C115"]


def test_the_debrief_names_passages_still_withheld_at_the_last_point(write_variant):
    from test_teaching_games import play

    sc = load_scenario(write_variant(D423, PASSAGE.replace("until: 1962-08-01", "until: 1962-09-30")))
    d = build_debrief(sc, play(sc, ["iapc", "public_elections"]))
    assert [(r.id, r.footnotes, r.passages) for r in d.unlocked] == [("d423", (), 1)]
    text = render_markdown(d)
    assert "Instructions to the Embassy in Peru (a passage withheld)" in text
    assert "(where passages are named, only those, which report what came later)" in text


FUZZ = settings(max_examples=150, deadline=None)
entries = st.fixed_dictionaries({"quote": st.sampled_from(["US definitely opposed MFM", "absent"]) | json_values,
                                 "until": st.dates() | json_values, "reason": st.text(max_size=10) | json_values})
passage_values = st.lists(entries | json_values, max_size=4) | json_values


@FUZZ
@given(passage_values)
def test_the_loader_and_the_checker_survive_any_withheld_passages(value):
    flow = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()
    text = example_text().replace(D423, PASSAGE.split("      withheld_passages:")[0]
                                  + "      withheld_passages: " + flow)
    try:
        sc = parse_scenario(text, ROOT / "docs" / "examples" / "fuzz.yaml")
    except SimError as exc:
        assert exc.diagnostics and all(d.format() for d in exc.diagnostics)
        return
    check_scenario(sc)
    dossier = Dossier(sc)
    for doc_id, doc in sc.model.sources.documents.items():
        shown_text(D426, {}, dossier.withheld_passages(doc_id, Moment(doc.date)))


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab \n[]1Footnotes-")), max_size=200),
       st.lists(st.integers(0, 5), max_size=3),
       st.lists(st.text(alphabet=st.sampled_from(list("ab \n1")), max_size=6), max_size=3))
def test_any_text_can_be_shown_with_footnotes_and_passages_withheld(text, numbers, quotes):
    shown = shown_text(text, {n: notice(f"Footnote {n}") for n in numbers}, [(q, NOTICE) for q in quotes])
    for part in shown.hidden:
        assert shown.text[slice(*part.notice)].startswith(("(Footnote", "(A passage"))
        assert shown.notice_over(part.start, max(part.end, part.start + 1)) is not None or part.end == part.start
    if not shown.hidden:
        assert shown.text == text
