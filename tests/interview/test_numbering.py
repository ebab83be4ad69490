"""One numbering per form, the one the paper (or the platform) prints, everywhere a person meets it: the question
headings, the counts, `修改 N`, the help texts, the result's advice and the reports (issue 23, items 1 and 2)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.dialogs import commands
from bot.i18n import Translator
from bot.interview import engine
from bot.interview.dump import answers_from_json
from bot.interview.engine import State
from bot.interview.loader import parse_form
from bot.interview.numbering import numbering
from bot.interview.parsing import answer_from_value
from bot.interview.schema import Form
from bot.present import size_line
from bot.rendering.context import build_context
from bot.scoring import evaluate
from bot.scoring.miit2024 import Miit2024Scoring, blocker_texts, prepare_json_answers, report_view
from tests.rendering.fixtures import miit_answers
from tests.scoring.test_miit2024 import CASES, raw_answers
from tests.today import TODAY

ZH, EN = Translator("zh"), Translator("en")


def test_the_2024_edition_is_numbered_as_the_platform_numbers_it(forms: dict[str, Form]) -> None:
    form = forms["miit-2024"]
    numbers = numbering(form)
    labels = numbers.labels
    assert [labels[f"q{n}"] for n in range(1, 16)] == [f"Q{n}" for n in range(1, 16)]
    assert [labels[f"s{n}"] for n in range(1, 17)] == [f"S{n}" for n in range(1, 17)]
    # the device counts asked before the rate they pre-select are its fill-ins, lettered in the order asked
    assert [labels[i] for i in ("q2_f2", "q2_f3", "q2", "q2_f1")] == ["Q2a", "Q2b", "Q2", "Q2c"]
    assert [labels[i] for i in ("q3_f2", "q3", "q3_f1")] == ["Q3a", "Q3", "Q3b"]
    assert labels["q11_f1"] == "Q11a" and labels["q14_f4"] == "Q14d"
    # fill-ins never count: 15 questions and 16 scenarios
    assert numbers.total == 31
    assert all(re.fullmatch(r"Q\d+[a-d]|Q\d+|S\d+", label) for label in labels.values()), labels


def test_a_fill_in_must_name_a_question_of_its_form() -> None:
    with pytest.raises(Exception, match="fill_in_of"):
        parse_form("""
id: f
version: 1
title: t
items:
  - {id: a, type: integer, text: 台数, fill_in_of: nowhere}
  - {id: b, type: integer, text: 比例}
""", "f.yaml")


@pytest.mark.parametrize(("typed", "item_id"), [
    ("修改 Q11", "q11"), ("修改 11", "q11"), ("edit q2a", "q2_f2"), ("修改 2a", "q2_f2"), ("修改 2c", "q2_f1"),
    ("修改 S3", "s3"), ("改 s16", "s16"),
])
def test_edit_n_takes_the_label_the_person_saw(forms: dict[str, Form], typed: str, item_id: str) -> None:
    form = forms["miit-2024"]
    answers = engine.start(form).answers
    assert commands.read(form, State(answers=answers, cursor=None), typed) == engine.Edit(item_id)


def test_the_counts_agree_the_menu_the_first_screen_and_the_progress(forms: dict[str, Form]) -> None:
    """The /start menu's summary and the interview's first screen name the same counts, and the progress counts
    to the same total."""
    assert size_line(forms["miit-2024"], ZH) == "共 15 题和 16 个场景，约需 15 分钟。"
    assert size_line(forms["miit-2024"], EN).startswith("15 questions and 16 scenarios")
    for form in forms.values():
        said = [int(n) for n in re.findall(r"(\d+)\s*(?:题|个场景|项自评指标)", form.summary or "")]
        shown = [int(n) for n in re.findall(r"\d+", size_line(form, ZH))]
        assert all(n in shown for n in said), (form.id, form.summary, size_line(form, ZH))
    scenarios_and_questions = [int(n) for n in re.findall(r"\d+", size_line(forms["miit-2024"], ZH))[:2]]
    assert sum(scenarios_and_questions) == engine.progress(forms["miit-2024"], {}).total


def _texts(form: Form) -> list[str]:
    rule: Any = form.scoring
    texts = [t for i in form.items for t in (i.help, i.note, i.text) if t]
    return texts + list(getattr(rule, "unconfirmed", ()))


def test_help_texts_name_items_by_the_numbers_the_chat_shows(forms: dict[str, Form]) -> None:
    """"预选第2题的区间" must mean the item the chat calls 2: every number a help text, note or open point names
    is a label (or question) of its form, and the 2024 edition names its items only by the platform's labels."""
    for form in forms.values():
        numbers = numbering(form)
        known = {label.lower() for label in numbers.labels.values()} | {q.lower() for q in numbers.questions}
        for text in _texts(form):
            for named in re.findall(r"第\s*([A-Za-z]?\d+[a-z]?)\s*题", text):
                assert named.lower() in known, (form.id, named, text)
    form = forms["miit-2024"]
    labels = set(numbering(form).labels.values())
    for text in _texts(form):
        assert not re.search(r"第\s*\d+\s*题", text), text  # the plain numbers of the other numbering
        for named in re.findall(r"(?<![A-Za-z])([QS]\d+[a-z]?)(?![0-9])", text):
            assert named in labels, (named, text)
    assert "Q2a" in (form.item("q3").help or "")  # the total of devices is Q2a, where the person typed it


def answers_2024(form: Form, raw: dict[str, Any]) -> Any:
    assert isinstance(form.scoring, Miit2024Scoring)
    return answers_from_json(form, prepare_json_answers(form, form.scoring, raw), TODAY)


def test_the_advice_names_the_number_the_person_saw(forms: dict[str, Form]) -> None:
    """"可提升分值最多的题目：第11题 企业近三年平均数字化投入…" named the question the chat numbered 14: the advice
    says "Q11 企业近三年…", the heading the person saw on it."""
    form = forms["miit-2024"]
    assert isinstance(form.scoring, Miit2024Scoring)
    numbers = numbering(form)
    lowest = {q: [] if form.item(q).type == "multi" else "A" for q in form.scoring.weights}
    ev = evaluate(form, answers_2024(form, lowest))
    for tr in (ZH, EN):
        advice = " ".join(blocker_texts(form, ev, tr))
        named = re.findall(r"(?<![A-Za-z])(Q\d+) ", advice)
        assert len(named) >= 2, advice
        for label in named:
            item_id = numbers.item_of(label)
            assert item_id is not None and f"{label} {tr.form(form.item(item_id).text)}" in advice, (label, advice)
        assert not re.search(r"第\s*\d+\s*题", advice)


def test_the_2024_report_numbers_as_the_chat_does(forms: dict[str, Form]) -> None:
    form = forms["miit-2024"]
    raw = {**raw_answers(CASES[0]), "q2_f2": 10, "q2_f3": 8, "q11_f1": 12}
    answers = answers_2024(form, raw)
    ev = evaluate(form, answers)
    view = report_view(form, ev, answers, ZH, {}, lambda item, answer, tr: "" if answer is None else "x")
    labels = numbering(form).labels
    assert [r.number for r in view.rows if r.number] == [labels[f"q{n}"] for n in range(1, 16)]
    assert [s.number for g in view.groups for s in g.scenarios] == [labels[f"s{n}"] for n in range(1, 17)]
    named = [label.split(" ", 1)[0] for label, _text in view.fill_ins]
    assert named == ["Q2a", "Q2b", "Q11a"], view.fill_ins


def test_the_2022_report_numbers_the_optional_figures_as_the_chat_does(forms: dict[str, Form]) -> None:
    """The figures behind Q22–Q24 are 22a, 23a, 24a in the chat and the review: so in the report's
    "其他回答（不计分）", never their position in the form (25, 27, 29)."""
    form = forms["miit-2022"]
    answers = dict(miit_answers(form))
    for item_id, value in (("q22_value", "98.5"), ("q23_value", "85"), ("q24_value", "72")):
        answers[item_id] = answer_from_value(form.item(item_id), value, TODAY)
    ctx = build_context(form, answers, lang="zh")
    numbers = {a.item_id: a.number for a in ctx.answers}
    assert (numbers["q22_value"], numbers["q23_value"], numbers["q24_value"]) == ("22a", "23a", "24a")
    assert numbers["q16_2"] == "16.2"
    tree = ctx.tree
    assert tree is not None
    questions = [n for d in tree.dimensions for n in _walk(d) if n.item]
    assert {n.item: n.number for n in questions}["q16_2"] == "16.2"
    assert all(a.number == numbering(form).labels[a.item_id] for a in tree.advice)


def _walk(node: Any) -> Any:
    yield node
    for child in node.children:
        yield from _walk(child)
