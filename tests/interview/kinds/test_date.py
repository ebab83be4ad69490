"""Dates and months: today's date comes in, never from the clock; "later than" an earlier answer; hints."""

from __future__ import annotations

from datetime import date

from bot.interview.answer import Answer
from bot.interview.kinds import kind_of
from tests.interview.kinds.helpers import EN, item, read, refusal


def test_dates_are_read_against_the_today_given() -> None:
    day = item("date", not_future=True)
    assert read(day, "2024年3月1日") == "2024-03-01"
    assert refusal(day, "2026-11-28")[0] == "date_in_future"  # tests.today.TODAY is 2026-11-27
    assert kind_of(day).read(day, "2026-11-28", {}, date(2027, 1, 1)).value == "2026-11-28"
    assert refusal(item("date"), "2057-01-01")[0] == "date_too_late"  # 30 years after today
    assert refusal(item("date"), "2024-02-30")[0] == "no_such_day"


def test_an_end_after_its_start() -> None:
    end, start = item("date", after="start"), {"start": Answer("2024-03-01")}
    assert refusal(end, "2024-03-01", start) == ("end_not_after_start", {"start": "2024-03-01"})
    assert read(end, "2024-03-02", start) == "2024-03-02"
    month = item("year_month", after="start")
    assert read(month, "2024.4", {"start": Answer("2024-03")}) == "2024-04"
    assert kind_of(month).format_hint(month, EN, {"start": Answer("2024-03")}) == (
        "Format: year and month, e.g. 2024-03, later than 2024-03")
    assert kind_of(end).format_hint(item("date", not_future=True), EN, {}) == (
        "Format: date, e.g. 2024-03-11, not later than today")
    assert kind_of(end).dated
