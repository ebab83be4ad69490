"""Typed text (or data such as ANSWERS.json) → an answer for one item, or an AnswerError saying why not.

Option numbers are 1-based as printed in the source form; a banded single choice also takes a number
(percentages with %); a multiple choice takes several numbers ("1 3 4", "1，3、4"); the rest goes to the
validators of bot/interview/validators.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.schema import (
    ChoiceItem,
    DateItem,
    FormattedItem,
    GroupItem,
    Item,
    MultiChoice,
    NumberItem,
    SingleChoice,
    TextItem,
    YesNo,
)
from bot.interview.typed import MAX_TYPED, clean, typed_int

_SPLIT = re.compile(r"[\s,，、;；]+")

#: the default plausible range of a number item whose form gives none, by field type (min, max; inclusive)
NUMBER_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "integer": (Decimal(-10**8), Decimal(10**8)),
    "money": (Decimal(-10**9), Decimal(10**9)),  # 万元: ±10 trillion yuan
    "decimal": (Decimal(-10**12), Decimal(10**12)),
    "percent": (Decimal(0), Decimal(100)),
}
#: the default earliest date of a date item, and how many years after today the latest one is
EARLIEST_DATE = date(1900, 1, 1)
LATEST_YEARS = 30
#: the longest text each kind of item reads (longer is refused before any pattern looks at it)
_LONGEST = {"single": 300, "multi": 300, "yesno": 20, "credit_code": 64, "mobile": 64, "landline": 64,
            "phone": 64, "email": 320, "postal_code": 32, "date": 40, "year_month": 40, "integer": 64,
            "decimal": 64, "percent": 64, "money": 64}
#: free text without its own max_length
TEXT_LONGEST = 2000


#: full-width ASCII (！ to ～) and the ideographic space, as typed by Chinese input methods, to plain ASCII
_HALFWIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: ord(" ")}


def _to_halfwidth(text: str) -> str:
    return text.translate(_HALFWIDTH)


def _option_by_number(item: ChoiceItem, token: str) -> str:
    n = typed_int(token)
    if n is None:
        raise AnswerError("choose_some" if isinstance(item, MultiChoice) else "choose_one", max=len(item.options))
    if not 1 <= n <= len(item.options):
        raise AnswerError("option_out_of_range", max=len(item.options))
    return item.options[n - 1].id


def _option_by_text(item: ChoiceItem, token: str) -> str | None:
    for opt in item.options:
        if token in (opt.label, opt.short, opt.id):
            return opt.id
    return None


def _parse_single(item: SingleChoice, raw: str) -> Answer:
    text = _to_halfwidth(raw).strip()
    n = typed_int(text)
    if n is not None and (1 <= n <= len(item.options) or not item.accepts_number):
        return Answer(_option_by_number(item, text))
    by_label = _option_by_text(item, text)
    if by_label is not None:
        return Answer(by_label)
    if item.accepts_number:
        value = v.parse_percent(text) if item.accepts_number == "percent" else v.parse_decimal(text)
        for opt in item.options:
            if opt.holds(value):
                return Answer(opt.id, extra=_canonical(value))
        raise AnswerError("number_in_no_band")
    raise AnswerError("choose_one", max=len(item.options))


def _parse_multi(item: MultiChoice, raw: str) -> Answer:
    text = _to_halfwidth(raw).strip()
    tokens = [t for t in _SPLIT.split(text) if t]
    if not tokens:
        raise AnswerError("choose_some", max=len(item.options))
    picked: list[str] = []
    for token in tokens:
        if typed_int(token) is not None:
            oid = _option_by_number(item, token)
        else:
            found = _option_by_text(item, token)
            if found is None:
                raise AnswerError("choose_some", max=len(item.options))
            oid = found
        if oid not in picked:
            picked.append(oid)
    return Answer(checked_multi(item, picked))


def checked_multi(item: MultiChoice, picked: list[str] | tuple[str, ...]) -> list[str]:
    if not picked:
        raise AnswerError("choose_some", max=len(item.options))
    exclusive = [o for o in item.options if o.exclusive and o.id in picked]
    if exclusive and len(picked) > 1:
        raise AnswerError("exclusive_with_others", option=exclusive[0].label)
    # keep the printed order whatever order they were typed in
    return [o.id for o in item.options if o.id in picked]


def _canonical(value: Decimal) -> str:
    """Fixed-point without trailing zeros, every digit typed kept (Decimal.normalize would round past 28)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def number_range(item: NumberItem) -> tuple[Decimal, Decimal]:
    """The item's plausible range: the form's bounds, else the default of its field type."""
    low, high = NUMBER_RANGES[item.type]
    return (item.min if item.min is not None else low, item.max if item.max is not None else high)


def _parse_number(item: NumberItem, raw: str) -> Answer:
    low, high = number_range(item)
    if item.type == "integer":
        lo = int(low) + (1 if item.min_exclusive else 0)
        return Answer(str(v.parse_integer(raw, min=lo, max=int(high))))
    if item.type == "percent":
        return Answer(_canonical(v.parse_percent(raw, min=low, max=high)))
    if item.type == "money":
        value = v.parse_money_wan(raw, min=low, max=high, min_exclusive=item.min_exclusive)
        return Answer(_canonical(value))
    value = v.parse_decimal(raw, min=low, max=high, min_exclusive=item.min_exclusive)
    return Answer(_canonical(value))


def date_range(item: DateItem, today: date) -> tuple[date, date]:
    """The item's plausible range: the form's, else from 1900 to 30 years after today."""
    latest = item.latest or date(today.year + LATEST_YEARS, 12, 31)
    return (item.earliest or EARLIEST_DATE, latest)


_YES_NO_NUMBERS = {"1": True, "2": False}

_FORMATTED = {
    "credit_code": v.parse_credit_code,
    "mobile": v.parse_mobile,
    "landline": v.parse_landline,
    "phone": v.parse_phone,
    "email": v.parse_email,
    "postal_code": v.parse_postal_code,
}


def _parse_date(item: DateItem, raw: str, answers: Mapping[str, Answer], today: date) -> Answer:
    earlier = answers.get(item.after) if item.after else None
    start_value = earlier.value if earlier is not None and earlier.value is not None else None
    if item.type == "year_month":
        after = None
        if start_value is not None:
            year, month = str(start_value).split("-")
            after = (int(year), int(month))
        earliest, latest = date_range(item, today)
        ym = v.parse_year_month(raw, today=today, not_future=item.not_future, after=after,
                                not_before=(earliest.year, earliest.month), not_after=(latest.year, latest.month))
        return Answer(f"{ym[0]:04d}-{ym[1]:02d}")
    earliest, latest = date_range(item, today)
    day = v.parse_date(raw, today=today, not_future=item.not_future, not_before=earliest, not_after=latest)
    if start_value is not None and day <= date.fromisoformat(str(start_value)):
        raise AnswerError("end_not_after_start", start=str(start_value))
    return Answer(day.isoformat())


def parse_answer(item: Item, raw: str, answers: Mapping[str, Answer] | None = None,
                 today: date | None = None) -> Answer:
    """Turn typed text into an answer for `item`, or raise AnswerError.

    The text passes the boundary first (bot.interview.typed.clean) and is refused when it is longer than the item
    can take, before any pattern runs: every parser below is linear in what is left.
    """
    lines = isinstance(item, TextItem)
    if len(raw) > MAX_TYPED:  # never cut and then read: a cut text could parse as something else
        raise AnswerError("text_too_long", max=MAX_TYPED, length=len(raw))
    raw = clean(raw, lines=lines).strip()
    longest = (item.max_length or TEXT_LONGEST) if isinstance(item, TextItem) else _LONGEST.get(item.type)
    if longest is not None and len(raw) > longest:
        raise AnswerError("text_too_long", max=longest, length=len(raw))
    if isinstance(item, SingleChoice):
        return _parse_single(item, raw)
    if isinstance(item, MultiChoice):
        return _parse_multi(item, raw)
    if isinstance(item, YesNo):
        number = typed_int(raw)
        if number is not None and str(number) in _YES_NO_NUMBERS:
            return Answer(_YES_NO_NUMBERS[str(number)])
        return Answer(v.parse_yes_no(raw))
    if isinstance(item, TextItem):
        return Answer(v.parse_text(raw, max_length=item.max_length, min_length=item.min_length))
    if isinstance(item, FormattedItem):
        return Answer(_FORMATTED[item.type](raw))
    if isinstance(item, DateItem):
        return _parse_date(item, raw, answers or {}, today or date.today())
    if isinstance(item, GroupItem):
        raise AnswerError("group_use_menu")
    return _parse_number(item, raw)


def answer_from_value(item: Item, value: Any) -> Answer:
    """Accept an answer given as data (ANSWERS.json, carried-over values): 1-based option numbers or ids."""
    if isinstance(item, SingleChoice):
        if isinstance(value, int) and not isinstance(value, bool):
            return Answer(_option_by_number(item, str(value)))
        if isinstance(value, str):
            return parse_answer(item, value)
        raise AnswerError("choose_one", max=len(item.options))
    if isinstance(item, MultiChoice):
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
                picked.append(_option_by_number(item, str(token)))
            elif isinstance(token, str) and _option_by_text(item, token):
                picked.append(str(_option_by_text(item, token)))
            else:
                raise AnswerError("choose_some", max=len(item.options))
        return Answer(checked_multi(item, picked))
    if isinstance(item, YesNo) and isinstance(value, bool):
        return Answer(value)
    if isinstance(item, GroupItem):
        if not isinstance(value, list):
            raise AnswerError("group_use_menu")
        entries = [{f.id: parse_answer(f, str(entry[f.id])).value for f in item.fields if f.id in entry}
                   for entry in value]
        return Answer(entries)
    return parse_answer(item, str(value))
