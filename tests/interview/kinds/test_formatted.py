"""The formatted kinds: credit code, mobile / landline / phone, e-mail, postal code."""

from __future__ import annotations

from bot.interview.kinds import kind_of
from tests.interview.kinds.helpers import EN, item, read, refusal


def test_each_format_is_read_by_its_validator() -> None:
    assert read(item("credit_code"), "91330106ma27y5xx1k") == "91330106MA27Y5XX1K"
    assert refusal(item("credit_code"), "9133010")[0] == "credit_code_wrong_length"
    assert read(item("mobile"), "138 1234 5678") == "13812345678"
    assert refusal(item("mobile"), "1381234567")[0] == "mobile_wrong_length"
    assert read(item("landline"), "0571-85257095") == "0571-85257095"
    assert read(item("phone"), "13812345678") == "13812345678"
    assert read(item("email"), "Name@Example.com").lower() == "name@example.com"
    assert refusal(item("email"), "name@")[0] == "not_an_email"
    assert read(item("postal_code"), "310052") == "310052"
    assert refusal(item("postal_code"), "31005")[0] == "postal_code_bad_format"
    assert refusal(item("postal_code"), "3" * 33)[0] == "text_too_long"


def test_each_format_tells_how_it_is_typed() -> None:
    hints = {t: kind_of(item(t)).format_hint(item(t), EN, {}) for t in
             ("credit_code", "mobile", "landline", "phone", "email", "postal_code")}
    assert hints["credit_code"] == "Format: 18-character unified social credit code"
    assert hints["mobile"] == "Format: 11-digit mobile number, e.g. 13812345678"
    assert hints["postal_code"] == "Format: 6-digit postal code, e.g. 310052"
    assert all(h.startswith("Format: ") for h in hints.values())
    assert kind_of(item("email")).prompt(item("email"), EN, {}) == hints["email"]
