"""The decision at hand: its date, title, prompt and briefing."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from sim.tui import text


class DecisionHeader(Static):
    """Shows the current node's date, title, prompt and briefing."""

    def show(self, node) -> None:
        model = node.model
        parts: list[Content | str] = [Content.assemble((text.date(model.date), "bold"), "  ",
                                                       (model.title or node.id, "bold $accent"))]
        prompt = (getattr(model, "prompt", "") or "").strip()
        briefing = (getattr(model, "briefing", "") or "").strip()
        if prompt:
            parts.append(prompt)
        if briefing:
            parts.append(Content.styled(briefing, "italic $text-muted"))
        self.update(text.lines(parts))
