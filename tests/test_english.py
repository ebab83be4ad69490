"""English mode shows no Chinese outside the person's own answers: every screen of every interview (each item,
each field of a repeatable group, the review, the confirmation, the result) on Telegram and the terminal, every
refusal, every cross-field notice, and the reports whose layout is not an official Chinese form.

The official-form layouts (the filing's annex 1 and annex 5, the Heilongjiang application and self-scoring
table) are printed in Chinese as in the source whatever the language (bot/rendering/context.py), so they are not
rendered here; their interview screens are.
"""

from __future__ import annotations

import html
import io
import re
import string
from dataclasses import replace
from typing import Any, cast

import pytest

from bot.dialogs.console import Console, form_menu
from bot.dialogs.telegram import keyboards, texts
from bot.i18n import Translator
from bot.interview import derived, engine
from bot.interview.answer import Answer
from bot.interview.engine import GroupDraft, Notice
from bot.interview.errors import AnswerError
from bot.interview.numbering import numbering
from bot.interview.schema import Form, GroupItem
from bot.present import error_text, notice_text, review_warnings
from bot.present.build import build_screen, list_text
from bot.present.screen import Screen
from bot.rendering.context import build_context
from bot.rendering.html import render_html
from bot.texts import ERRORS
from tests.rendering.fixtures import all_sets
from tests.today import TODAY

EN = Translator("en")
#: Chinese characters, CJK punctuation (【】、。〔〕) and full-width forms (（）：；)
HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def own_words(answers: dict[str, Answer], company: str | None) -> list[str]:
    """What the person typed (longest first, so a value is removed before any part of it)."""
    words = [company] if company else []
    for answer in answers.values():
        values = answer.value if isinstance(answer.value, list) else [answer.value]
        for value in values:
            if isinstance(value, dict):
                words.extend(str(v) for v in value.values() if v is not None)
            elif value is not None:
                words.append(str(value))
        if answer.extra:
            words.append(answer.extra)
            if answer.extra.startswith("["):
                words.extend(re.findall(r'"name": "([^"]+)"', answer.extra))
    return sorted(set(words), key=len, reverse=True)


def chinese_in(text: str, own: list[str]) -> list[str]:
    plain = html.unescape(text)
    for word in own:
        plain = plain.replace(word, "")
    return HAN.findall(re.sub(r"<[^>]+>", "", plain))


def keyboard_text(markup: Any) -> str:
    return " ".join(b.text for row in markup.inline_keyboard for b in row) if markup is not None else ""


def screen(form: Form, state: engine.State, tr: Translator = EN) -> Screen:
    return build_screen(form, state, TODAY, tr, session_id=1)


def console_screen(form: Form, state: engine.State, tr: Translator = EN) -> str:
    out = io.StringIO()
    console = Console(cast(Any, None), user="t", lang=tr.lang, out=out)
    console.show(screen(form, state, tr))
    return out.getvalue()


def screens_of(form: Form, answers: dict[str, Answer]) -> list[tuple[str, engine.State]]:
    """Every question screen (each group field too), the review, its confirmation and the result."""
    base = engine.State(answers=answers)
    states: list[tuple[str, engine.State]] = []
    for item in form.items:
        states.append((item.id, replace(base, cursor=item.id)))
        if isinstance(item, GroupItem):
            entries = tuple(answers[item.id].value) if item.id in answers else ()
            for n in range(len(item.fields)):
                current = dict(entries[0]) if entries else {}
                draft = GroupDraft(entries, current, n, 0 if entries else None)
                states.append((f"{item.id}.{n}", replace(base, cursor=item.id, group=draft)))
    states.append(("review", replace(base, cursor=None)))
    states.append(("confirm", replace(base, cursor=None, confirming=True)))
    states.append(("result", replace(base, cursor=None, submitted=True)))
    return states


@pytest.mark.parametrize("name", ["miit", "eligibility", "eligibility-refused", "filing", "heilongjiang",
                                  "heilongjiang-gate"])
def test_every_screen_in_english_has_no_chinese_but_the_answers(forms: dict[str, Form], name: str) -> None:
    form, answers, company = all_sets(forms)[name]
    own = own_words(answers, company)
    found: dict[str, list[str]] = {}
    for where, state in screens_of(form, answers):
        scr = screen(form, state)
        shown = [texts.screen_text(scr, EN), keyboard_text(keyboards.for_screen(scr, EN))]
        if scr.asking:
            shown.append(texts.item_help(scr))
        shown.append(console_screen(form, state))
        for text in shown:
            if han := chinese_in(text, own):
                found.setdefault(where, []).extend(han)
    assert not found, found


def test_every_refusal_and_notice_in_english_has_no_chinese(forms: dict[str, Form]) -> None:
    found: dict[str, list[str]] = {}
    for code, template in ERRORS.items():
        params: dict[str, Any] = {f: "7" for _, f, _, _ in string.Formatter().parse(template) if f}
        if "option" in params:
            params["option"] = forms["miit-2022"].item("q5").options[-1].label  # a form text: 以上均无
        if "entry" in params:
            params["entry"] = forms["hangzhou-filing"].item("providers").entry  # type: ignore[union-attr]
        if han := chinese_in(error_text(AnswerError(code, **params), EN), []):
            found[code] = han
    for name, (form, answers, company) in all_sets(forms).items():
        own = own_words(answers, company)
        values = derived.values(form, answers)
        for check in form.checks:  # every cross-field message, as an error or a warning would show it
            text = notice_text(Notice(check.message, values), EN)
            if han := chinese_in(text, own):
                found[f"{name}:{check.id}"] = han
        for line in review_warnings(form, engine.State(answers=answers), EN):
            if han := chinese_in(line, own):
                found[f"{name}:review warning"] = han
    menu = "\n".join(form_menu(forms, EN))
    if han := chinese_in(menu, []):
        found["menu"] = han
    assert not found, found


@pytest.mark.parametrize("name", ["miit", "eligibility", "eligibility-refused"])
def test_reports_in_english_have_no_chinese_but_the_answers(forms: dict[str, Form], name: str) -> None:
    form, answers, company = all_sets(forms)[name]
    ctx = build_context(form, answers, lang="en", company=company, session_meta={"generated": "2024-05-12 10:30"})
    page = re.sub(r"<style.*?</style>", "", render_html(ctx.kind, ctx), flags=re.S)
    assert not chinese_in(page, own_words(answers, company))
    if name.startswith("eligibility"):
        assert "Size class" in page and re.search(r"(micro|small|medium-sized|large)", page)


def test_labels_are_not_doubled_and_not_cut_mid_word(forms: dict[str, Form]) -> None:
    from bot.present import shorten

    zh = Translator("zh")
    for form in forms.values():
        for item in form.items:
            state = engine.State(cursor=item.id)
            for tr in (zh, EN):
                shown = texts.question(screen(form, state, tr), tr) + console_screen(form, state, tr)
                for doubled in ("（可多选）（多选", "选填）（选填", "选填）（单选，选填", "(multiple choice) (multiple",
                                "optional) (optional"):
                    assert doubled not in shown, (form.id, item.id, doubled)
    text = "Main business revenue of the enterprise in 2023"
    assert shorten(text, 30) == "Main business revenue of the…"  # never "…enterpr…"
    for form in forms.values():
        state = engine.State()
        review = html.unescape(texts.review(screen(form, state), EN))
        numbers = numbering(form).labels
        for item in engine.visible_items(form, state.answers):
            label = list_text(EN.form(item.text))  # a sub-question is listed by its own words
            cut = next(line.split(". ", 1)[1].split(" — ", 1)[0] for line in review.splitlines()
                       if line.startswith(f"{numbers[item.id]}. "))
            if cut is not None and cut.endswith("…"):
                kept = cut[:-1]
                assert label.startswith(kept) and not label[len(kept)].isalnum(), (form.id, item.id, cut)


def test_amounts_in_ten_thousand_yuan_read_as_yuan_in_english(forms: dict[str, Form]) -> None:
    from bot.present import answer_text

    item = forms["hangzhou-eligibility"].item("revenue_2023")
    assert answer_text(item, Answer("50000"), EN) == EN.ui("{amount} yuan", amount="500,000,000")
    assert answer_text(item, Answer("12.35"), EN) == EN.ui("{amount} yuan", amount="123,500")
    assert answer_text(item, Answer("50000"), Translator("zh")).startswith("50000")


def test_a_unit_reads_singular_after_one(forms: dict[str, Form]) -> None:
    """The forms catalog may give a unit as "one|many": 1 person, 120 persons (never "1 persons")."""
    from bot.interview.kinds import kind_of

    headcount = next(i for f in forms.values() for i in f.items if getattr(i, "unit", None) == "人")
    shown = {v: kind_of(headcount).display(headcount, Answer(v), EN) for v in ("1", "120", "1.5")}
    assert shown == {"1": "1 person", "120": "120 persons", "1.5": "1.5 persons"}
    assert kind_of(headcount).display(headcount, Answer("1"), Translator("zh")) == "1 人"
    assert EN.unit("个工作日", 1) == "working day" and EN.unit("台", "3") == "units"
    for message in _forms_catalog_en():
        if "|" in message.string:  # only units use the convention, each with both forms
            one, many = message.string.split("|")
            assert one and many and "|" not in many, message.id


def _forms_catalog_en():  # type: ignore[no-untyped-def]
    from babel.messages.pofile import read_po

    from bot.i18n import LOCALES_DIR

    with (LOCALES_DIR / "en" / "LC_MESSAGES" / "forms.po").open("rb") as fh:
        return list(read_po(fh, locale="en"))
