"""Typed model of an interview definition (one YAML file under bot/forms/).

Texts in a definition are Chinese, as printed in the source document; they are also the msgids of the `forms`
translation domain, so English lives in locales/en/LC_MESSAGES/forms.po (see bot/i18n.py).

The items are the field kinds' models (one module each under bot/interview/kinds/, which also builds the `Item`
union discriminated by `type`); they are re-exported here by their old names.  Checks that need the whole form
(duplicate ids, references in conditions) live in bot/interview/loader.py.  A scoring rule's model and its
load-time checks live with the rule (bot/scoring/NAME.py); this schema only knows the base they share, `RuleModel`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any, Literal

from pydantic import Field, SerializeAsAny, field_validator

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
    #: the form of a submitted session this interview is started from, never on its own: a service
    #: contract is drafted from a filing, for one of its providers.  Such a form is not on the list of interviews.
    starts_from: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$")
    #: answers of the `starts_from` form that this form's checks read, as `origin.<id>` (a contract's period
    #: against its filing's 项目实施期限); the service copies them into the session's origin (its "values")
    origin_values: tuple[ItemId, ...] = ()
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
