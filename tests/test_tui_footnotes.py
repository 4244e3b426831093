"""The source reader on Peru withholds the footnotes and passages that give away a decision, and opens them once the
game is over."""

from __future__ import annotations

import pytest
from pilot import pilot_test, settle

from conftest import ROOT
from sim.loader import load_scenario
from sim.model import Citation
from sim.replay import load_replay, run_replay
from sim.tui.app import Launch, SimApp
from sim.tui.screens.reader import ReaderScreen
from sim.tui.session import Session

PERU = ROOT / "scenarios" / "peru-1962" / "scenario.yaml"
pytestmark = pytest.mark.usefixtures("data_dir")
HANDWRITTEN = "This refers to President's decision, made during conversation with Secretary"


@pytest.fixture(scope="module")
def peru():
    return load_scenario(PERU)


def historical_session(peru, node: str | None) -> Session:
    """A session on the historical line, at the first visit of `node` (at its end when None)."""
    game = run_replay(load_replay(PERU.parent / "replays" / "historical.json"), peru).game
    if node is not None:
        game.goto(next(p for p in game.position.path() if peru.nodes[p.node].id == node))
    return Session(peru, PERU, game=game, journaling=False)


async def reader_text(session: Session, doc: str, citation: Citation | None = None) -> tuple[str, str, float]:
    """The reader's text of a document, the selected text and how far it is scrolled, as the app opens them at the
    session's point."""
    app = SimApp(Launch(session=session))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_reader(citation, doc=doc)
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        area = app.screen.query_one("#doc-text")
        return area.text, area.selected_text, area.scroll_y


@pilot_test
async def test_at_the_october_3_decision_the_answer_is_withheld_and_the_handwritten_note_is_not(peru):
    session = historical_session(peru, "autumn_military_aid")
    assert session.game.node.model.title == "Military aid in the autumn"
    text, *_ = await reader_text(session, "d427")
    assert "Ball approved all four recommendations" not in text
    assert "October 8" not in text and "removed effective immediately" not in text
    assert HANDWRITTEN in text
    assert "[4] (Footnote 4 is withheld: it reports" in text
    assert "[6] (Footnote 6 is withheld: it reports" in text
    assert "Recommendation[4]" in text


@pilot_test
async def test_a_citation_in_a_withheld_footnote_highlights_its_notice(peru):
    session = historical_session(peru, "october_crisis")
    lift = Citation(doc="d427", quote="remaining special restrictions on MAP for Peru")
    text, selected, scrolled = await reader_text(session, "d427", lift)
    assert "Ball approved all four recommendations" in text, "footnote 4 is open by October 23"
    assert "Telegram 313" not in text
    assert selected.startswith("(Footnote 6 is withheld: it reports")
    assert scrolled > 0, "the notice is scrolled into view"


@pilot_test
async def test_the_june_9_result_is_withheld_at_the_vote(peru):
    text, *_ = await reader_text(historical_session(peru, "june_vote"), "d431")
    assert "was elected President on June 9" not in text
    assert "(Footnote 7 is withheld: it reports" in text


@pilot_test
async def test_once_the_game_is_over_every_footnote_is_open(peru):
    session = historical_session(peru, None)
    assert session.game.is_over()
    text, *_ = await reader_text(session, "d427")
    assert "Ball approved all four recommendations." in text
    assert "A limited resumption of military assistance to Peru began on October 8" in text
    assert HANDWRITTEN in text and "is withheld" not in text
    text, *_ = await reader_text(session, "d431")
    assert "Fernando Belaúnde Terry was elected President on June 9" in text


RESUMPTION = ("On August 17 the Department of State issued a press release announcing the resumption of U.S. "
              "diplomatic relations with Peru.")


@pilot_test
async def test_at_the_august_17_decision_the_resumption_is_withheld_and_the_first_paragraph_is_not(peru):
    session = historical_session(peru, "resumption")
    resume = session.game.node.move("resume").model.citations[0]
    text, selected, _ = await reader_text(session, "d426", resume)
    assert "announcing the resumption" not in text
    assert "(A passage is withheld: it reports what came after this point of the game." in text
    assert selected == resume.quote
    _, selected, _ = await reader_text(session, "d426", Citation(doc="d426", quote=RESUMPTION))
    assert selected.startswith("(A passage is withheld: it reports")
    text, *_ = await reader_text(historical_session(peru, None), "d426")
    assert RESUMPTION in text and "is withheld" not in text


def test_the_session_shows_a_document_as_the_reader_does(peru):
    session = historical_session(peru, "autumn_military_aid")
    body, shown = session.document_text("d427", session.moment())
    assert "Ball approved" in body and "Ball approved" not in shown.text and set(shown.notices) == {4, 6}
    assert session.document_text("d427", None)[1].text == body
