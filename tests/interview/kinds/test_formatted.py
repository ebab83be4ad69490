"""The formatted kinds: credit code, mobile / landline / phone, e-mail, postal code."""

from __future__ import annotations

from typing import Any

from bot.interview.kinds import kind_of
from bot.texts import ERRORS
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
    assert read(item("person_name"), "张伟") == "张伟"
    assert refusal(item("person_name"), "0571-86123456")[0] == "not_a_person_name"
    assert refusal(item("person_name", max_length=4), "欧阳娜娜娜")[0] == "text_too_long"


def test_a_mobile_only_item_never_suggests_a_landline() -> None:
    for typed in ("0451-82345678", "abc", "+1 415 555 0100", "1381234567", "12812345678"):
        code, _ = refusal(item("mobile"), typed)
        assert "landline" not in EN.ui(ERRORS[code]).replace("This looks like a landline", ""), (typed, code)
    assert refusal(item("mobile"), "0451-82345678")[0] == "mobile_got_landline"


def test_each_format_tells_how_it_is_typed() -> None:
    hints = {t: kind_of(item(t)).format_hint(item(t), EN, {}) for t in
             ("credit_code", "mobile", "landline", "phone", "email", "postal_code")}
    assert hints["credit_code"] == "Format: 18-character unified social credit code"
    assert hints["mobile"] == "Format: 11-digit mobile number, e.g. 13812345678"
    assert hints["postal_code"] == "Format: 6-digit postal code, e.g. 310052"
    assert all(h.startswith("Format: ") for h in hints.values())
    assert kind_of(item("email")).prompt(item("email"), EN, {}) == hints["email"]


def test_every_name_of_a_person_in_the_forms_is_read_as_one(forms: dict[str, Any]) -> None:
    """法人代表, 联系人, 姓名: in every form and group, a phone number typed there is refused."""
    named = [(form.id, i) for form in forms.values() for top in form.items for i in (top, *getattr(top, "fields", ()))
             if i.text.endswith(("法人代表", "联系人", "姓名"))]
    assert len(named) >= 7
    assert [(fid, i.id) for fid, i in named if i.type != "person_name"] == []
    for _fid, i in named:
        assert refusal(i, "0571-86123456")[0] == "not_a_person_name"
