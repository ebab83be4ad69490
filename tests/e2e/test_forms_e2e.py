"""The other interviews over HTTP: `python -m bot run` as a subprocess against the fake Bot API.

The Hangzhou eligibility check answered to the end; the Heilongjiang benchmark answered quickly (every indicator
yes, with typed evidence notes and one evidence file), its result message and its PDF and Word reports.
"""

from __future__ import annotations

import html
import io
import sys
from pathlib import Path
from typing import Any

import pytest
from docx import Document

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bot_process import BotProcess, Person, api, labels, pdf_text, visible
from fake_bot_api import FakeBotAPI

from bot.i18n import Translator
from bot.interview.answer import Answer
from bot.interview.loader import load_forms
from bot.interview.numbering import numbering
from bot.interview.schema import ChoiceItem, Form, Item
from bot.present import points
from bot.scoring import evaluate
from bot.scoring.points import RubricEvaluation

pytestmark = pytest.mark.slow
__all__ = ["api"]  # the fake Bot API fixture

FORMS = load_forms()
TR = Translator("zh")


def item_on(form: Form, entry: dict[str, Any]) -> Item | None:
    """The question a message asks (its bold heading), or None for another screen (review, result)."""
    text = entry.get("text") or ""
    labels = numbering(form).labels  # the heading is the item's number on the paper, then its text
    return next((i for i in form.items if f"<b>{labels[i.id]}. {html.escape(i.text)}</b>" in text), None)


def option_button(entry: dict[str, Any], item: ChoiceItem, label: str) -> str:
    n = next(k for k, o in enumerate(item.options) if o.label == label)
    for text in labels(entry):
        if text.removeprefix("✓ ") in (label, str(n + 1)):
            return text
    raise AssertionError(f"no button {label!r} for {item.id} in {labels(entry)}")


async def start_form(person: Person, form: Form) -> dict[str, Any]:
    await person.send("/start")
    await person.next_screen(contains=form.title)
    await person.press(form.title)
    return await person.next_screen()


async def answer_eligibility_item(person: Person, entry: dict[str, Any], item: Item) -> None:
    """Answer one item of the eligibility check as ELIGIBILITY says: type, press, or tick then Done."""
    kind, arg = ELIGIBILITY[item.id]
    if kind == "type":
        await person.send(arg)
    elif kind == "press":
        await person.press(option_button(entry, item, arg) if isinstance(item, ChoiceItem) else arg)
    else:
        assert isinstance(item, ChoiceItem)
        await person.press(option_button(entry, item, arg))
        await person.user.wait_message(edited=True, timeout=15.0)
        await person.press(TR.ui("Done"))


async def submit(person: Person, review: dict[str, Any]) -> dict[str, Any]:
    assert TR.ui("Submit") in labels(review), visible(review)
    await person.press(TR.ui("Submit"))
    confirm = await person.next_screen(contains=TR.ui("Submit now? Once submitted, answers can only be changed "
                                                      "through the helpdesk."))
    assert TR.ui("Yes, submit") in labels(confirm), visible(confirm)
    await person.press(TR.ui("Yes, submit"))
    return await person.user.wait_message(contains=TR.ui("Submitted. Thank you!"), timeout=15.0)


# --- (a) the eligibility check -------------------------------------------------------------------------------

ELIGIBILITY: dict[str, tuple[str, str]] = {
    "registered_in_hangzhou": ("press", TR.ui("Yes")),
    "company_name": ("type", "杭州热威汽车零部件有限公司"),
    "industry": ("press", "汽车零部件"),
    "employees": ("type", "260"),
    "revenue_2023": ("type", "8000"),
    "central_funding": ("tick", "以上均无"),
    "policy_restriction": ("press", TR.ui("No")),
}


async def test_eligibility_check_to_the_end(api: FakeBotAPI, tmp_path: Path) -> None:
    form = FORMS["hangzhou-eligibility"]
    person = Person(api.user(user_id=6001, first_name="李四", language_code="zh-hans"))
    async with BotProcess(api, tmp_path) as bot:
        await bot.start()
        entry = await start_form(person, form)
        seen: list[str] = []
        while (item := item_on(form, entry)) is not None:
            seen.append(item.id)
            await answer_eligibility_item(person, entry, item)
            entry = await person.next_screen()
        assert seen == list(ELIGIBILITY)
        result = visible(await submit(person, entry))
        assert TR.ui("Eligible for filing.") in result, result
        assert "规上企业" in result  # revenue ≥ 2000万元: filing is expected
        assert "附件3" in result  # the name is on the reference list
        [report] = await person.documents(1)
        assert report["filename"].endswith(".pdf")
        assert "杭州热威汽车零部件有限公司" in pdf_text(report["content"])
        assert not api.errors, api.errors
        assert await bot.stop() == 0, bot.output()


# --- (b) the Heilongjiang benchmark --------------------------------------------------------------------------

COMPANY = "黑龙江省龙江智造装备有限公司"
TYPED: dict[str, str] = {
    "applicant": COMPANY, "recommender": "哈尔滨市工业和信息化局", "fill_date": "2024-03-01",
    "address": "哈尔滨市南岗区学府路 1 号", "postal_code": "150000", "legal_rep": "张三",
    "legal_rep_phone": "0451-86001234", "legal_rep_mobile": "13904510000", "contact_name": "李四",
    "contact_phone": "0451-86001235", "contact_mobile": "13904510001", "email": "office@example.com",
    "registered_on": "2015-06-01", "registered_capital": "2000", "employees": "120", "revenue_2023": "1500",
    "industry": "通用设备制造业", "niche": "数控机床", "assets_2023": "3000", "liabilities_2023": "1200",
    "profit_2023": "150", "revenue_2022": "1300", "profit_2022": "120", "revenue_2021": "1100",
    "profit_2021": "100", "bank_credit_rating": "AA",
}
PRESSED = {"enterprise_size": "小型", "enterprise_type": "民营"}
SKIPPED = {"fax"}
FILE_EVIDENCE = "i2_evidence"
EVIDENCE_FILE = b"%PDF-1.4\n% simulation report\n"


async def answer_benchmark(person: Person, form: Form, entry: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Answer every question as planned; return the screen after the last one and the items seen."""
    seen: list[str] = []
    while (item := item_on(form, entry)) is not None:
        seen.append(item.id)
        if item.type == "yesno":
            await person.press(TR.ui("Yes"))
        elif item.id in PRESSED:
            assert isinstance(item, ChoiceItem)
            await person.press(option_button(entry, item, PRESSED[item.id]))
        elif item.id in SKIPPED:
            await person.press(TR.ui("Skip"))
        elif item.id == FILE_EVIDENCE:
            await person.send_document(EVIDENCE_FILE, "仿真分析报告.pdf")
        elif item.id.endswith("_evidence"):
            await person.send(f"{item.id.removesuffix('_evidence')} 的佐证：相关系统截图及合同")
        else:
            await person.send(TYPED[item.id])
        entry = await person.next_screen()
    return entry, seen


async def test_benchmark_with_evidence_and_reports(api: FakeBotAPI, tmp_path: Path) -> None:
    form = FORMS["heilongjiang-benchmark"]
    person = Person(api.user(user_id=6002, first_name="王五", language_code="zh-hans"))
    async with BotProcess(api, tmp_path) as bot:
        await bot.start()
        entry = await start_form(person, form)
        review, seen = await answer_benchmark(person, form, entry)
        assert seen == [i.id for i in form.items], seen
        # the file sent as evidence was taken as the answer
        assert any("仿真分析报告.pdf" in visible(m) for m in person.user.messages if not m["edited"])

        yes = {i.id: Answer(True) for i in form.items if i.type == "yesno"}
        evaluation = evaluate(form, yes)
        assert isinstance(evaluation, RubricEvaluation)
        total = points(evaluation.total)
        result = visible(await submit(person, review))
        expected = TR.ui("Score {total} (base {base} + bonus {bonus})", total=total,
                         base=points(evaluation.base), bonus=points(evaluation.bonus))
        assert expected in result, result
        assert TR.ui("Every second-level indicator scores: the application can go on to review.") in result

        pdf, docx = await person.documents(2)
        assert pdf["filename"].endswith(".pdf") and docx["filename"].endswith(".docx")
        text = pdf_text(pdf["content"])
        assert total in text, text[:3000]
        assert COMPANY in text.replace(" ", ""), text[:3000]
        document = Document(io.BytesIO(docx["content"]))
        words = [p.text for p in document.paragraphs]
        words += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        assert any(COMPANY in w for w in words)
        assert not api.errors, api.errors
        assert await bot.stop() == 0, bot.output()
