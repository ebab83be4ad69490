"""Numbers: default ranges, the form's bounds, 万元 and 亿, display with the unit."""

from __future__ import annotations

from decimal import Decimal

from bot.interview.answer import Answer
from bot.interview.kinds import kind_of
from tests.interview.kinds.helpers import EN, ZH, item, read, refusal


def test_numbers_in_their_ranges() -> None:
    assert read(item("integer"), "1,200") == "1200"
    assert refusal(item("integer", min=1, max=9), "10")[0] == "number_too_large"
    assert refusal(item("integer", min=0, min_exclusive=True), "0")[0] == "number_too_small"
    assert read(item("percent"), "12.50%") == "12.5"
    assert refusal(item("percent"), "101")[0] == "number_too_large"
    assert read(item("money"), "1.2亿") == "12000"
    assert refusal(item("money"), "82.5元") == ("money_wrong_unit", {"unit": "万元"})
    assert refusal(item("decimal", min=0, min_exclusive=True), "0")[0] == "number_must_exceed"
    assert refusal(item("decimal"), "abc")[0] == "not_a_number"


def test_numbers_display_with_their_unit() -> None:
    money, percent, count = item("money"), item("percent"), item("integer", unit="人")
    assert kind_of(money).display(money, Answer("120"), ZH) == "120 万元"
    assert kind_of(money).display(money, Answer("120"), EN) == "120 × 10k yuan = 1,200,000 yuan"
    assert kind_of(percent).display(percent, Answer("12.5"), EN) == "12.5%"
    assert kind_of(count).display(count, Answer("8"), ZH) == "8 人"
    assert kind_of(count).typed_value(count, "8") == Decimal(8)
    assert kind_of(money).prompt(money, EN, {}) == "Type an amount in 10k yuan, e.g. 120"
