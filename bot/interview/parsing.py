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

_SPLIT = re.compile(r"[\s,，、;；]+")
_NUMBER_LIKE = re.compile(r"^\s*[0-9０-９]+\s*$")


#: full-width ASCII (！ to ～) and the ideographic space, as typed by Chinese input methods, to plain ASCII
_HALFWIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: ord(" ")}


def _to_halfwidth(text: str) -> str:
    return text.translate(_HALFWIDTH)


def _option_by_number(item: ChoiceItem, token: str) -> str:
    n = int(token)
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
    if _NUMBER_LIKE.match(text):
        n = int(text)
        if 1 <= n <= len(item.options) or not item.accepts_number:
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
        if token.isdigit():
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
    """The typed number as it was typed, without trailing zeros; never rounded (Decimal.normalize() would round
    to the context's 28 digits, putting 20.000000000000000000000000001 on the edge 20)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _parse_number(item: NumberItem, raw: str) -> Answer:
    if item.type == "integer":
        lo = None if item.min is None else int(item.min) + (1 if item.min_exclusive else 0)
        hi = None if item.max is None else int(item.max)
        return Answer(str(v.parse_integer(raw, min=lo, max=hi)))
    if item.type == "percent":
        low = item.min if item.min is not None else Decimal(0)
        high = item.max if item.max is not None else Decimal(100)
        return Answer(_canonical(v.parse_percent(raw, min=low, max=high)))
    if item.type == "money":
        value = v.parse_money_wan(raw, min=item.min, max=item.max, min_exclusive=item.min_exclusive)
        return Answer(_canonical(value))
    value = v.parse_decimal(raw, min=item.min, max=item.max, min_exclusive=item.min_exclusive)
    return Answer(_canonical(value))


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
        ym = v.parse_year_month(raw, today=today, not_future=item.not_future, after=after)
        return Answer(f"{ym[0]:04d}-{ym[1]:02d}")
    day = v.parse_date(raw, today=today, not_future=item.not_future)
    if start_value is not None and day <= date.fromisoformat(str(start_value)):
        raise AnswerError("end_not_after_start", start=str(start_value))
    return Answer(day.isoformat())


def parse_answer(item: Item, raw: str, answers: Mapping[str, Answer] | None = None,
                 today: date | None = None) -> Answer:
    """Turn typed text into an answer for `item`, or raise AnswerError."""
    if isinstance(item, SingleChoice):
        return _parse_single(item, raw)
    if isinstance(item, MultiChoice):
        return _parse_multi(item, raw)
    if isinstance(item, YesNo):
        key = _to_halfwidth(raw).strip()
        if key in _YES_NO_NUMBERS:
            return Answer(_YES_NO_NUMBERS[key])
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
