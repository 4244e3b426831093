"""The scenario format: pydantic models that are the single source of truth (`sim schema`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    field_validator,
)

from sim.expr import MAX_LITERAL
from sim.terminal import UNSAFE

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
ScenarioId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]


def _plain(value: str) -> str:
    if UNSAFE.search(value):
        raise ValueError("text may not hold control characters or escape sequences (newlines and tabs are fine)")
    return value


Plain = AfterValidator(_plain)
"""Scenario text is shown in a terminal: control characters, which could move the cursor, retitle the window
or hide text, are refused."""
Text = Annotated[str, Field(max_length=20_000), Plain]
ShortText = Annotated[str, Field(max_length=300), Plain]
Expr = Annotated[
    StrictBool | StrictInt | StrictFloat | Annotated[str, Field(min_length=1, max_length=2000)],
    Field(description="An expression in the scenario language (see docs/scenario-format.md)."),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    """A verbatim passage of a source document that an option, outcome or number rests on."""

    doc: Id = Field(description="Id of a document in `sources.documents`.")
    quote: Annotated[str, Field(min_length=3, max_length=4000)] = Field(
        description="Verbatim text of the document (whitespace-insensitive)."
    )


FootnoteNumber = Annotated[str, Field(pattern=r"^[1-9][0-9]{0,3}$")]


class WithheldFootnote(_Strict):
    """An editorial footnote that reports what came after its document: the reader shows it from `until` on."""

    until: dt.date = Field(description="First date at which the footnote is shown; before it the reader says only "
                           "that it is withheld and until when. Every footnote is shown once the game is over.")
    reason: Annotated[str, Field(min_length=1, max_length=2000)] = Field(
        description="What the footnote reports that was not yet known, quoting it. For reviewers: the player "
        "never sees it while the footnote is withheld."
    )

    @field_validator("reason")
    @classmethod
    def _reason_said(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say why the footnote is withheld: what it reports that was not yet known")
        return value


class WithheldPassage(_Strict):
    """A passage of a document's text that reports what came after it: the reader shows it from `until` on."""

    quote: Annotated[str, Field(min_length=3, max_length=4000)] = Field(
        description="Verbatim text of the passage (whitespace-insensitive); every occurrence is withheld."
    )
    until: dt.date = Field(description="First date at which the passage is shown; before it the reader says only "
                           "that a passage is withheld and until when. Every passage is shown once the game is over.")
    reason: Annotated[str, Field(min_length=1, max_length=2000)] = Field(
        description="What the passage reports that was not yet known. For reviewers: the player never sees it "
        "while the passage is withheld."
    )

    @field_validator("quote")
    @classmethod
    def _quote_said(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("quote the withheld passage verbatim")
        return value

    @field_validator("reason")
    @classmethod
    def _reason_said(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say why the passage is withheld: what it reports that was not yet known")
        return value


class Document(_Strict):
    """One primary source, a text file under the sources root."""

    file: Annotated[str, Field(min_length=1, max_length=300)]
    date: dt.date = Field(description="Date of the document; it is shown to the player from this date on.")
    title: ShortText = ""
    withheld_footnotes: dict[FootnoteNumber, WithheldFootnote] = Field(
        default_factory=dict, max_length=200,
        description="Footnote number -> when that editorial footnote becomes readable, and why it is withheld "
        "before then (it reports what came later).",
    )
    withheld_passages: list[WithheldPassage] = Field(
        default_factory=list, max_length=50,
        description="Passages of the text that report what came later, each withheld until its date.",
    )


class Sources(_Strict):
    root: Annotated[str, Field(max_length=500)] = Field(
        ".", description="Folder of the documents, relative to the scenario file's folder."
    )
    documents: dict[Id, Document] = Field(default_factory=dict, max_length=500)


class _Variable(_Strict):
    label: ShortText = ""
    group: ShortText = "State"
    description: Text = ""


class IntVariable(_Variable):
    type: Literal["int"]
    min: StrictInt = Field(ge=-1_000_000, le=1_000_000)
    max: StrictInt = Field(ge=-1_000_000, le=1_000_000)
    initial: StrictInt


class BoolVariable(_Variable):
    type: Literal["bool"]
    initial: StrictBool


class EnumVariable(_Variable):
    type: Literal["enum"]
    values: Annotated[list[Id], Field(min_length=1, max_length=64)]
    initial: Id


Variable = Annotated[IntVariable | BoolVariable | EnumVariable, Field(discriminator="type")]


Number = Annotated[StrictInt, Field(ge=-MAX_LITERAL, le=MAX_LITERAL)] | Annotated[
    StrictFloat, Field(ge=-MAX_LITERAL, le=MAX_LITERAL, allow_inf_nan=False)]
"""A parameter's value: a finite number no larger than a literal in an expression may be."""


class Parameter(_Strict):
    """A named modelling assumption: a number with its reason, which analysis may vary."""

    value: Number = Field(description="A finite number from -10^12 to 10^12.")
    range: tuple[Number, Number] | None = Field(
        None, description="Plausible low and high values, used by sensitivity analysis."
    )
    label: ShortText = ""
    rationale: Text = Field(description="Why this number: a modelling assumption, stated as one.")
    citations: list[Citation] = Field(default_factory=list, max_length=20)


class Objective(_Strict):
    label: ShortText = ""
    description: Text = ""
    score: Expr = Field(description="Score of a final state, from 0 to 100.")


class Perspective(_Strict):
    label: ShortText = ""
    description: Text = Field("", description="Whose view this weighting is.")
    weights: dict[Id, Annotated[StrictInt | StrictFloat, Field(ge=0, le=1000)]] = Field(
        min_length=1, max_length=100
    )


class Route(_Strict):
    """One branch of a conditional `next`: go to `goto` if `when` holds (no `when`: always)."""

    when: Expr | None = None
    goto: Id


Next = Union[Id, Annotated[list[Route], Field(min_length=1, max_length=50)]]


class _Move(_Strict):
    label: ShortText = ""
    description: Text = ""
    effects: dict[Id, Expr] = Field(default_factory=dict, max_length=200)
    next: Next
    citations: list[Citation] = Field(default_factory=list, max_length=20)


class Option(_Move):
    """A choice open to the player at a decision node."""

    guard: Expr | Annotated[list[Expr], Field(max_length=20)] | None = Field(
        None, description="Condition (or list of conditions, all required) for the option to be open."
    )
    locked_reason: Text | None = None


class Outcome(_Move):
    """One possible result of a chance node."""

    probability: Expr


class _Node(_Strict):
    date: dt.date
    title: ShortText = ""


class DecisionNode(_Node):
    type: Literal["decision"]
    prompt: Text = ""
    briefing: Text = ""
    options: dict[Id, Option] = Field(min_length=1, max_length=50)


class ChanceNode(_Node):
    type: Literal["chance"]
    prompt: Text = ""
    outcomes: dict[Id, Outcome] = Field(min_length=1, max_length=50)


class EndNode(_Node):
    type: Literal["end"]
    epilogue: Text = ""
    historical: bool = Field(
        False, description="True if this ending is what the documents record; false if it is a projection."
    )
    citations: list[Citation] = Field(default_factory=list, max_length=40)


Node = Annotated[DecisionNode | ChanceNode | EndNode, Field(discriminator="type")]


class Line(_Strict):
    """A reference policy: the option taken at each decision node (the memo's line, history's)."""

    label: ShortText = ""
    description: Text = ""
    choices: dict[Id, Id] = Field(default_factory=dict, max_length=5000)
    outcomes: dict[Id, Id] = Field(
        default_factory=dict, max_length=5000,
        description="Chance node -> outcome that happened on this line (the historical record); "
        "`sim run --line` forces them.",
    )
    notes: dict[Id, Text] = Field(
        default_factory=dict, max_length=5000,
        description="Node -> a note recorded with that step of the line's replay (e.g. the documents it rests on).",
    )


class Scenario(_Strict):
    """A whole scenario file."""

    format: Literal[1] = Field(description="Version of the scenario format.")
    id: ScenarioId
    title: ShortText
    version: Annotated[str, Field(max_length=40)]
    start_date: dt.date
    summary: Text = ""
    sources: Sources = Field(default_factory=Sources)
    variables: dict[Id, Variable] = Field(max_length=200)
    parameters: dict[Id, Parameter] = Field(default_factory=dict, max_length=500)
    objectives: dict[Id, Objective] = Field(min_length=1, max_length=50)
    perspectives: dict[Id, Perspective] = Field(min_length=1, max_length=50)
    start: Id
    nodes: dict[Id, Node] = Field(min_length=1, max_length=5000)
    lines: dict[Id, Line] = Field(default_factory=dict, max_length=50)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return value


def json_schema() -> dict:
    """The JSON Schema of scenario files, for editors (yaml-language-server)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sim scenario"
    return schema
