"""Numbers: `integer`, `decimal`, `percent` and `money` (万元; "1.2亿", "3千万" are read), each with a plausible
default range that a form's min/max replaces."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import Field

from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.errors import AnswerError, Doubt
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
    #: at most this many decimals (money in 元: 2, the fen); more are refused, never rounded away unseen
    places: int | None = Field(default=None, ge=0)
    #: an expression over earlier answers: the largest value the enterprise's size makes plausible (its headcount
    #: times an amount per person, say).  A value beyond it (in size, for amounts that may be negative) is asked to
    #: be confirmed: refused once naming both readings, taken when given again (bot.interview.errors.Doubt).
    plausible_max: str | None = None


def number_range(item: NumberItem) -> tuple[Decimal, Decimal]:
    """The item's plausible range: the form's bounds, else the default of its field type."""
    low, high = NUMBER_RANGES[item.type]
    return (item.min if item.min is not None else low, item.max if item.max is not None else high)


def yuan(value: Any, tr: Words) -> str:
    """An amount in 万元 written out in yuan for English readers ("500,000,000 yuan"), exactly."""
    try:
        amount = Decimal(str(value)) * 10000
    except ArithmeticError:
        return str(value)
    text = f"{amount:,.2f}".rstrip("0").rstrip(".") if amount != amount.to_integral() else f"{amount:,.0f}"
    return tr.ui("{amount} yuan", amount=text)


def _plain(value: Decimal) -> str:
    return canonical(value)


def _in_wan_shown(value: Decimal) -> str:
    """An amount of 万元 divided by 10000 (亿元, or the 万元 of an amount typed in 元), 2 decimals at most."""
    return canonical((value / 10000).quantize(Decimal("0.01")))


def implausible(item: NumberItem, answer: Answer, bound: Decimal) -> Doubt | None:
    """Why `answer` needs confirming when the enterprise's size makes at most `bound` plausible, or None.  An amount
    in 万元 names the other reading: the figure typed in 元 (86000000 万元 = 8600 亿元; 86000000 元 = 8600 万元)."""
    value = Decimal(str(answer.value))
    if abs(value) <= bound:
        return None
    if item.type == "money" and item.unit in (None, "万元"):
        return Doubt("implausible_amount", answer, value=_plain(value), yi=_in_wan_shown(value),
                     wan=_in_wan_shown(value), bound=f"{bound:.0f}")
    return Doubt("implausible_number", answer, value=_plain(value), bound=f"{bound:.0f}")


class NumberKind(Kind[NumberItem]):
    model = NumberItem

    def parse(self, item: NumberItem, text: str, answers: Mapping[str, Answer], today: date) -> Answer:
        low, high = number_range(item)
        if item.type == "integer":
            lo = int(low) + (1 if item.min_exclusive else 0)
            return Answer(str(v.parse_integer(text, min=lo, max=int(high))))
        if item.type == "percent":
            value = v.parse_percent(text, min=low, max=high)
            answer = Answer(canonical(value))
            if 0 < value < 1 and not v.normalize(text).endswith("%") and value * 100 <= high:
                # "0.5": 0.5% or 50%?  Typed with its % it is what it says; without, asked once
                raise Doubt("percent_below_one", answer, value=_plain(value), percent=_plain(value * 100))
            return answer
        if item.type == "money":
            return Answer(canonical(v.parse_money_wan(text, min=low, max=high, min_exclusive=item.min_exclusive)))
        try:
            value = v.parse_decimal(text, min=low, max=high, places=item.places, min_exclusive=item.min_exclusive)
        except AnswerError as exc:
            if exc.code != "too_many_decimals" or item.unit != "元":
                raise
            # refused, not rounded: a price is what both parties sign, and the total is this price times the
            # quantity; the person says which price is meant (666.67 × 3 is 2,000.01)
            fen = Decimal(1).scaleb(-(item.places or 0))
            rounded = max(v.parse_decimal(text).quantize(fen, rounding=ROUND_HALF_UP), fen)
            raise AnswerError("yuan_places", places=item.places, rounded=canonical(rounded)) from None
        return Answer(canonical(value))

    def from_value(self, item: NumberItem, value: Any, today: date) -> Answer:
        """Data (ANSWERS.json, a profile value) is taken as it is: only typing slips are doubted."""
        try:
            return super().from_value(item, value, today)
        except Doubt as doubt:
            return doubt.answer  # type: ignore[no-any-return]

    def hint(self, item: NumberItem, tr: Words) -> str:
        """The unit the number is asked in, when the question does not already name it ("注册资本（万元）")."""
        if item.type == "percent":
            unit = "%"
        elif item.type == "money" and item.unit in (None, "万元"):
            unit = tr.ui("10k yuan")
        elif item.unit:
            unit = tr.unit(item.unit, 2)
        else:
            return ""
        said = tr.form(item.text) + (tr.form(item.note) if item.note else "")
        if unit.removeprefix("个") in said or (item.type == "money" and "yuan" in said):
            return ""
        return tr.ui("in {unit}", unit=unit) if item.type == "money" else unit

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
