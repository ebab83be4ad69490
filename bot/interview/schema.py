"""Typed model of an interview definition (one YAML file under bot/forms/).

Texts in a definition are Chinese, as printed in the source document; they are also the msgids of the `forms`
translation domain, so English lives in locales/en/LC_MESSAGES/forms.po (see bot/i18n.py).

The items are the field kinds' models (one module each under bot/interview/kinds/, which also builds the `Item`
union discriminated by `type`); they are re-exported here by their old names.  Checks that need the whole form
(duplicate ids, references in conditions, scoring weights) live in bot/interview/loader.py.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from bot.interview.kinds import FieldItem, Item
from bot.interview.kinds.base import ItemId, OptionId
from bot.interview.kinds.base import Model as _Model
from bot.interview.kinds.choice import ChoiceItem, MultiChoice, Option, SingleChoice
from bot.interview.kinds.date import DateItem
from bot.interview.kinds.formatted import FormattedItem
from bot.interview.kinds.group import GroupItem
from bot.interview.kinds.number import NumberItem
from bot.interview.kinds.text import TextItem
from bot.interview.kinds.yesno import YesNo

__all__ = [
    "ChoiceItem", "DateItem", "FieldItem", "FormattedItem", "GroupItem", "Item", "ItemId", "MultiChoice",
    "NumberItem", "Option", "OptionId", "SingleChoice", "TextItem", "YesNo",
]


class Level(_Model):
    level: int = Field(ge=0)
    #: the lowest score of this level (a score on the edge takes this level)
    min: Decimal
    name: str
    #: what the level means, in the instrument's own words (附件4: "一级（20-40分）：开展了基础业务流程梳理…")
    description: str | None = None


class TreeNode(_Model):
    """A node of a weighted scoring tree: either a group with children or a leaf naming an item."""

    id: str | None = None
    name: str | None = None
    item: ItemId | None = None
    #: percent of the parent; a fraction such as "100/3" is allowed
    weight: Fraction = Fraction(100)
    children: tuple[TreeNode, ...] = ()

    @field_validator("weight", mode="before")
    @classmethod
    def _fraction(cls, v: object) -> Fraction:
        if isinstance(v, Fraction):
            return v
        if isinstance(v, (int, str)):
            return Fraction(v)
        if isinstance(v, float):
            return Fraction(str(v))
        raise ValueError(f"weight must be a number, got {v!r}")

    @model_validator(mode="after")
    def _leaf_or_group(self) -> TreeNode:
        if (self.item is None) == (not self.children):
            raise ValueError("a tree node is either a leaf with `item` or a group with `children`")
        if self.item is None and not (self.id and self.name):
            raise ValueError("a group node needs an id and a name")
        return self


class WeightedTreeScoring(_Model):
    rule: Literal["weighted_tree"]
    total: Decimal = Decimal(100)
    #: the result is an estimate of an official figure (shown with `authority`)
    estimate: bool = False
    authority: str | None = None
    #: where a person gets the authoritative figure, in the source's words (附件4 备注: "可免费在线自评")
    authority_note: str | None = None
    levels: tuple[Level, ...]
    tree: tuple[TreeNode, ...]
    #: the enterprise-profile key that receives the level reached, as "level<n>" (the filing's self-test field)
    profile: str | None = None


class RubricIndicator(_Model):
    item: ItemId
    points: Decimal = Field(gt=0)


class RubricGroup(_Model):
    """A second-level indicator: yes/no items with points; `gate` means it must score above 0."""

    id: str
    name: str
    max: Decimal
    items: tuple[RubricIndicator, ...] = Field(min_length=1)


class RubricSection(_Model):
    """A first-level indicator."""

    id: str
    name: str
    max: Decimal
    groups: tuple[RubricGroup, ...] = Field(min_length=1)


class PointsRubric(_Model):
    """Yes earns the item's points (Heilongjiang benchmark, SCORING.md §2)."""

    rule: Literal["points"]
    sections: tuple[RubricSection, ...]
    #: every second-level group must score above 0, or the application cannot go on to review
    gate: bool = True
    bonus: tuple[RubricIndicator, ...] = ()
    bonus_cap: Decimal = Decimal(0)


class Condition(_Model):
    """A named outcome that applies when `when` is true (a reason to refuse, or a note to tell)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: str
    message: str


class EligibilityRule(_Model):
    """Eligible unless a reason applies (hangzhou-eligibility); notes are told whatever the outcome."""

    rule: Literal["eligibility"]
    reasons: tuple[Condition, ...]
    notes: tuple[Condition, ...] = ()


# --- hook: the MIIT 2024 rule's model (its checks, evaluation, running view and report view live in
# bot/scoring/miit2024.py; the model sits here because bot.scoring imports this module) -------------------------


class ScenarioRef(_Model):
    """A scenario of 数字化经营: a single choice whose options' `rung` is the level (1–4) it describes."""

    item: ItemId
    #: the scenario's name (产品设计)
    name: str
    #: 约束性 (the platform's type flag; the label is the third-party tool's, see `unconfirmed`)
    constraint: bool = False


class ScenarioGroup(_Model):
    id: str
    name: str
    scenarios: tuple[ScenarioRef, ...] = Field(min_length=1)


class ScenarioLevel(_Model):
    """A level of the 2024 rule: the score AND the count of scenarios rated at `scenario_level` or higher AND how
    many of those are 约束性.  Level 0 (no level) has every condition at 0."""

    level: int = Field(ge=0)
    name: str
    min: Decimal
    scenario_level: int = Field(default=0, ge=0)
    scenarios: int = Field(default=0, ge=0)
    constraint: int = Field(default=0, ge=0)
    description: str | None = None


class Miit2024Scoring(_Model):
    """MIIT 2024 self-assessment (MIIT-2024.md): option weights per option, levels gated by scenario counts."""

    rule: Literal["miit2024"]
    total: Decimal = Decimal(100)
    estimate: bool = True
    authority: str | None = None
    authority_note: str | None = None
    #: the weight tree (dimension → indicator → sub-indicator → question), each weight a percent of its parent
    tree: tuple[TreeNode, ...]
    #: per scored item, each option's weight in percent of the question's maximum
    weights: dict[str, dict[str, Decimal]]
    scenario_groups: tuple[ScenarioGroup, ...]
    levels: tuple[ScenarioLevel, ...]
    #: the parts of the rule not yet confirmed by the official document, one sentence each (named in reports)
    unconfirmed: tuple[str, ...] = ()
    #: the enterprise-profile key that receives the level reached, as "level<n>"
    profile: str | None = None


Scoring = Annotated[WeightedTreeScoring | PointsRubric | EligibilityRule | Miit2024Scoring,
                    Field(discriminator="rule")]


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
    scoring: Scoring | None = None
    #: (issue 15) the form of a submitted session this interview is started from, never on its own: a service
    #: contract is drafted from a filing, for one of its providers.  Such a form is not on the list of interviews.
    starts_from: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$")
    #: the document layouts of this form, by name (bot/rendering/layouts/<name>.py): the first is its report;
    #: the loader checks that every item id a layout reads is in the form.  Empty: no documents.
    documents: tuple[str, ...] = ()

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
