"""Choices: `single` (one option; a banded one also takes a typed number) and `multi` (several options).

Option numbers are 1-based as printed in the source form; a multiple choice takes several numbers ("1 3 4",
"1，3、4"); an option is also found by its label, short label or id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any, Literal, TypeVar

from pydantic import Field, model_validator

from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.kinds.base import (
    ItemBase,
    Kind,
    Model,
    OptionId,
    Widget,
    Words,
    canonical,
    colon,
    list_sep,
    to_halfwidth,
)
from bot.interview.typed import typed_int

_SPLIT = re.compile(r"[\s,，、;；]+")
#: the longest typed text a choice reads
LONGEST = 300


class Option(Model):
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


class ChoiceItem(ItemBase):
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


def _option_by_number(item: ChoiceItem, token: str, refusal: str) -> str:
    n = typed_int(token)
    if n is None:
        raise AnswerError(refusal, max=len(item.options))
    if not 1 <= n <= len(item.options):
        raise AnswerError("option_out_of_range", max=len(item.options))
    return item.options[n - 1].id


def _option_by_text(item: ChoiceItem, token: str) -> str | None:
    for opt in item.options:
        if token in (opt.label, opt.short, opt.id):
            return opt.id
    return None


def checked_multi(item: MultiChoice, picked: list[str] | tuple[str, ...]) -> list[str]:
    """The ticks of a multiple choice as stored: in printed order; refused when empty or when an exclusive
    option ("以上均无") is ticked with others."""
    if not picked:
        raise AnswerError("choose_some", max=len(item.options))
    exclusive = [o for o in item.options if o.exclusive and o.id in picked]
    if exclusive and len(picked) > 1:
        raise AnswerError("exclusive_with_others", option=exclusive[0].label)
    # keep the printed order whatever order they were typed in
    return [o.id for o in item.options if o.id in picked]


C = TypeVar("C", bound=ChoiceItem)


class _ChoiceKind(Kind[C]):
    longest_text = LONGEST

    def button_ids(self, item: C) -> tuple[str, ...]:
        return tuple(o.id for o in item.options)

    def options(self, item: C) -> tuple[Option, ...]:
        return item.options

    def display(self, item: C, answer: Answer, tr: Words) -> str:
        ids = answer.value if isinstance(answer.value, list) else [answer.value]
        labels = list_sep(tr).join(tr.form(item.option(i).short or item.option(i).label) for i in ids)
        if answer.extra:
            other = any(item.option(i).other for i in ids)
            typed = answer.extra + ("%" if getattr(item, "accepts_number", None) == "percent" else "")
            labels += f"{colon(tr)}{answer.extra}" if other else tr.ui(" (typed: {value})", value=typed)
        return labels


class SingleKind(_ChoiceKind[SingleChoice]):
    model = SingleChoice
    widget = Widget.OPTIONS

    def parse(self, item: SingleChoice, text: str, answers: Mapping[str, Answer], today: date) -> Answer:
        text = to_halfwidth(text).strip()
        n = typed_int(text)
        if n is not None and (1 <= n <= len(item.options) or not item.accepts_number):
            return Answer(_option_by_number(item, text, "choose_one"))
        by_label = _option_by_text(item, text)
        if by_label is not None:
            return Answer(by_label)
        if item.accepts_number:
            try:
                value = v.parse_percent(text) if item.accepts_number == "percent" else v.parse_decimal(text)
            except AnswerError as exc:  # neither an option nor a number ("1 2"): say both ways to answer
                if exc.code != "not_a_number":
                    raise
                raise AnswerError("choose_one_or_number", max=len(item.options)) from None
            for opt in item.options:
                if opt.holds(value):
                    return Answer(opt.id, extra=canonical(value))
            raise AnswerError("number_in_no_band")
        raise AnswerError("choose_one", max=len(item.options))

    def from_value(self, item: SingleChoice, value: Any, today: date) -> Answer:
        """A 1-based option number, or a text as typed."""
        if isinstance(value, int) and not isinstance(value, bool):
            return Answer(_option_by_number(item, str(value), "choose_one"))
        if isinstance(value, str):
            return self.read(item, value, {}, today)
        raise AnswerError("choose_one", max=len(item.options))

    def pick(self, item: SingleChoice, option_id: str) -> Answer:
        if option_id not in {o.id for o in item.options}:
            raise AnswerError("stale_button")
        return Answer(option_id)

    def hint(self, item: SingleChoice, tr: Words) -> str:
        return tr.ui("single choice")

    def prompt(self, item: SingleChoice, tr: Words, answers: Mapping[str, Answer]) -> str:
        if item.accepts_number == "percent":
            return tr.ui("…or type the exact percentage, e.g. 15%")
        return ""


class MultiKind(_ChoiceKind[MultiChoice]):
    model = MultiChoice
    widget = Widget.TOGGLES

    def parse(self, item: MultiChoice, text: str, answers: Mapping[str, Answer], today: date) -> Answer:
        text = to_halfwidth(text).strip()
        tokens = [t for t in _SPLIT.split(text) if t]
        if not tokens:
            raise AnswerError("choose_some", max=len(item.options))
        picked: list[str] = []
        for token in tokens:
            if typed_int(token) is not None:
                oid = _option_by_number(item, token, "choose_some")
            else:
                found = _option_by_text(item, token)
                if found is None:
                    raise AnswerError("choose_some", max=len(item.options))
                oid = found
            if oid not in picked:
                picked.append(oid)
        return Answer(checked_multi(item, picked))

    def from_value(self, item: MultiChoice, value: Any, today: date) -> Answer:
        """A list of 1-based option numbers or option texts; an empty list is the exclusive "none" option."""
        if not isinstance(value, list):
            raise AnswerError("choose_some", max=len(item.options))
        if not value:
            none = [o.id for o in item.options if o.exclusive]
            if not none:
                raise AnswerError("choose_some", max=len(item.options))
            return Answer(none)
        picked: list[str] = []
        for token in value:
            if isinstance(token, int) and not isinstance(token, bool):
                picked.append(_option_by_number(item, str(token), "choose_some"))
            elif isinstance(token, str) and (found := _option_by_text(item, token)):
                picked.append(found)
            else:
                raise AnswerError("choose_some", max=len(item.options))
        return Answer(checked_multi(item, picked))

    def hint(self, item: MultiChoice, tr: Words) -> str:
        return tr.ui("multiple choice")


SINGLE = SingleKind()
MULTI = MultiKind()
