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


class _Opening(_Strict):
    """When part of the dossier opens: from a date, and optionally only on paths where a condition has held."""

    when: Expr | None = Field(
        None, description="A condition on the state: the part opens only once it has held at some point of the game "
        "(and its date has come). It reports what happened in the record; on paths that did not go that way it "
        "stays closed until the game ends.")
    instead: Text | None = Field(
        None, description="What the reader shows in its place on paths where `when` has not held (default: a "
        "neutral notice).")


class _WithheldPart(_Opening):
    until: dt.date = Field(description="First date at which it is shown; before it the reader says only that it is "
                           "withheld. Every part is shown once the game is over.")
    dated: dt.date | None = Field(
        None, description="The date of the earliest event it reports, when later than its document's date: what a "
        "reference line's documented step may cite from it is dated then. It must open after that date.")
    reason: Annotated[str, Field(min_length=1, max_length=2000)] = Field(
        description="What it reports that was not yet known. For reviewers: the player never sees it while it "
        "is withheld."
    )

    @field_validator("reason")
    @classmethod
    def _reason_said(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say why it is withheld: what it reports that was not yet known")
        return value


class WithheldFootnote(_WithheldPart):
    """An editorial footnote that reports what came after its document: the reader shows it from `until` on."""


class WithheldPassage(_WithheldPart):
    """A passage of a document's text that reports what came after it: the reader shows it from `until` on."""

    quote: Annotated[str, Field(min_length=3, max_length=4000)] = Field(
        description="Verbatim text of the passage (whitespace-insensitive); every occurrence is withheld."
    )

    @field_validator("quote")
    @classmethod
    def _quote_said(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("quote the withheld passage verbatim")
        return value


class Document(_Opening):
    """One primary source, a text file under the sources root."""

    file: Annotated[str, Field(min_length=1, max_length=300)]
    date: dt.date = Field(description="Date of the document (the date its own text bears).")
    opens: dt.date | None = Field(
        None, description="First date at which the reader shows it, when later than its date: a document that "
        "records the answer to a decision of its own date opens the day after.")
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

    @property
    def opening(self) -> dt.date:
        """The first date the reader shows the document."""
        return self.opens or self.date


class Sources(_Strict):
    root: Annotated[str, Field(max_length=500)] = Field(
        ".", description="Folder of the documents, relative to the scenario file's folder."
    )
    documents: dict[Id, Document] = Field(default_factory=dict, max_length=500)


class _Variable(_Strict):
    label: ShortText = ""
    group: ShortText = "State"
    description: Text = ""


ValueLabel = Annotated[str, Field(min_length=1, max_length=120)]


class IntVariable(_Variable):
    type: Literal["int"]
    min: StrictInt = Field(ge=-1_000_000, le=1_000_000)
    max: StrictInt = Field(ge=-1_000_000, le=1_000_000)
    initial: StrictInt
    value_labels: dict[Annotated[str, Field(pattern=r"^-?[0-9]{1,7}$")], ValueLabel] = Field(
        default_factory=dict, max_length=64,
        description="What the values of the scale mean, in words (0: withheld, 1: limited, ...); shown with the "
        "number during play.")


class BoolVariable(_Variable):
    type: Literal["bool"]
    initial: StrictBool
    value_labels: dict[Literal["true", "false"], ValueLabel] = Field(
        default_factory=dict, max_length=2, description="Words for true and false (default: yes and no).")


def value_label(var: _Variable, value: object) -> str:
    """How play names a variable's value: its label, else yes/no, the number, or the value's words."""
    if isinstance(value, bool):
        key = "true" if value else "false"
        return var.value_labels.get(key) or ("yes" if value else "no")
    label = var.value_labels.get(str(value))
    if label:
        return f"{value}: {label}" if isinstance(value, int) else label
    return str(value).replace("_", " ")


class EnumVariable(_Variable):
    type: Literal["enum"]
    values: Annotated[list[Id], Field(min_length=1, max_length=64)]
    initial: Id
    value_labels: dict[Id, ValueLabel] = Field(
        default_factory=dict, max_length=64,
        description="Value -> how play names it (default: the value with its underscores as spaces).")


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
    play_title: ShortText = Field(
        "", description="How projections name this ending during play: neutral, telling nothing the player could "
        "not know yet (no later event, no 'the course the record shows'). Default: the title. The title itself "
        "shows in the debrief.")
    epilogue: Text = ""
    historical: bool = Field(
        False, description="True if this ending is what the documents record; false if it is a projection."
    )
    citations: list[Citation] = Field(default_factory=list, max_length=40)


Node = Annotated[DecisionNode | ChanceNode | EndNode, Field(discriminator="type")]


Basis = Literal["documented", "inferred", "not_recorded"]


class Provenance(_Strict):
    """What one step of a reference line rests on."""

    basis: Basis = Field(
        description="documented: the record shows it (cite the passage that records it, dated no later than the "
        "step's node); inferred: a reading of the record (say the reasoning, cite what it draws on); "
        "not_recorded: the record is silent (at a chance node the step is the model's draw).")
    citations: list[Citation] = Field(default_factory=list, max_length=20)
    note: Text = Field("", description="What the record says of this step; for an inferred step, the reasoning.")


class Line(_Strict):
    """A reference policy: the option taken at each decision node (the memo's line, history's), with what each
    step rests on."""

    label: ShortText = ""
    description: Text = ""
    choices: dict[Id, Id] = Field(default_factory=dict, max_length=5000)
    outcomes: dict[Id, Id] = Field(
        default_factory=dict, max_length=5000,
        description="Chance node -> the outcome this line fixes (documented or inferred from the record); "
        "`sim run --line` forces them. Chance nodes not listed are drawn.",
    )
    provenance: dict[Id, Provenance] = Field(
        default_factory=dict, max_length=5000,
        description="Node -> what that step of the line rests on. A chance node the line meets without fixing "
        "its outcome is not recorded (the model's draw) unless said otherwise.",
    )

    def basis_at(self, node: str) -> Provenance:
        """What the step at a node rests on: as declared, else not recorded."""
        return self.provenance.get(node) or Provenance(basis="not_recorded")


class GlossaryTerm(_Strict):
    """A term a player may not know (IAPC, MFM, junta), defined where the sources define it."""

    term: ShortText
    definition: Text
    citations: list[Citation] = Field(default_factory=list, max_length=10)


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
    glossary: dict[Id, GlossaryTerm] = Field(
        default_factory=dict, max_length=200,
        description="Terms a player can look up from any screen (g), each defined and, where the sources define "
        "it, cited.")

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
