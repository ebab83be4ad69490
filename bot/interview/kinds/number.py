"""Numbers: `integer`, `decimal`, `percent` and `money` (万元; "1.2亿", "3千万" are read), each with a plausible
default range that a form's min/max replaces."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.kinds.base import ItemBase, Kind, Words, canonical

#: the default plausible range of a number item whose form gives none, by field type (min, max; inclusive)
NUMBER_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "integer": (Decimal(-10**8), Decimal(10**8)),
    "money": (Decimal(-10**9), Decimal(10**9)),  # 万元: ±10 trillion yuan
    "decimal": (Decimal(-10**12), Decimal(10**12)),
    "percent": (Decimal(0), Decimal(100)),
}


class NumberItem(ItemBase):
    type: Literal["integer", "decimal", "percent", "money"]
    min: Decimal | None = None
    max: Decimal | None = None
    #: the minimum itself is refused (e.g. an investment must be > 0)
    min_exclusive: bool = False
    unit: str | None = None
    #: unset min/max take the default range of the field type (NUMBER_RANGES)


def number_range(item: NumberItem) -> tuple[Decimal, Decimal]:
    """The item's plausible range: the form's bounds, else the default of its field type."""
    low, high = NUMBER_RANGES[item.type]
    return (item.min if item.min is not None else low, item.max if item.max is not None else high)


def yuan(value: Any, tr: Words) -> str:
    """An amount in 万元 for English readers: in the unit the form asks it (its label says "10k yuan") and
    written out in yuan, exactly ("50,000 × 10k yuan = 500,000,000 yuan")."""
    try:
        wan = Decimal(str(value))
        amount = wan * 10000
    except ArithmeticError:
        return str(value)
    text = f"{amount:,.2f}".rstrip("0").rstrip(".") if amount != amount.to_integral() else f"{amount:,.0f}"
    return tr.ui("{wan} × 10k yuan = {amount} yuan", wan=f"{wan:,}", amount=text)


class NumberKind(Kind[NumberItem]):
    model = NumberItem

    def parse(self, item: NumberItem, text: str, answers: Mapping[str, Answer], today: date) -> Answer:
        low, high = number_range(item)
        if item.type == "integer":
            lo = int(low) + (1 if item.min_exclusive else 0)
            return Answer(str(v.parse_integer(text, min=lo, max=int(high))))
        if item.type == "percent":
            return Answer(canonical(v.parse_percent(text, min=low, max=high)))
        if item.type == "money":
            return Answer(canonical(v.parse_money_wan(text, min=low, max=high, min_exclusive=item.min_exclusive)))
        return Answer(canonical(v.parse_decimal(text, min=low, max=high, min_exclusive=item.min_exclusive)))

    def typed_value(self, item: NumberItem, value: Any) -> Any:
        return Decimal(value)

    def display(self, item: NumberItem, answer: Answer, tr: Words) -> str:
        if item.type == "money" and item.unit in (None, "万元") and tr.lang != "zh":
            return yuan(answer.value, tr)
        suffix = "%" if item.type == "percent" else (" " + tr.unit(item.unit, answer.value) if item.unit else "")
        if item.type == "money" and not item.unit:
            suffix = " " + tr.ui("10k yuan")
        return f"{answer.value}{suffix}"

    def prompt(self, item: NumberItem, tr: Words, answers: Mapping[str, Answer]) -> str:
        if item.type == "percent":
            return tr.ui("Type a percentage, e.g. 98.5")
        if item.type == "money":
            return tr.ui("Type an amount in 10k yuan, e.g. 120")
        if item.type == "integer":
            return tr.ui("Type a whole number.")
        return tr.ui("Type a number.")


KIND = NumberKind()
