"""Issue 22 on Telegram: bidi and other format controls never reach what is stored, a document or a file name.

One person types every answer of the filing with bidi overrides, isolates and zero-width characters laced into
it (also the providers of the group, the text of "其他", their Telegram name), sends evidence whose file name and
caption carry them, and a staff member reopens the filing with such a reason and exports the district table.
Then every text the database holds, every document sent (PDF, Word, the workbook) and every file name is
searched for them.  Also: "‎" alone is refused as an answer (it was saved as the company name)."""

from __future__ import annotations

import io
import json
import re
import subprocess
from typing import Any

from aiogram.methods import SendDocument
from conftest import STAFF_ID, World
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select
from tg_harness import Person, sent

from bot.db.models import AnswerRow, AuditEvent, InterviewSession, User
from bot.i18n import Translator
from bot.interview.kinds.group import GroupItem
from bot.interview.typed import FILLERS, FORMAT, HIDDEN

TR = Translator("zh")
HIDDEN_RE = re.compile(f"[{HIDDEN}]")
#: in a document's text (pdftotext ends each page with a form feed): the format controls and fillers
FORMAT_RE = re.compile(f"[{FORMAT}{FILLERS}]")
FILING = "杭州市中小企业数字化转型城市试点改造项目备案申请表"
BENCHMARK = "黑龙江省中小企业数字化示范标杆企业申报书"
LACE = ["\u202e", "\u2066", "\u2069", "\u200f", "\u200b", "\u00ad", "\u061c", "\U000e0041", "\u3164"]
#: what each non-text item of the filing is typed as (option 1 of a choice)
TYPED = {"credit_code": "91330106MA27Y5XX1K", "phone": "0571-85257095", "integer": "10", "money": "100",
         "year_month": "2024-01", "date": "2024-01-02", "single": "1", "multi": "1", "yesno": "1",
         "landline": "0571-85257095", "mobile": "13812345678", "postal_code": "310000", "email": "a@example.com",
         "decimal": "1", "percent": "10", "text": "测试", "person_name": "王五"}


def laced(text: str, n: int) -> str:
    """`text` with format controls before, inside and after it."""
    a, b = LACE[n % len(LACE)], LACE[(n + 3) % len(LACE)]
    middle = len(text) // 2
    return f"{a}{text[:middle]}{b}{text[middle:]}{a}"


def with_name(person: Person, first_name: str) -> Person:
    user = {"id": person.user_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans"}
    person._user = lambda: dict(user)  # type: ignore[method-assign]
    return person


async def fill_the_filing(world: World, person: Person) -> int:
    """Type every answer of the filing over Telegram, laced; returns the session id once it is submitted."""
    await person.send("/start")
    await person.press(FILING)
    n = 0
    while True:
        opened = await world.interviews.current(f"tg:{person.user_id}")
        assert opened is not None
        if opened.state.cursor is None:
            break
        item = opened.form.item(opened.state.cursor)
        n += 1
        if opened.state.asking_other:
            await person.send(laced("质量追溯系统", n))
        elif isinstance(item, GroupItem):
            for m, field in enumerate(item.fields):
                value = (laced(f"杭州服务商{field.id}", n + m) if field.type == "text"
                         else laced("王五", n + m) if field.type == "person_name" else TYPED[field.type])
                await person.send(value)
            await person.press(TR.ui("Done"))
        elif item.id == "cloud_plan":
            await person.send(str(len(item.options)))  # type: ignore[union-attr]  # 其他: its text comes next
        elif item.id == "project_end":
            await person.send("2024-12")
        elif item.type == "text":
            await person.send(laced(f"杭州测试{item.id}", n))
        elif item.type == "person_name":
            await person.send(laced("张三", n))
        else:
            await person.send(TYPED[item.type])
        assert n < 200, "the filing never reached its review"
        assert opened.state != (await world.interviews.current(f"tg:{person.user_id}")).state, (  # type: ignore[union-attr]
            item.id, person.last_text())
    await person.press(TR.ui("Submit"))
    await person.press(TR.ui("Yes, submit"))
    return opened.session_id


def texts_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [t for v in value for t in texts_of(v)]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*texts_of(k), *texts_of(v))]
    return []


def document_text(document: SendDocument) -> str:
    name, data = document.document.filename or "", document.document.data
    if name.endswith(".pdf"):
        return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True,
                              timeout=60).stdout.decode("utf-8")
    if name.endswith(".docx"):
        word = Document(io.BytesIO(data))
        return "\n".join([p.text for p in word.paragraphs] +
                         [c.text for t in word.tables for r in t.rows for c in r.cells])
    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row
                     if v is not None)


async def test_an_invisible_answer_is_refused_where_it_was_saved(world: World) -> None:
    person = world.person(user_id=5200)
    await person.send("/start")
    await person.press(FILING)
    calls = await person.send("\u200e")  # 企业名称 "‎" was saved and reached the annex-5 workbook
    assert "✓" not in sent(calls)[0].text
    for nothing in ("\u202e\u2066", "\u0301", "\ue000", "\u3164\u2800"):
        assert "✓" not in sent(await person.send(nothing))[0].text, repr(nothing)
    async with world.db() as s:
        assert list(await s.scalars(select(AnswerRow))) == []


async def test_no_format_control_reaches_the_database_a_document_or_a_file_name(world: World) -> None:
    person = with_name(world.person(user_id=5201), "\u202e王\u2066五\u2069")
    session_id = await fill_the_filing(world, person)
    documents = person.documents()
    assert len(documents) >= 2  # the PDF summary and the Word application

    # evidence with a laced file name and caption
    other = with_name(world.person(user_id=5202), "李\u200f四")
    await other.send("/start")
    await other.press(BENCHMARK)
    for _ in range(100):
        opened = await world.interviews.current("tg:5202")
        assert opened is not None and opened.state.cursor is not None
        if opened.state.cursor == "i1_evidence":
            break
        calls = await other.send(TYPED[opened.form.item(opened.state.cursor).type])
        assert "✓" in sent(calls)[0].text, (opened.state.cursor, sent(calls)[0].text)
    await other.send_document("\u202excod.exe\u2066.pdf", caption="\u2067合同\u2069扫描件\u200b")
    async with world.db() as s:
        evidence = await s.scalar(select(AnswerRow).where(AnswerRow.item_id == "i1_evidence"))
    assert evidence is not None and evidence.value == "合同扫描件"
    assert [f["name"] for f in json.loads(evidence.extra or "[]")] == ["xcod.exe.pdf"]

    # staff reopen it with a laced reason, and export the district table
    staff = with_name(world.person(user_id=STAFF_ID), "客服\u202e")
    await staff.send(f"/reopen {session_id} \u202e企业名称\u2066有误\u2069")
    await staff.send("/export")
    documents += staff.documents()
    assert any((d.document.filename or "").endswith(".xlsx") for d in documents)

    async with world.db() as s:
        stored = [t for r in await s.scalars(select(AnswerRow)) for t in (*texts_of(r.value), r.extra or "")]
        stored += [t for e in await s.scalars(select(AuditEvent)) for t in (*texts_of(e.old), *texts_of(e.new))]
        stored += [u.display_name or "" for u in await s.scalars(select(User))]
        stored += [t for row in await s.scalars(select(InterviewSession)) for t in texts_of(row.state)]
    assert any("杭州测试company_name" in t for t in stored) and any("有误" in t for t in stored)
    assert "王五" in stored  # the name the person gave Telegram, kept for the staff copy of the reports
    assert [t for t in stored if HIDDEN_RE.search(t)] == []
    for document in documents:
        name = document.document.filename or ""
        assert not HIDDEN_RE.search(name), name
        assert not FORMAT_RE.search(document_text(document)), name
