"""Typed model of an interview definition (one YAML file under bot/forms/).

Texts in a definition are Chinese, as printed in the source document; they are also the msgids of the `forms`
translation domain, so English lives in locales/en/LC_MESSAGES/forms.po (see bot/i18n.py).

One pydantic model per item kind, discriminated by `type`.  Checks that need the whole form (duplicate ids,
references in conditions) live in bot/interview/loader.py.  A scoring rule's model and its load-time checks live
with the rule (bot/scoring/NAME.py); this schema only knows the base they share, `RuleModel`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cached_property
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, field_validator, model_validator

ItemId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
OptionId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=24)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @cached_property
    def memos(self) -> dict[str, Any]:
        """Values derived from this immutable object (a scoring plan, a numbering, condition results), kept on the
        object itself: a global cache keyed by id() could serve a freed object's successor its results."""
        return {}


class Option(_Model):
    id: OptionId
    label: str = Field(min_length=1)
    #: a short label for buttons when `label` is long; defaults to the label
    short: str | None = None
    #: picking this option clears every other one ("以上均无")
    exclusive: bool = False
    #: position on a single-choice ladder, 0 = weakest (used by the weighted-tree rule)
    rung: int | None = Field(default=None, ge=0)
    #: "其他": picking it asks for a short text, kept in the answer's `extra`
    other: bool = False
    #: the numeric band a typed number falls in, as the printed wording reads (民法典 第一千二百五十九条):
    #: `above` x means > x (大于, 超过), `at_least` x means ≥ x (以上), `upto` x means ≤ x (以下, 以内, "]"),
    #: `below` x means < x (小于, 不满).  The form's load check makes the bands of an item cover every number once.
    above: Decimal | None = None
    at_least: Decimal | None = None
    upto: Decimal | None = None
    below: Decimal | None = None

    def holds(self, value: Decimal) -> bool:
        """True when `value` falls in this option's band; compared exactly, never rounded first."""
        if self.above is not None and not value > self.above:
            return False
        if self.at_least is not None and value < self.at_least:
            return False
        if self.upto is not None and value > self.upto:
            return False
        return not (self.below is not None and value >= self.below)

    @property
    def banded(self) -> bool:
        return any(b is not None for b in (self.above, self.at_least, self.upto, self.below))

    @property
    def edges(self) -> tuple[Decimal, ...]:
        return tuple(b for b in (self.above, self.at_least, self.upto, self.below) if b is not None)

    @model_validator(mode="after")
    def _one_bound_each_side(self) -> Option:
        if self.above is not None and self.at_least is not None:
            raise ValueError("a band has one lower bound: above or at_least")
        if self.upto is not None and self.below is not None:
            raise ValueError("a band has one upper bound: upto or below")
        return self


class _ItemBase(_Model):
    id: ItemId
    text: str = Field(min_length=1)
    #: what the item means, shown on "help" / "?"
    help: str | None = None
    #: what the source prints with the question and a person must read to answer it: the official tick condition
    #: "（50%以上…即可勾选该项）", "（字数500以内）", "（截至申报日）"; shown with the question on every channel and
    #: in the reports' question tables, never only behind "?"
    note: str | None = None
    #: a heading shown when the interview enters a new section
    section: str | None = None
    required: bool = True
    #: a sandboxed expression over earlier answers; the item is asked only when it is true
    show_if: str | None = None
    #: the enterprise-profile field this item reads and writes: a value given in one interview is offered
    #: (never silently reused) in every later interview of the same enterprise
    profile: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    #: an expression over earlier answers whose value is offered (to confirm) when the profile offers nothing
    suggest: str | None = None


class ChoiceItem(_ItemBase):
    options: tuple[Option, ...] = Field(min_length=2)

    def option(self, option_id: str) -> Option:
        for opt in self.options:
            if opt.id == option_id:
                return opt
        raise KeyError(option_id)

    @property
    def substantive(self) -> tuple[Option, ...]:
        """The options that are not an exclusive "none of the above"."""
        return tuple(o for o in self.options if not o.exclusive)

    @model_validator(mode="after")
    def _unique_options(self) -> ChoiceItem:
        ids = [o.id for o in self.options]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate option ids {dupes}")
        return self


class SingleChoice(ChoiceItem):
    type: Literal["single"]
    #: a typed number is accepted instead of a pick, and mapped onto the options' bands
    accepts_number: Literal["percent", "decimal"] | None = None

    @model_validator(mode="after")
    def _bands(self) -> SingleChoice:
        if self.accepts_number and not all(o.banded for o in self.options):
            raise ValueError("accepts_number needs a band (above/at_least/upto/below) on every option")
        if self.accepts_number:
            edges = sorted({e for o in self.options for e in o.edges})
            probes = [edges[0] - 1, *edges, edges[-1] + 1]
            probes += [(a + b) / 2 for a, b in pairwise(edges)]
            for value in probes:
                holders = [o.id for o in self.options if o.holds(value)]
                if len(holders) != 1:
                    what = "no band holds" if not holders else f"bands {holders} all hold"
                    raise ValueError(f"{what} {value}: the bands must cover every number exactly once")
        return self


class MultiChoice(ChoiceItem):
    type: Literal["multi"]

    @model_validator(mode="after")
    def _one_exclusive(self) -> MultiChoice:
        if sum(o.exclusive for o in self.options) > 1:
            raise ValueError("at most one exclusive option")
        return self


class YesNo(_ItemBase):
    type: Literal["yesno"]


class TextItem(_ItemBase):
    type: Literal["text"]
    max_length: int | None = Field(default=None, gt=0)
    min_length: int = Field(default=1, ge=1)
    #: a file sent instead of (or with) the text is attached as evidence; its caption or name is the text
    accepts_file: bool = False


class FormattedItem(_ItemBase):
    """A short text with a fixed format, checked by the validator of the same name."""

    type: Literal["credit_code", "mobile", "landline", "phone", "email", "postal_code"]


class DateItem(_ItemBase):
    type: Literal["date", "year_month"]
    not_future: bool = False
    #: the plausible range (inclusive); unset, bot.interview.parsing's default for the field type applies
    earliest: date | None = None
    latest: date | None = None
    #: the answer must be later than this (earlier) item's answer: "end after start"
    after: ItemId | None = None


class NumberItem(_ItemBase):
    type: Literal["integer", "decimal", "percent", "money"]
    min: Decimal | None = None
    max: Decimal | None = None
    #: the minimum itself is refused (e.g. an investment must be > 0)
    min_exclusive: bool = False
    unit: str | None = None
    #: unset min/max take the default range of the field type (bot.interview.parsing.NUMBER_RANGES)


FieldItem = Annotated[
    SingleChoice | MultiChoice | YesNo | TextItem | FormattedItem | DateItem | NumberItem,
    Field(discriminator="type"),
]


class GroupItem(_ItemBase):
    """A repeatable group of fields (one or more service providers): the answer is a list of entries."""

    type: Literal["group"]
    #: what one entry is called ("服务商")
    entry: str
    fields: tuple[FieldItem, ...] = Field(min_length=1)
    min_entries: int = Field(default=1, ge=0)
    max_entries: int = Field(default=10, ge=1)

    def field(self, field_id: str) -> FieldItem:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    @model_validator(mode="after")
    def _fields(self) -> GroupItem:
        ids = [f.id for f in self.fields]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate field ids")
        if any(f.show_if for f in self.fields):
            raise ValueError("fields of a group cannot have show_if")
        return self


Item = Annotated[
    SingleChoice | MultiChoice | YesNo | TextItem | FormattedItem | DateItem | NumberItem | GroupItem,
    Field(discriminator="type"),
]


#: the public name of the base every model of a form derives from (frozen, unknown keys refused, memos)
Model = _Model


class RuleModel(_Model):
    """What the form knows of its scoring rule: the `rule:` naming it.  Each rule's own model (its levels, tree,
    rubric, conditions …) lives with the rule in bot/scoring/NAME.py and derives from this; `Form.scoring` is
    validated by the model of the rule it names (bot.scoring.model_of), so the schema lists no rule."""

    rule: str

    def sub_questions(self) -> Mapping[str, tuple[str, ...]]:
        """Questions printed in parts ("16.1", "16.2"), as {first item: its items}; none unless the rule says."""
        return {}

    def indicator_labels(self) -> Mapping[str, str]:
        """Items the rule numbers itself ("1"…, "B1"…), by item id; the others are then numbered A1…."""
        return {}


class Check(_Model):
    """A cross-field check, run when every item it reads is answered.

    `test` must be true; otherwise `message` (a Jinja template over the answers and computed values) is shown:
    an `error` refuses the answer just given, a `warning` is told and the answer kept.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    test: str
    message: str
    severity: Literal["error", "warning"] = "error"


class Computed(_Model):
    """A value derived from answers by a sandboxed expression (a growth rate, the size class)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    expr: str
    label: str | None = None
    unit: str | None = None


class Form(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: int = Field(ge=1)
    title: str
    #: a one-line English-free description shown on the list of interviews
    summary: str | None = None
    source: str | None = None
    minutes: int | None = None
    items: tuple[Item, ...] = Field(min_length=1)
    checks: tuple[Check, ...] = ()
    computed: tuple[Computed, ...] = ()
    #: named data that expressions may read (a reference list of enterprise names, say)
    constants: dict[str, Any] = Field(default_factory=dict)
    #: interviews offered when this one ends well (an eligible check leads to the self-assessment and the
    #: filing; answers carry over through the enterprise profile)
    next: tuple[str, ...] = ()
    #: what happens after submission, one paragraph each: told in the chat at submission and printed as the closing
    #: section of the form's document; a paragraph may name answers as {{ item_id }} (their display text)
    next_steps: tuple[str, ...] = ()
    #: the scoring rule, by name (`rule:`), validated by that rule's model; None: the form is not scored
    scoring: SerializeAsAny[RuleModel] | None = None
    #: (issue 15) the form of a submitted session this interview is started from, never on its own: a service
    #: contract is drafted from a filing, for one of its providers.  Such a form is not on the list of interviews.
    starts_from: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$")
    #: the document layouts of this form, by name (bot/rendering/layouts/<name>.py): the first is its report;
    #: the loader checks that every item id a layout reads is in the form.  Empty: no documents.
    documents: tuple[str, ...] = ()

    @field_validator("scoring", mode="before")
    @classmethod
    def _rule_model(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        # deferred: the rule modules read this schema, so it cannot import them when it is loaded
        from bot.scoring import model_of

        return model_of(value.get("rule")).model_validate(value)

    def item(self, item_id: str) -> Item:
        return self.index[item_id]

    def position(self, item_id: str) -> int:
        return self.positions[item_id]

    @cached_property
    def index(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    @cached_property
    def positions(self) -> dict[str, int]:
        return {i.id: n for n, i in enumerate(self.items)}
