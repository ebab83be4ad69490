"""Dates: `date` (2024-03-11, 2024年3月11日 …) and `year_month` (2024-03, 2024年3月): a plausible range, "not in the
future", and "later than" an earlier item's answer.  Today's date is passed in: the core never reads the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.kinds.base import ItemBase, ItemId, Kind, Words

#: the default earliest date of a date item, and how many years after today the latest one is
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_YEARS = 30


class DateItem(ItemBase):
    type: Literal["date", "year_month"]
    not_future: bool = False
    #: the plausible range (inclusive); unset, EARLIEST_DATE to LATEST_YEARS after today
    earliest: dt.date | None = None
    latest: dt.date | None = None
    #: the answer must be later than this (earlier) item's answer: "end after start"
    after: ItemId | None = None


def date_range(item: DateItem, today: dt.date) -> tuple[dt.date, dt.date]:
    """The item's plausible range: the form's, else from 1900 to 30 years after today."""
    latest = item.latest or dt.date(today.year + LATEST_YEARS, 12, 31)
    return (item.earliest or EARLIEST_DATE, latest)


def _start(item: DateItem, answers: Mapping[str, Answer]) -> object | None:
    """The earlier item's answer this one must follow, if given."""
    earlier = answers.get(item.after) if item.after else None
    return earlier.value if earlier is not None and earlier.value is not None else None


class DateKind(Kind[DateItem]):
    model = DateItem
    longest_text = 40
    dated = True

    def parse(self, item: DateItem, text: str, answers: Mapping[str, Answer], today: dt.date) -> Answer:
        start = _start(item, answers)
        earliest, latest = date_range(item, today)
        if item.type == "year_month":
            after = None
            if start is not None:
                year, month = str(start).split("-")
                after = (int(year), int(month))
            ym = v.parse_year_month(text, today=today, not_future=item.not_future, after=after,
                                    not_before=(earliest.year, earliest.month), not_after=(latest.year, latest.month))
            return Answer(f"{ym[0]:04d}-{ym[1]:02d}")
        day = v.parse_date(text, today=today, not_future=item.not_future, not_before=earliest, not_after=latest)
        if start is not None and day <= dt.date.fromisoformat(str(start)):
            raise AnswerError("end_not_after_start", start=str(start))
        return Answer(day.isoformat())

    def typed_value(self, item: DateItem, value: object) -> object:
        return str(value)

    def format_hint(self, item: DateItem, tr: Words, answers: Mapping[str, Answer]) -> str:
        start = answers.get(item.after) if item.after else None
        if item.type == "year_month":
            if start is not None and start.value is not None:
                return tr.ui("Format: year and month, e.g. 2024-03, later than {start}", start=start.value)
            return tr.ui("Format: year and month, e.g. 2024-03")
        if start is not None and start.value is not None:
            return tr.ui("Format: date, e.g. 2024-03-11, later than {start}", start=start.value)
        if item.not_future:
            return tr.ui("Format: date, e.g. 2024-03-11, not later than today")
        return tr.ui("Format: date, e.g. 2024-03-11")


KIND = DateKind()
