"""Issue 11 in the pure core: the input boundary, typed numbers, caps before patterns, ranges, no rounding."""

from __future__ import annotations

from datetime import date

import pytest

from bot.interview import engine, validators
from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.parsing import parse_answer
from bot.interview.schema import Form, Item

TODAY = date(2026, 11, 27)


def item_of(forms: dict[str, Form], form_id: str, item_id: str) -> Item:
    form = forms[form_id]
    for item in form.items:
        if item.id == item_id:
            return item
        for field in getattr(item, "fields", ()):
            if field.id == item_id:
                return field
    raise KeyError(item_id)


def refused(item: Item, text: str, answers: dict[str, Answer] | None = None) -> AnswerError:
    with pytest.raises(AnswerError) as info:
        parse_answer(item, text, answers or {}, TODAY)
    return info.value


@pytest.mark.parametrize(("text", "expected"), [
    ("1", 1), ("１２", 12), ("1２", 12), ("①", 1), ("⑳", 20), ("⑵", 2), ("❸", 3), ("⒋", 4), (" 7 ", 7),
    ("\u30003\u3000", 3), ("²", None), ("1 ²", None), ("٣", None), ("߃", None), ("-1", None), ("1.0", None),
    ("", None), ("①②", None), ("9" * 31, None), ("12345678901234567890", 12345678901234567890),
])
def test_typed_int_has_every_unicode_digit_rule(text: str, expected: int | None) -> None:
    from bot.interview.typed import typed_int

    assert typed_int(text) == expected


def test_clean_drops_controls_keeps_lines_where_allowed_and_composes() -> None:
    from bot.interview.typed import clean

    assert clean("a\x00b\x01c\x7fd\x9fe") == "abcde"
    assert clean("a\r\nb\rc\u2028d\te", lines=True) == "a\nb\nc\nd\te"
    assert clean("a\nb\tc") == "a b c"
    assert clean("e\u0301") == "\u00e9"  # NFC
    assert clean("\ud800x") == "x"  # a lone surrogate (terminal surrogateescape) is dropped
    assert len(clean("x" * 100_000)) == 4096


def test_digits_an_input_method_makes_pick_options_and_others_are_refused(forms: dict[str, Form]) -> None:
    q1 = item_of(forms, "miit-2022", "q1")
    multi = next(i for i in forms["miit-2022"].items if i.type == "multi")
    assert parse_answer(q1, "①", {}, TODAY).value == q1.options[0].id  # type: ignore[attr-defined]
    assert parse_answer(q1, "２", {}, TODAY).value == q1.options[1].id  # type: ignore[attr-defined]
    assert refused(q1, "²").code == "choose_one"
    assert refused(multi, "1 ²").code == "choose_some"
    assert refused(multi, "①²").code == "choose_some"
    assert parse_answer(multi, "① ②", {}, TODAY).value == [o.id for o in multi.options[:2]]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("form_id", "item_id"), [
    ("hangzhou-filing", "contact_phone"), ("hangzhou-filing", "credit_code"), ("hangzhou-eligibility", "revenue_2023"),
    ("miit-2022", "q2"), ("hangzhou-filing", "company_name"),
])
def test_a_whitespace_bomb_is_refused_by_length_before_any_pattern(forms: dict[str, Form], form_id: str,
                                                                   item_id: str, monkeypatch: pytest.MonkeyPatch
                                                                   ) -> None:
    """"1" + 4,094 spaces + "1" (and 64 KB) never reach a validator: the item's cap refuses it first."""
    item = item_of(forms, form_id, item_id)
    seen: list[int] = []
    for name in ("parse_phone", "parse_landline", "parse_mobile", "parse_credit_code", "parse_money_wan",
                 "parse_percent", "parse_decimal", "parse_text"):
        original = getattr(validators, name)
        monkeypatch.setattr(validators, name,
                            lambda text, *a, _f=original, **k: (seen.append(len(text)), _f(text, *a, **k))[1])
    for bomb in ("1" + " " * 4094 + "1", "1" + " " * 65_534 + "万", "1" + "\t" * 65_536 + "1"):
        error = refused(item, bomb)
        assert error.code == "text_too_long", (item_id, error.code)
    assert seen == []
    refused(item, " " * 65_536)  # only spaces: what reaches a validator is what is left, nothing
    assert seen in ([], [0])


def test_validators_are_linear_over_whitespace_runs() -> None:
    """The suffix and extension patterns no longer start with \\s*: a long run of spaces is scanned once.  (The
    benchmark benchmarks/fuzz.py prints the timings; here the results of such inputs are checked.)"""
    with pytest.raises(AnswerError):
        validators.parse_landline("1" + " " * 50_000 + "1")
    with pytest.raises(AnswerError):
        validators.parse_money_wan("1" + " " * 50_000 + "1")
    with pytest.raises(AnswerError):
        validators.parse_percent("1" + " " * 50_000 + "1")
    assert validators.parse_landline("0571-85257095 " + "转 801") == "0571-85257095-801"


def test_numbers_and_dates_have_plausible_ranges(forms: dict[str, Form]) -> None:
    revenue = item_of(forms, "hangzhou-eligibility", "revenue_2023")
    headcount = item_of(forms, "hangzhou-eligibility", "employees")
    error = refused(revenue, "1" + "0" * 308)
    assert error.code in ("number_too_large", "text_too_long")
    error = refused(revenue, "1" + "0" * 20)
    assert (error.code, error.params) == ("number_too_large", {"max": "1000000000"})
    assert refused(headcount, "9" * 4000).code == "text_too_long"
    assert (refused(headcount, "9" * 40).code, refused(headcount, "9" * 40).params) == (
        "number_too_large", {"max": "100000000"})
    reg_date = next(i for f in forms.values() for i in f.items if i.type == "date" and i.not_future)  # type: ignore[union-attr]
    error = refused(reg_date, "0001-01-01")
    assert (error.code, error.params) == ("date_too_early", {"min": "1900-01-01"})
    start = next(i for i in forms["hangzhou-filing"].items if i.type == "year_month")
    error = refused(start, "9999-12")
    assert (error.code, error.params) == ("date_too_late", {"max": f"{TODAY.year + 30}-12"})


def test_what_a_person_typed_is_never_rounded(forms: dict[str, Form]) -> None:
    percent = item_of(forms, "miit-2022", "q2")
    share = "12.0000000000000000000000000000001"
    answer = parse_answer(percent, share + "%", {}, TODAY)
    assert answer.extra == share or answer.value == share or share in str(answer.extra)
    revenue = item_of(forms, "hangzhou-eligibility", "revenue_2023")
    assert parse_answer(revenue, "123456789.12", {}, TODAY).value == "123456789.12"


def test_units_and_impossible_days_get_useful_answers(forms: dict[str, Form]) -> None:
    revenue = item_of(forms, "hangzhou-eligibility", "revenue_2023")
    assert parse_answer(revenue, "1.2亿", {}, TODAY).value == "12000"
    error = refused(revenue, "82.5元")
    assert (error.code, error.params) == ("money_wrong_unit", {"unit": "万元"})
    reg_date = next(i for f in forms.values() for i in f.items if i.type == "date")
    error = refused(reg_date, "2024.5.32")
    assert (error.code, error.params) == ("no_such_day", {"date": "2024-05-32"})


def test_control_characters_never_reach_a_stored_answer(forms: dict[str, Form]) -> None:
    filing = forms["hangzhou-filing"]
    state = engine.start(filing)
    step = engine.apply(filing, state, engine.Text("杭州\x01测试\x00公司\x1b[31m"), TODAY)
    assert step.error is None
    assert step.state.answers["company_name"].value == "杭州测试公司[31m"
