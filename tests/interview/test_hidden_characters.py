"""Issue 22 in the pure core: nothing invisible is an answer, no format control is stored, no hidden character joins
digits, and no digit of another script passes for an ASCII one."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.interview import engine
from bot.interview.answer import Answer
from bot.interview.conditions import ascii_digits, halfwidth
from bot.interview.errors import AnswerError, FormError
from bot.interview.kinds.group import GroupItem
from bot.interview.kinds.person_name import PersonNameItem
from bot.interview.kinds.text import TextItem
from bot.interview.loader import parse_form
from bot.interview.parsing import parse_answer
from bot.interview.schema import Form, Item
from bot.interview.typed import FILLERS, HIDDEN, clean, visible
from tests.interview.hostile import BIDI, FOREIGN_DIGITS, foreign_digits, invisible_text, laced_text
from tests.interview.test_loader import GOOD

TODAY = date(2026, 11, 27)
HIDDEN_RE = re.compile(f"[{HIDDEN}]")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def places(forms: dict[str, Form]) -> list[tuple[Form, Item, GroupItem | None]]:
    """Every item of every form, and every field of a group (with its group)."""
    found: list[tuple[Form, Item, GroupItem | None]] = []
    for form in forms.values():
        for item in form.items:
            found.append((form, item, None))
            if isinstance(item, GroupItem):
                found.extend((form, field, item) for field in item.fields)
    return found


def stored(form: Form, item: Item, group: GroupItem | None, text: str) -> Any:
    """What typing `text` at the item stores (its value and extra), or AnswerError."""
    if group is not None:
        answer = parse_answer(item, text, {}, TODAY)
        return [answer.value, answer.extra]
    step = engine.apply(form, replace(engine.start(form), cursor=item.id), engine.Text(text), TODAY)
    if step.error is not None:
        raise step.error
    if isinstance(item, GroupItem):  # typed at a group: its first field of a new entry, kept in the draft
        return list(step.state.group.current.values()) if step.state.group is not None else []
    answer = step.state.answers[item.id]
    return [answer.value, answer.extra]


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
    return []


def test_the_format_class_is_every_format_control_python_knows() -> None:
    hidden = HIDDEN_RE
    missing = [f"U+{c:04X}" for c in range(sys.maxunicode + 1)
               if unicodedata.category(chr(c)) == "Cf" and not hidden.match(chr(c))]
    assert missing == []
    assert all(hidden.match(ch) for ch in FILLERS + BIDI)


@pytest.mark.parametrize(("text", "expected"), [
    ("公司\u202e名称", "公司名称"), ("\u2066甲\u2069", "甲"), ("a\u00adb", "ab"), ("\ufeff\u200bx\u200d", "x"),
    ("\u3164", ""), ("旗\U000e0067\U000e0062\U000e007f", "旗"), ("1\x002", "1\ufffd2"), ("1\u200b\u200e2", "1\ufffd2"),
    ("12\u202e", "12"), ("1 \x00 2", "1  2"), ("一\x00二", "一二"),
])
def test_clean_drops_hidden_characters_and_never_joins_digits(text: str, expected: str) -> None:
    assert clean(text) == expected


def test_visible_means_something_to_see() -> None:
    assert visible("甲") and visible("1") and visible("。") and visible("😀") and visible("é")
    for nothing in ("", " \u3000", "\u0301", "\ue000", "\u20dd", "\u0378", "\ufe0f"):
        assert not visible(nothing), repr(nothing)


@SETTINGS
@given(st.data())
def test_text_made_only_of_invisible_characters_is_refused_everywhere(forms: dict[str, Form],
                                                                     data: st.DataObject) -> None:
    """At every item and group field of every form, whatever its kind (issue 22: all 66 text fields took "‎")."""
    form, item, group = data.draw(st.sampled_from(places(forms)))
    text = data.draw(invisible_text)
    with pytest.raises(AnswerError):
        stored(form, item, group, text)


@SETTINGS
@given(invisible_text)
def test_every_text_kind_refuses_invisible_text(forms: dict[str, Form], text: str) -> None:
    """Free text, a group's text field, the text saying what "其他" means, a file's caption or name."""
    texts = [(form, item, group) for form, item, group in places(forms) if isinstance(item, TextItem)]
    names = [(form, item, group) for form, item, group in places(forms) if isinstance(item, PersonNameItem)]
    assert len(texts) + len(names) >= 60  # free text, and the names of people (their own kind)
    for form, item, group in [*texts, *names]:
        with pytest.raises(AnswerError) as refused:
            stored(form, item, group, text)
        assert refused.value.code in ("text_empty", "text_invisible", "text_too_long", "not_a_person_name"), (
            refused.value.code)
    filing = forms["hangzhou-filing"]
    other = next(i for i in filing.items if i.id == "cloud_plan")
    asked = engine.apply(filing, replace(engine.start(filing), cursor=other.id), engine.Text(
        str(len(other.options))), TODAY)  # type: ignore[attr-defined]
    assert asked.error is None and asked.state.asking_other
    assert engine.apply(filing, asked.state, engine.Text(text), TODAY).error is not None
    evidence = next((f, i) for f, i, g in texts if g is None and i.accepts_file)
    at = replace(engine.start(evidence[0]), cursor=evidence[1].id)
    step = engine.apply(evidence[0], at, engine.Attach("file-1", text, text), TODAY)
    assert step.error is not None and step.error.code in ("text_empty", "text_invisible")


@SETTINGS
@given(st.data())
def test_no_format_control_is_ever_stored(forms: dict[str, Form], data: st.DataObject) -> None:
    """Visible text laced with bidi and other format controls may be an answer, but what is stored carries none:
    typed at any item, given as "其他", or as a file's caption and name."""
    form, item, group = data.draw(st.sampled_from(places(forms)))
    text = data.draw(laced_text)
    try:
        value = stored(form, item, group, text)
    except AnswerError:
        return
    assert not any(HIDDEN_RE.search(s) for s in strings(value)), value
    if isinstance(item, TextItem) and item.accepts_file and group is None:
        step = engine.apply(form, replace(engine.start(form), cursor=item.id),
                            engine.Attach("file-1", text + ".pdf", text), TODAY)
        assert step.error is None
        answer = step.state.answers[item.id]
        assert not HIDDEN_RE.search(answer.value) and not any(
            HIDDEN_RE.search(f["name"]) for f in json.loads(answer.extra or "[]"))


NUMBER_ITEMS = [("hangzhou-eligibility", "employees"), ("hangzhou-eligibility", "revenue_2023"),
                ("miit-2022", "q2"), ("hangzhou-filing", "contact_phone"), ("hangzhou-filing", "credit_code"),
                ("hangzhou-filing", "district"), ("miit-2024", "q4"), ("hangzhou-contract", "party_a_bank_account")]


@pytest.mark.parametrize(("form_id", "item_id"), NUMBER_ITEMS)
@pytest.mark.parametrize("hidden", ["\x00", "\x1b", "\u200b", "\u202e", "\u2066", "\u00ad", "\x9f"])
def test_a_hidden_character_inside_a_number_is_refused_not_joined(forms: dict[str, Form], form_id: str,
                                                                 item_id: str, hidden: str) -> None:
    """"1\\x002" used to be read as 12 (the boundary dropped the NUL and joined the digits)."""
    form = forms[form_id]
    item = next(i for i in form.items if i.id == item_id)
    plain = {"employees": "12", "revenue_2023": "12", "q2": "12%", "contact_phone": "13800138000",
             "credit_code": "91330100716105852F", "district": "12", "q4": "12",
             "party_a_bank_account": "62220202000012"}[item_id]
    stored(form, item, None, plain)  # taken as typed
    digit = next(n for n in range(1, len(plain)) if plain[n - 1].isdigit() and plain[n].isdigit())
    with pytest.raises(AnswerError):
        stored(form, item, None, plain[:digit] + hidden + plain[digit:])


@SETTINGS
@given(foreign_digits)
def test_digits_of_other_scripts_are_no_account_number(forms: dict[str, Form], text: str) -> None:
    """The contract's bank accounts (issue 22: isdigit() took ①②③, superscripts, Arabic-Indic, Thai digits)."""
    form = forms["hangzhou-contract"]
    for item_id in ("party_a_bank_account", "party_b_bank_account"):
        item = next(i for i in form.items if i.id == item_id)
        with pytest.raises(AnswerError):
            stored(form, item, None, text)


@pytest.mark.parametrize("account", ["6222 0202 0000 1234", "6222-0202-0000-1234", "６２２２０２０２００００１２３４",
                                     "６２２２－０２０２　００００"])
def test_an_account_in_ascii_or_full_width_digits_is_taken(forms: dict[str, Form], account: str) -> None:
    form = forms["hangzhou-contract"]
    item = next(i for i in form.items if i.id == "party_a_bank_account")
    assert stored(form, item, None, account)[0] == account


def test_the_expression_sandbox_tests_ascii_digits() -> None:
    assert ascii_digits("0123456789") and ascii_digits(halfwidth("１２３"))
    assert not any(ascii_digits(ch) for ch in FOREIGN_DIGITS)
    assert not ascii_digits("") and not ascii_digits("12a") and not ascii_digits(12)  # type: ignore[arg-type]
    assert halfwidth("１２－３４　５") == "12-34 5" and halfwidth(7) == 7


@pytest.mark.parametrize("test", ["a.isdigit()", "a.isnumeric()", "a.isdecimal() and a|length > 1"])
def test_a_form_expression_may_not_use_pythons_unicode_digit_tests(test: str) -> None:
    with pytest.raises(FormError) as refused:
        parse_form(GOOD.replace("a == 'x'", test), "demo.yaml")
    assert "ascii_digits" in str(refused.value)


def test_answers_stored_before_the_boundary_are_printed_without_hidden_characters() -> None:
    from bot.interview.answer import printable

    old = Answer({"name": "\u202excod.exe", "list": ["\u2066a\u2069", 3]}, '[{"name": "x\u202e.pdf"}]')
    assert printable(old) == Answer({"name": "xcod.exe", "list": ["a", 3]}, '[{"name": "x.pdf"}]')
