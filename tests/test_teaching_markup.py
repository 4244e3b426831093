"""Untrusted text in the teaching documents: Markdown and HTML render it as the same text, never as markup."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from sim.reporting import html, markdown
from sim.reporting.blocks import (
    Bar,
    BarChart,
    Bullets,
    Heading,
    Histogram,
    Item,
    Para,
    Quote,
    Table,
    clean,
)

PIECES = list("ab 1.-+#>*_[]()!<>&;`~|\\=:/\"'\n\t") + ["&amp;", "&#65;", "<b>", "http://x.y", "    "]
TRICKY = st.lists(st.sampled_from(PIECES), max_size=20).map("".join) | st.text(max_size=40)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parsed(page: str) -> _Text:
    p = _Text()
    p.feed(page)
    p.close()
    return p


def one_line(text: str) -> str:
    return " ".join(clean(text).split())


@settings(max_examples=400, deadline=None)
@given(TRICKY)
def test_markdown_paragraph_renders_the_text_itself(text):
    rendered = parsed(MarkdownIt("commonmark").render(markdown.render([Para(text)])))
    assert set(rendered.tags) <= {"p"}
    assert one_line("".join(rendered.text)) == one_line(text)


@settings(max_examples=200, deadline=None)
@given(TRICKY, TRICKY)
def test_markdown_table_cells_and_bold_spans_stay_text(cell, name):
    md = markdown.render([Table(["h", "k"], [[cell, "x"]]), Bullets([Item([(name, "b"), (": " + cell, "")])])])
    rendered = parsed(MarkdownIt("commonmark").enable("table").render(md))
    assert set(rendered.tags) <= {"table", "thead", "tbody", "tr", "th", "td", "ul", "li", "strong"}
    assert rendered.tags.count("td") == 2
    text = "".join(rendered.text)
    assert one_line(cell) in one_line(text) and one_line(name) in one_line(text)


@settings(max_examples=200, deadline=None)
@given(TRICKY)
def test_html_renders_every_block_with_the_text_as_text(text):
    blocks = [Heading(2, text), Para(text, "record"), Quote(text, text), Bullets([Item(text, [Item(text)])]),
              Table([text], [[text]]), BarChart(text, [Bar(text, 1.0, note=text)]),
              Histogram(text, 0, 100, [1, 2], mark=50, mark_label=text)]
    page = html.render(blocks, text)
    benign = parsed(html.render(blocks, "x"))
    got = parsed(page)
    assert got.tags == benign.tags
    visible = clean(text).strip()
    assert "".join(got.text).count(visible) >= 5 if visible else True
