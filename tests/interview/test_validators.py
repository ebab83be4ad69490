"""Tests for bot.interview.validators: parse-or-raise answer validators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.interview.errors import AnswerError
from bot.interview.validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    credit_code_region,
    local_digits,
    normalize,
    parse_credit_code,
    parse_date,
    parse_decimal,
    parse_email,
    parse_integer,
    parse_landline,
    parse_mobile,
    parse_money_wan,
    parse_percent,
    parse_person_name,
    parse_phone,
    parse_postal_code,
    parse_text,
    parse_year_month,
    parse_yes_no,
)

D = Decimal
TODAY = date(2024, 6, 15)


def refused(fn: Callable[..., Any], text: str, **options: Any) -> AnswerError:
    with pytest.raises(AnswerError) as info:
        fn(text, **options)
    return info.value


def to_fullwidth(text: str) -> str:
    """Full-width form of every printable ASCII character (space → ideographic space)."""
    return "".join("\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


# ---------------------------------------------------------------------------------------------------------------
# normalize
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  42 ", "42"),
        ("\u3000１２３\u3000", "123"),
        ("ＡＢｃ", "ABc"),
        ("１，２００。５", "1,200.5"),
        ("５０％", "50%"),
        ("－３", "-3"),
        ("１０：３０", "10:30"),
        ("\u200b7\ufeff", "7"),
        ("a\u3000b", "a b"),
        ("0571—85257095", "0571-85257095"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


# ---------------------------------------------------------------------------------------------------------------
# parse_integer
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("42", {}, 42),
        ("  42  ", {}, 42),
        ("0", {}, 0),
        ("-0", {}, 0),
        ("+7", {}, 7),
        ("-15", {}, -15),
        ("007", {}, 7),
        ("1,200", {}, 1200),
        ("12,345,678", {}, 12345678),
        ("１２３", {}, 123),
        ("１，２００", {}, 1200),
        ("\u3000５\u3000", {}, 5),
        ("－３", {}, -3),
        ("100。", {}, 100),
        ("0", {"min": 0}, 0),
        ("10", {"min": 0, "max": 10}, 10),
        ("-5", {"min": -5}, -5),
    ],
)
def test_parse_integer_valid(text: str, options: dict[str, Any], expected: int) -> None:
    assert parse_integer(text, **options) == expected


@pytest.mark.parametrize(
    ("text", "options", "code", "params"),
    [
        ("", {}, "not_an_integer", {}),
        ("   ", {}, "not_an_integer", {}),
        ("abc", {}, "not_an_integer", {}),
        ("1.5", {}, "not_an_integer", {}),
        ("1.0", {}, "not_an_integer", {}),
        ("1,2000", {}, "not_an_integer", {}),
        ("1,20", {}, "not_an_integer", {}),
        (",120", {}, "not_an_integer", {}),
        ("1 200", {}, "not_an_integer", {}),
        ("1e3", {}, "not_an_integer", {}),
        ("--1", {}, "not_an_integer", {}),
        ("十二", {}, "not_an_integer", {}),
        ("١٢", {}, "not_an_integer", {}),  # Arabic-Indic digits are not accepted
        ("12人", {}, "not_an_integer", {}),
        ("-1", {"min": 0}, "number_too_small", {"min": "0"}),
        ("4", {"min": 5, "max": 9}, "number_too_small", {"min": "5"}),
        ("11", {"max": 10}, "number_too_large", {"max": "10"}),
        ("1,000,001", {"max": 1000000}, "number_too_large", {"max": "1000000"}),
    ],
)
def test_parse_integer_invalid(text: str, options: dict[str, Any], code: str, params: dict[str, Any]) -> None:
    error = refused(parse_integer, text, **options)
    assert (error.code, error.params) == (code, params)


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_parse_integer_round_trips_with_thousands_separators(n: int) -> None:
    assert parse_integer(f"{n:,}") == n
    assert parse_integer(str(n)) == n
    assert parse_integer(to_fullwidth(f"{n:,}")) == n


# ---------------------------------------------------------------------------------------------------------------
# parse_decimal
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("3.14", {}, D("3.14")),
        ("-0.5", {}, D("-0.5")),
        ("+2", {}, D("2")),
        (".5", {}, D("0.5")),
        ("5.", {}, D("5")),
        ("-0", {}, D("0")),
        ("1,200.75", {}, D("1200.75")),
        ("１２。５", {}, D("12.5")),
        ("１，２００．５", {}, D("1200.5")),
        ("0.1", {}, D("0.1")),  # exact: no binary float in between
        ("123456789012345678901234567890.123456789", {}, D("123456789012345678901234567890.123456789")),
        ("1.25", {"places": 2}, D("1.25")),
        ("1.500", {"places": 2}, D("1.50")),  # trailing zeros beyond places are dropped, not refused
        ("2.000", {"places": 0}, D("2")),
        ("0", {"min": D(0)}, D(0)),
        ("0.01", {"min": D(0), "min_exclusive": True}, D("0.01")),
        ("100", {"max": D(100)}, D(100)),
    ],
)
def test_parse_decimal_valid(text: str, options: dict[str, Any], expected: Decimal) -> None:
    value = parse_decimal(text, **options)
    assert isinstance(value, Decimal)
    assert value == expected
    assert str(value) == str(expected)


def test_parse_decimal_never_negative_zero() -> None:
    assert not parse_decimal("-0.00").is_signed()


@pytest.mark.parametrize(
    ("text", "options", "code", "params"),
    [
        ("", {}, "not_a_number", {}),
        ("abc", {}, "not_a_number", {}),
        (".", {}, "not_a_number", {}),
        ("-", {}, "not_a_number", {}),
        ("1.2.3", {}, "not_a_number", {}),
        ("1,5", {}, "not_a_number", {}),  # a decimal comma is not silently read as a thousands separator
        ("1e5", {}, "not_a_number", {}),
        ("NaN", {}, "not_a_number", {}),
        ("Infinity", {}, "not_a_number", {}),
        ("0x10", {}, "not_a_number", {}),
        ("12%", {}, "not_a_number", {}),
        ("1.234", {"places": 2}, "too_many_decimals", {"places": 2}),
        ("1.5", {"places": 0}, "too_many_decimals", {"places": 0}),
        ("-0.01", {"min": D(0)}, "number_too_small", {"min": "0"}),
        ("0.5", {"min": D("0.75")}, "number_too_small", {"min": "0.75"}),
        ("0", {"min": D(0), "min_exclusive": True}, "number_must_exceed", {"min": "0"}),
        ("-1", {"min": D(0), "min_exclusive": True}, "number_must_exceed", {"min": "0"}),
        ("100.01", {"max": D(100)}, "number_too_large", {"max": "100"}),
        ("2000", {"max": D("1E+3")}, "number_too_large", {"max": "1000"}),  # never scientific notation
    ],
)
def test_parse_decimal_invalid(text: str, options: dict[str, Any], code: str, params: dict[str, Any]) -> None:
    error = refused(parse_decimal, text, **options)
    assert (error.code, error.params) == (code, params)


def test_parse_decimal_checks_decimals_before_range() -> None:
    assert refused(parse_decimal, "-1.234", places=2, min=D(0)).code == "too_many_decimals"


# ---------------------------------------------------------------------------------------------------------------
# parse_money_wan
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("100", {}, D("100")),
        ("100万元", {}, D("100")),
        ("100万", {}, D("100")),
        ("100 万元", {}, D("100")),
        ("1,234.56万元", {}, D("1234.56")),
        ("１２３４．５万元", {}, D("1234.5")),
        ("0.01", {"min": D(0), "min_exclusive": True}, D("0.01")),
        ("0", {"min": D(0)}, D("0")),
        ("5000", {"max": D(5000)}, D("5000")),
        ("3.10", {}, D("3.10")),
        ("1.2亿", {}, D("12000")),
        ("1.2 亿元", {}, D("12000")),
        ("3千万", {}, D("3000")),
        ("5百万元", {}, D("500")),
    ],
)
def test_parse_money_wan_valid(text: str, options: dict[str, Any], expected: Decimal) -> None:
    assert parse_money_wan(text, **options) == expected


@pytest.mark.parametrize(
    ("text", "options", "code", "params"),
    [
        ("", {}, "not_a_number", {}),
        ("万元", {}, "not_a_number", {}),
        ("100元", {}, "money_wrong_unit", {"unit": "万元"}),
        ("82.5元", {}, "money_wrong_unit", {"unit": "万元"}),
        ("1.2345678亿", {}, "too_many_decimals", {"places": 2}),
        ("100万元整", {}, "not_a_number", {}),
        ("一百万", {}, "not_a_number", {}),
        ("100万万", {}, "not_a_number", {}),
        ("1.234万元", {}, "too_many_decimals", {"places": 2}),
        ("-5", {"min": D(0)}, "number_too_small", {"min": "0"}),
        ("0", {"min": D(0), "min_exclusive": True}, "number_must_exceed", {"min": "0"}),
        ("5000.01", {"max": D(5000)}, "number_too_large", {"max": "5000"}),
    ],
)
def test_parse_money_wan_invalid(text: str, options: dict[str, Any], code: str, params: dict[str, Any]) -> None:
    error = refused(parse_money_wan, text, **options)
    assert (error.code, error.params) == (code, params)


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_parse_money_wan_round_trips(amount: Decimal) -> None:
    text = format(amount, "f")
    assert parse_money_wan(text) == amount
    assert parse_money_wan(text + "万元") == amount
    assert parse_money_wan(f"{amount:,f}") == amount


# ---------------------------------------------------------------------------------------------------------------
# parse_percent
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("12.5", {}, D("12.5")),
        ("12.5%", {}, D("12.5")),
        ("12.5 %", {}, D("12.5")),
        ("１２．５％", {}, D("12.5")),
        ("0", {}, D("0")),
        ("100%", {}, D("100")),
        ("150%", {"max": D(200)}, D("150")),
        ("-3%", {"min": D(-10)}, D("-3")),
    ],
)
def test_parse_percent_valid(text: str, options: dict[str, Any], expected: Decimal) -> None:
    assert parse_percent(text, **options) == expected


@pytest.mark.parametrize(
    ("text", "options", "code", "params"),
    [
        ("", {}, "not_a_number", {}),
        ("%", {}, "not_a_number", {}),
        ("百分之十", {}, "not_a_number", {}),
        ("12%%", {}, "not_a_number", {}),
        ("%12", {}, "not_a_number", {}),
        ("-0.1%", {}, "number_too_small", {"min": "0"}),
        ("100.5%", {}, "number_too_large", {"max": "100"}),
        ("5", {"min": D(10)}, "number_too_small", {"min": "10"}),
    ],
)
def test_parse_percent_invalid(text: str, options: dict[str, Any], code: str, params: dict[str, Any]) -> None:
    error = refused(parse_percent, text, **options)
    assert (error.code, error.params) == (code, params)


# ---------------------------------------------------------------------------------------------------------------
# parse_yes_no
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("是", True),
        ("是的", True),
        ("对", True),
        ("有", True),
        (" 是。", True),
        ("y", True),
        ("Y", True),
        ("yes", True),
        ("YES", True),
        ("Yes!", True),
        ("ｙｅｓ", True),
        ("true", True),
        ("True", True),
        ("否", False),
        ("不是", False),
        ("不对", False),
        ("没有", False),
        ("无", False),
        ("n", False),
        ("No", False),
        ("ＮＯ", False),
        ("false", False),
    ],
)
def test_parse_yes_no_valid(text: str, expected: bool) -> None:
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize("text", ["", "1", "0", "2", "１", "maybe", "是不是", "好", "yess", "ok"])
def test_parse_yes_no_invalid(text: str) -> None:
    error = refused(parse_yes_no, text)
    assert (error.code, error.params) == ("not_yes_no", {})


# ---------------------------------------------------------------------------------------------------------------
# parse_date
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-11", date(2024, 3, 11)),
        ("2024/3/11", date(2024, 3, 11)),
        ("2024.3.11", date(2024, 3, 11)),
        ("2024年3月11日", date(2024, 3, 11)),
        ("2024年03月11号", date(2024, 3, 11)),
        ("2024 年 3 月 11 日", date(2024, 3, 11)),
        ("2024年3月11", date(2024, 3, 11)),
        ("20240311", date(2024, 3, 11)),
        ("２０２４－０３－１１", date(2024, 3, 11)),
        ("２０２４。３。１１", date(2024, 3, 11)),
        ("2024-3-1", date(2024, 3, 1)),
        ("2024-02-29", date(2024, 2, 29)),
        (" 2024/12/31 ", date(2024, 12, 31)),
    ],
)
def test_parse_date_valid(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2024-03",
        "2024-3/11",  # mixed separators

        "24-03-11",
        "2024031",
        "202403111",
        "11/03/2024",
        "2024年3月11日12时",
        "明天",
    ],
)
def test_parse_date_not_a_date(text: str) -> None:
    error = refused(parse_date, text, today=TODAY)
    assert (error.code, error.params) == ("not_a_date", {})


@pytest.mark.parametrize(
    ("text", "shown"),
    [("2024-00-10", "2024-00-10"), ("2023-02-29", "2023-02-29"), ("2024-04-31", "2024-04-31"),
     ("0000-01-01", "0000-01-01"), ("2024.5.32", "2024-05-32"), ("2024年13月1日", "2024-13-01")],
)
def test_parse_date_says_there_is_no_such_day(text: str, shown: str) -> None:
    error = refused(parse_date, text, today=TODAY)
    assert (error.code, error.params) == ("no_such_day", {"date": shown})


def test_parse_date_range() -> None:
    assert refused(parse_date, "0001-01-01", today=TODAY, not_before=date(1900, 1, 1)).code == "date_too_early"
    error = refused(parse_date, "9999-12-31", today=TODAY, not_after=date(2060, 12, 31))
    assert (error.code, error.params) == ("date_too_late", {"max": "2060-12-31"})


def test_parse_date_not_future() -> None:
    assert parse_date("2024-06-15", today=TODAY, not_future=True) == TODAY
    error = refused(parse_date, "2024-06-16", today=TODAY, not_future=True)
    assert (error.code, error.params) == ("date_in_future", {"today": "2024-06-15"})
    assert parse_date("2030-01-01", today=TODAY) == date(2030, 1, 1)  # only refused when asked


def test_parse_date_not_before() -> None:
    earliest = date(2000, 1, 1)
    assert parse_date("2000-01-01", today=TODAY, not_before=earliest) == earliest
    error = refused(parse_date, "1999-12-31", today=TODAY, not_before=earliest)
    assert (error.code, error.params) == ("date_too_early", {"min": "2000-01-01"})


# ---------------------------------------------------------------------------------------------------------------
# parse_year_month
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03", (2024, 3)),
        ("2024/3", (2024, 3)),
        ("2024.3", (2024, 3)),
        ("2024.10", (2024, 10)),
        ("2024年3月", (2024, 3)),
        ("2024 年 12 月", (2024, 12)),
        ("202403", (2024, 3)),
        ("２０２４－０３", (2024, 3)),
        ("２０２４。３", (2024, 3)),
    ],
)
def test_parse_year_month_valid(text: str, expected: tuple[int, int]) -> None:
    assert parse_year_month(text) == expected


@pytest.mark.parametrize(
    "text", ["", "2024", "2024-13", "2024-0", "2024-03-11", "20243", "2024031", "0000-01", "03/2024", "三月"]
)
def test_parse_year_month_invalid(text: str) -> None:
    error = refused(parse_year_month, text)
    assert (error.code, error.params) == ("not_a_year_month", {})


def test_parse_year_month_not_future() -> None:
    assert parse_year_month("2024-06", today=TODAY, not_future=True) == (2024, 6)
    error = refused(parse_year_month, "2024-07", today=TODAY, not_future=True)
    assert (error.code, error.params) == ("date_in_future", {"today": "2024-06"})


def test_parse_year_month_not_future_needs_today() -> None:
    with pytest.raises(ValueError):
        parse_year_month("2024-01", not_future=True)


def test_parse_year_month_not_before_is_inclusive() -> None:
    assert parse_year_month("2024-03", not_before=(2024, 3)) == (2024, 3)
    error = refused(parse_year_month, "2024-02", not_before=(2024, 3))
    assert (error.code, error.params) == ("date_too_early", {"min": "2024-03"})


def test_parse_year_month_after_is_strict() -> None:
    assert parse_year_month("2024-04", after=(2024, 3)) == (2024, 4)
    assert parse_year_month("2025-01", after=(2024, 12)) == (2025, 1)
    for text in ("2024-03", "2024-02", "2023-12"):
        error = refused(parse_year_month, text, after=(2024, 3))
        assert (error.code, error.params) == ("end_not_after_start", {"start": "2024-03"})


# ---------------------------------------------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("(+86) 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("１３９００１３９０００", "13900139000"),
        ("19912345678", "19912345678"),
    ],
)
def test_parse_mobile_valid(text: str, expected: str) -> None:
    assert parse_mobile(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("", "not_a_mobile", {}),
        ("abc", "not_a_mobile", {}),
        ("138O0138000", "not_a_mobile", {}),  # letter O
        ("+1 415 555 0100", "not_a_mobile", {}),
        ("1380013800", "mobile_wrong_length", {"length": 10}),
        ("138001380001", "mobile_wrong_length", {"length": 12}),
        ("+86 1380013800", "mobile_wrong_length", {"length": 10}),
        ("12800138000", "mobile_bad_prefix", {}),
        ("10086100860", "mobile_bad_prefix", {}),
        ("0571-8525709", "mobile_got_landline", {}),
        ("0451-82345678", "mobile_got_landline", {}),  # Heilongjiang's A8 法人代表手机 given the office line
    ],
)
def test_parse_mobile_invalid(text: str, code: str, params: dict[str, Any]) -> None:
    error = refused(parse_mobile, text)
    assert (error.code, error.params) == (code, params)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0571-85257095", "0571-85257095"),
        ("(0571)85257095", "0571-85257095"),
        ("(0571) 8525-7095", "0571-85257095"),
        ("（０５７１）８５２５７０９５", "0571-85257095"),
        ("057185257095", "0571-85257095"),
        ("0571 8525 7095", "0571-85257095"),
        ("0571 8525 7095 转 801", "0571-85257095-801"),
        ("0571-85257095转801", "0571-85257095-801"),
        ("0571-85257095 分机 801", "0571-85257095-801"),
        ("0571-85257095 ext 801", "0571-85257095-801"),
        ("0571-85257095 EXT.801", "0571-85257095-801"),
        ("0571-85257095 x801", "0571-85257095-801"),
        ("0571-85257095-801", "0571-85257095-801"),
        ("057185257095-801", "0571-85257095-801"),
        ("0452-2765432", "0452-2765432"),  # 齐齐哈尔: 7-digit local numbers
        ("0452-2765432-12", "0452-2765432-12"),
        ("0451-82345678", "0451-82345678"),  # 哈尔滨: 8
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("(010)6234-5678", "010-62345678"),
        ("021 6234 5678", "021-62345678"),
        ("+86 571 85257095", "0571-85257095"),
        ("+86-10-62345678", "010-62345678"),
        ("0086 (571) 85257095", "0571-85257095"),
    ],
)
def test_parse_landline_valid(text: str, expected: str) -> None:
    assert parse_landline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "85257095",  # no area code
        "13800138000",  # a mobile
        "0571-852570",  # 6-digit subscriber
        "0571-852570951",  # 9-digit subscriber, not a dash-separated extension
        "0571-05257095",  # subscriber cannot start with 0
        "0571-15257095",  # nor with 1
        "05-85257095",  # area code too short
        "057-185257095",  # 057 is not an area code (05xx is four digits)
        "0105-2345678",  # 010 is three digits, 0105 is not an area code
        "0571-85257095 801",  # a space-separated trailing group is not clearly an extension
        "0571-85257095-1234567",  # extension too long
        "0571-85257095转",
        "0571-8525A095",
        "(0571",
        "(0571)",
        "电话",
    ],
)
def test_parse_landline_invalid(text: str) -> None:
    error = refused(parse_landline, text)
    assert (error.code, error.params) == ("landline_bad_format", {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0571-85257095", "0571-85257095"),
        ("(0571)85257095 转 801", "0571-85257095-801"),
        ("01062345678", "010-62345678"),
    ],
)
def test_parse_phone_valid(text: str, expected: str) -> None:
    assert parse_phone(text) == expected


@pytest.mark.parametrize("text", ["", "12345", "1380013800", "12800138000", "0571-852570", "hello", "+1 415 555 0100"])
def test_parse_phone_invalid(text: str) -> None:
    error = refused(parse_phone, text)
    assert (error.code, error.params) == ("not_a_phone", {})


@pytest.mark.parametrize(
    ("text", "area", "digits", "length"),
    [
        ("0571-8612345", "0571", 8, 7),  # 杭州: every local number has 8 digits
        ("(0571)8612345", "0571", 8, 7),
        ("05718612345", "0571", 8, 7),
        ("0451-8234567", "0451", 8, 7),  # 哈尔滨
        ("010-6234567", "010", 8, 7),  # every three-digit area code: 8
        ("021 6234 567", "021", 8, 7),
    ],
)
def test_a_local_number_one_digit_short_for_its_area_is_refused_naming_the_length(
    text: str, area: str, digits: int, length: int
) -> None:
    for parse in (parse_landline, parse_phone):
        error = refused(parse, text)
        assert (error.code, error.params) == ("landline_wrong_length", {"area": area, "digits": digits,
                                                                          "length": length})


def test_the_area_code_table_knows_how_long_its_local_numbers_are() -> None:
    assert local_digits("0571") == local_digits("010") == local_digits("029") == (8,)
    assert local_digits("0452") == (7, 8)  # not known to be 8 everywhere: 7 or 8, as before
    assert parse_landline("0571-86123456-801") == "0571-86123456-801"
    # the extension heuristic sees the area's length: 7 digits and a group after them is not a Hangzhou number
    assert refused(parse_landline, "0571-8612345-61").code == "landline_bad_format"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张伟", "张伟"),
        ("  欧阳 娜娜 ", "欧阳 娜娜"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("J. Smith", "J. Smith"),
        ("Mary-Jane O'Neil", "Mary-Jane O'Neil"),
        ("ＬＩ　Ｗｅｉ", "LI Wei"),
    ],
)
def test_parse_person_name_valid(text: str, expected: str) -> None:
    assert parse_person_name(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0571-86123456", "not_a_person_name"),  # the phone typed where 法人代表 is asked
        ("13812345678", "not_a_person_name"),
        ("张三1", "not_a_person_name"),
        ("zhang@example.com", "not_a_person_name"),
        ("张三（总经理）", "not_a_person_name"),
        ("·-", "not_a_person_name"),
        ("  ", "text_empty"),
        ("张" * 51, "text_too_long"),
    ],
)
def test_parse_person_name_invalid(text: str, code: str) -> None:
    assert refused(parse_person_name, text).code == code


# ---------------------------------------------------------------------------------------------------------------
# parse_email
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zhang.san@example.com", "zhang.san@example.com"),
        ("  12345678@qq.com ", "12345678@qq.com"),
        ("Li.Si+forms@Mail.Example.COM.CN", "Li.Si+forms@mail.example.com.cn"),
        ("user_1@sub-domain.163.com", "user_1@sub-domain.163.com"),
        ("ｗａｎｇ＠１６３．ｃｏｍ", "wang@163.com"),
        ("wang@163。com", "wang@163.com"),
        ("info@例子.中国", "info@例子.中国"),
        ("info@xn--fsqu00a.xn--fiqs8s", "info@xn--fsqu00a.xn--fiqs8s"),
    ],
)
def test_parse_email_valid(text: str, expected: str) -> None:
    assert parse_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "zhangsan",
        "zhangsan@",
        "@example.com",
        "zhang san@example.com",
        "zhangsan@example",
        "zhang@san@example.com",
        "zhangsan@example..com",
        "zhangsan@.example.com",
        "zhangsan@example.com.",
        "zhangsan@-example.com",
        "zhangsan@example.c",
        "zhangsan@example.123",
        ".zhang@example.com",
        "zhang.@example.com",
        "zhang..san@example.com",
        "zhangsan@exa mple.com",
        "zhangsan@example,com",
        "a" * 65 + "@example.com",
        "a@" + "b" * 250 + ".com",
    ],
)
def test_parse_email_invalid(text: str) -> None:
    error = refused(parse_email, text)
    assert (error.code, error.params) == ("not_an_email", {})


# ---------------------------------------------------------------------------------------------------------------
# parse_postal_code
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"), [("310000", "310000"), (" 100871 ", "100871"), ("０５００００", "050000")]
)
def test_parse_postal_code_valid(text: str, expected: str) -> None:
    assert parse_postal_code(text) == expected


@pytest.mark.parametrize("text", ["", "31000", "3100000", "310 000", "31000a", "邮编310000"])
def test_parse_postal_code_invalid(text: str) -> None:
    error = refused(parse_postal_code, text)
    assert (error.code, error.params) == ("postal_code_bad_format", {})


# ---------------------------------------------------------------------------------------------------------------
# Unified social credit code
# ---------------------------------------------------------------------------------------------------------------

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FORBIDDEN_LETTERS = "IOZSV"


def reference_check_char(first17: str) -> str:
    """Independent reimplementation of GB 32100-2015 check character (weights are 3**i mod 31)."""
    total = sum(ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    remainder = 31 - total % 31
    return ALPHABET[0 if remainder == 31 else remainder]


def build_code(first17: str) -> str:
    """A valid code: the 17 given characters plus their check character."""
    assert len(first17) == 17
    return first17 + reference_check_char(first17)


def test_alphabet_matches_the_standard() -> None:
    assert CREDIT_CODE_ALPHABET == ALPHABET
    assert len(ALPHABET) == 31
    assert not set(FORBIDDEN_LETTERS) & set(ALPHABET)


# Published codes of well-known companies; each checksum is verified by this implementation.
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91110000100006485K",
]

# Made-up prefixes turned into valid codes by the (independent) reference check function.
BUILT_CODES = [
    build_code("91330108MA2AXXXXX".replace("X", "7")),
    build_code("91330108MA2A0B1C2"),
    build_code("93110105MA01ABCDE"),
    build_code("12100000400001234"),
    build_code("Y1440300000000000"),
    build_code("00000000000000000"),
]


@pytest.mark.parametrize("code", REAL_CODES + BUILT_CODES)
def test_parse_credit_code_valid(code: str) -> None:
    assert parse_credit_code(code) == code
    assert parse_credit_code(code.lower()) == code
    assert parse_credit_code(f"  {code[:6]} {code[6:12]} {code[12:]}\u3000") == code
    assert parse_credit_code(to_fullwidth(code)) == code


def test_built_codes_cover_check_char_zero_and_letters() -> None:
    checks = {reference_check_char(code[:17]) for code in REAL_CODES + BUILT_CODES}
    assert checks & set("ABCDEFGHJKLMNPQRTUWXY")
    assert checks & set("0123456789")


@pytest.mark.parametrize("code", REAL_CODES + BUILT_CODES)
def test_credit_code_check_char_agrees_with_reference(code: str) -> None:
    assert credit_code_check_char(code[:17]) == reference_check_char(code[:17]) == code[17]


def test_credit_code_check_char_zero_case() -> None:
    # Find a prefix whose weighted sum is a multiple of 31: the check character must be "0", not "31".
    for last in ALPHABET:
        prefix = "9133010800000000" + last
        if sum(ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(prefix)) % 31 == 0:
            assert credit_code_check_char(prefix) == "0"
            assert parse_credit_code(prefix + "0") == prefix + "0"
            break
    else:  # pragma: no cover - the last character runs through every residue
        pytest.fail("no prefix with a zero remainder")


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "9133010071610585",  # 16 characters
        "91330100716105852F",  # 18 characters
        "9133010071610585I",  # forbidden letter
        "91330100a16105852",  # lower case
    ],
)
def test_credit_code_check_char_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        credit_code_check_char(bad)


def test_credit_code_region() -> None:
    assert credit_code_region("91330100716105852F") == "330100"
    assert credit_code_region("914403001922038216") == "440300"
    with pytest.raises(ValueError):
        credit_code_region("91AB0100716105852F")


VALID = "91330100716105852F"


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("", "credit_code_wrong_length", {"length": 0}),
        (VALID[:17], "credit_code_wrong_length", {"length": 17}),
        (VALID + "0", "credit_code_wrong_length", {"length": 19}),
        ("9133010071610585-2F", "credit_code_wrong_length", {"length": 19}),
        # forbidden letters I, O, Z, S, V (also in lower case) and other characters, 1-based positions
        ("I1330100716105852F", "credit_code_bad_character", {"char": "I", "position": 1}),
        ("9O330100716105852F", "credit_code_bad_character", {"char": "O", "position": 2}),
        ("913301007161058Z2F", "credit_code_bad_character", {"char": "Z", "position": 16}),
        ("91330100716105852S", "credit_code_bad_character", {"char": "S", "position": 18}),
        ("91330100v16105852F", "credit_code_bad_character", {"char": "V", "position": 9}),
        ("9133010071610585-F", "credit_code_bad_character", {"char": "-", "position": 17}),
        ("91330100716105852统", "credit_code_bad_character", {"char": "统", "position": 18}),
        # administrative division code (positions 3-8) must be digits
        (build_code("91A30100716105852"), "credit_code_bad_region", {}),
        (build_code("9133010X716105852"), "credit_code_bad_region", {}),
        # wrong check character
        # the embedded organisation code (9–17) still checks: the slip is among 1–8 or the 18th
        ("91330100716105852E", "credit_code_check_outside_org", {}),
        ("914403001922038217", "credit_code_check_outside_org", {}),
        ("91335100716105852F", "credit_code_check_outside_org", {}),
        # a slip inside 9–17 (here the 15th and the 17th): nothing can be told but "check the whole code"
        ("91330100716105952F", "credit_code_bad_checksum", {}),
        ("91330100716105853F", "credit_code_bad_checksum", {}),

    ],
)
def test_parse_credit_code_invalid(text: str, code: str, params: dict[str, Any]) -> None:
    error = refused(parse_credit_code, text)
    assert (error.code, error.params) == (code, params)


def test_parse_credit_code_tells_failures_apart() -> None:
    """Same code, three kinds of damage, three different error codes."""
    wrong_check = VALID[:17] + ("E" if VALID[17] != "E" else "D")
    wrong_length = VALID[:-1]
    forbidden = VALID[:17] + "I"
    assert refused(parse_credit_code, wrong_check).code in ("credit_code_bad_checksum", "credit_code_check_outside_org")
    assert refused(parse_credit_code, wrong_length).code == "credit_code_wrong_length"
    assert refused(parse_credit_code, forbidden).code == "credit_code_bad_character"


credit_code_prefixes = st.builds(
    lambda head, region, body: head + region + body,
    st.text(alphabet=ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)


@given(prefix=credit_code_prefixes, replacement=st.sampled_from(ALPHABET))
def test_credit_code_property_only_the_computed_check_char_is_accepted(prefix: str, replacement: str) -> None:
    check = reference_check_char(prefix)
    assert credit_code_check_char(prefix) == check
    assert parse_credit_code(prefix + check) == prefix + check
    assert parse_credit_code((prefix + check).lower()) == prefix + check
    if replacement != check:
        error = refused(parse_credit_code, prefix + replacement)
        assert error.code in ("credit_code_bad_checksum", "credit_code_check_outside_org")
        assert "expected" not in error.params and check not in error.params.values()


@given(prefix=credit_code_prefixes, position=st.integers(0, 17), letter=st.sampled_from(FORBIDDEN_LETTERS))
def test_credit_code_property_forbidden_letters_are_bad_characters(prefix: str, position: int, letter: str) -> None:
    valid = prefix + reference_check_char(prefix)
    damaged = valid[:position] + letter + valid[position + 1 :]
    error = refused(parse_credit_code, damaged)
    assert (error.code, error.params) == ("credit_code_bad_character", {"char": letter, "position": position + 1})


# ---------------------------------------------------------------------------------------------------------------
# parse_text
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("杭州某某科技有限公司", {}, "杭州某某科技有限公司"),
        ("  保留  内部   空格 ", {}, "保留  内部   空格"),
        ("\u3000全角空格\u3000", {}, "全角空格"),
        ("第一行\n第二行", {}, "第一行\n第二行"),
        ("ＡＢＣ１２３", {}, "ＡＢＣ１２３"),  # free text is not normalised
        ("一二三四五", {"max_length": 5}, "一二三四五"),  # characters, not bytes
        ("ab", {"min_length": 2}, "ab"),
        ("", {"min_length": 0}, ""),
    ],
)
def test_parse_text_valid(text: str, options: dict[str, Any], expected: str) -> None:
    assert parse_text(text, **options) == expected


@pytest.mark.parametrize(
    ("text", "options", "code", "params"),
    [
        ("", {}, "text_empty", {}),
        ("  \u3000\n\t ", {}, "text_empty", {}),
        ("", {"min_length": 3}, "text_empty", {}),
        ("ab", {"min_length": 3}, "text_too_short", {"min": 3, "length": 2}),
        ("一二三四五六", {"max_length": 5}, "text_too_long", {"max": 5, "length": 6}),
        (" abcdef ", {"max_length": 5}, "text_too_long", {"max": 5, "length": 6}),
    ],
)
def test_parse_text_invalid(text: str, options: dict[str, Any], code: str, params: dict[str, Any]) -> None:
    error = refused(parse_text, text, **options)
    assert (error.code, error.params) == (code, params)
