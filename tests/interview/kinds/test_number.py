"""Numbers: default ranges, the form's bounds, 万元 and 亿, display with the unit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bot.interview.answer import Answer
from bot.interview.errors import Doubt
from bot.interview.kinds import kind_of
from bot.interview.kinds.number import implausible
from bot.interview.parsing import answer_from_value
from bot.present import error_text, item_flags
from tests.interview.kinds.helpers import EN, ZH, item, read, refusal
from tests.today import TODAY


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
    assert kind_of(money).display(money, Answer("120"), EN) == "1,200,000 yuan"
    assert kind_of(percent).display(percent, Answer("12.5"), EN) == "12.5%"
    assert kind_of(count).display(count, Answer("8"), ZH) == "8 人"
    assert kind_of(count).typed_value(count, "8") == Decimal(8)
    assert kind_of(money).prompt(money, EN, {}) == "Type an amount in 10k yuan, e.g. 120"


def test_a_percentage_below_one_typed_without_its_sign_is_asked_about() -> None:
    """"0.5" at a percent item: 0.5% or 50%?  Refused once naming both readings; with its % it is what it says."""
    percent = item("percent")
    with pytest.raises(Doubt) as caught:
        read(percent, "0.5")
    assert caught.value.code == "percent_below_one" and caught.value.answer == Answer("0.5")
    assert caught.value.params == {"value": "0.5", "percent": "50"}
    text = error_text(caught.value, ZH)
    assert "0.5%" in text and "50%" in text
    assert read(percent, "0.5%") == "0.5" and read(percent, "０.５％") == "0.5" and read(percent, "50") == "50"
    assert read(percent, "0") == "0" and read(percent, "1") == "1"
    assert read(item("percent", max=10), "0.5") == "0.5"  # 50% cannot be meant where at most 10% is taken
    # data (ANSWERS.json, a profile) is taken as it is
    assert answer_from_value(percent, "0.5", TODAY) == Answer("0.5")


def test_an_implausible_amount_names_both_readings() -> None:
    money = item("money", unit="万元")
    doubt = implausible(money, Answer("86000000"), Decimal(180000))
    assert doubt is not None and doubt.code == "implausible_amount"
    zh = error_text(doubt, ZH)
    assert "86000000 万元即 8600 亿元" in zh and "86000000 元是 8600 万元" in zh and "180000 万元" in zh
    assert implausible(money, Answer("8600"), Decimal(180000)) is None
    assert implausible(money, Answer("-200000"), Decimal(180000)) is not None  # a loss as well as a profit


def test_every_money_question_names_its_unit(forms: dict[str, Any]) -> None:
    """Heilongjiang's A15, A17, A22–A28 asked "注册资本" with no unit: the question line names it (万元)."""
    for form in forms.values():
        for top in form.items:
            for it in (top, *getattr(top, "fields", ())):
                if it.type != "money":
                    continue
                for tr, unit in ((ZH, "万元"), (EN, "yuan")):
                    line = tr.form(it.text) + " " + " ".join(item_flags(it, tr))
                    assert unit in line, (form.id, it.id, line)
    registered = forms["heilongjiang-benchmark"].item("registered_capital")
    assert item_flags(registered, ZH) == ["万元"] and item_flags(registered, EN) == ["in 10k yuan"]
