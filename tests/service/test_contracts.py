"""Contract sessions started from a filing, on SQLite and PostgreSQL: one session per provider, kept across a
restart (its origin stored with its state); what the first contract said of the enterprise (address, bank) is
offered in the next one; only a submitted filing starts a contract."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO

import pytest
from docx import Document
from sqlalchemy import select

from bot.db import repo
from bot.db.models import AnswerRow, InterviewSession
from bot.i18n import Translator
from bot.interview import engine
from bot.interview.answer import Answer
from bot.interview.typed import HIDDEN
from bot.present import notice_text, review_warnings
from bot.service.contracts import (
    Filing,
    NoSuchFiling,
    NoSuchProvider,
    comparison,
    contract_files,
    load_filing,
    open_contract,
)
from bot.service.file_names import safe_part
from bot.service.sessions import Interviews
from tests.rendering.fixtures import COMPANY_CODE, PROVIDER_CODE, filing_answers
from tests.today import TODAY

OWNER = "tg:31"
ZH, EN = Translator("zh"), Translator("en")
HIDDEN_RE = re.compile(f"[{HIDDEN}]")


def docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)


async def seed_filing(service: Interviews, *, submitted: bool = True) -> int:
    form = service.forms["hangzhou-filing"]
    answers = filing_answers(form)
    async with service.sessionmaker.begin() as s:
        user = await repo.get_or_create_user(s, OWNER)
        row = await repo.create_session(s, user, form.id, form.version,
                                        engine.State(answers=answers, cursor=None, submitted=submitted))
        if submitted:
            row.status, row.submitted_at = "submitted", datetime.now(UTC)
        for item_id, answer in answers.items():
            s.add(AnswerRow(session_id=row.id, item_id=item_id, value=answer.value, extra=answer.extra))
        return row.id


async def answer(service: Interviews, session_id: int, *texts: str) -> None:
    for text in texts:
        step = await service.apply(session_id, engine.Text(text), actor=OWNER)
        assert step.error is None, (text, step.error)


async def test_one_contract_per_provider_kept_across_a_restart(service: Interviews) -> None:
    filing = await load_filing(service.sessionmaker, await seed_filing(service))
    first = await open_contract(service, filing, 0)
    assert not first.resumed and first.state.cursor == "party_a_agreement_no"
    assert first.state.suggestions["party_a_agreement_no"].value == "SZ-2024-031"
    assert first.state.suggestions["party_b_agreement_no"].value == "SZ-2024-031"
    assert first.state.suggestions["party_a_address"].value == "浙江省杭州市滨江区长河街道江南大道1088号"
    assert first.state.suggestions["period_end"].value == "2025-03"
    await service.apply(first.session_id, engine.UseSuggestion(), actor=OWNER)
    await answer(service, first.session_id, "浙江省杭州市滨江区江南大道3850号", "1202 0211 0900 1234 567",
                 "工行高新支行")

    second = await open_contract(service, filing, 1)
    assert second.session_id != first.session_id
    assert second.state.suggestions["party_b_agreement_no"].value == "YQ2024-007"
    # the enterprise's legal address and bank, given in the first contract, are offered (to confirm)
    assert second.state.suggestions["party_a_address"].value == "浙江省杭州市滨江区江南大道3850号"
    assert second.state.suggestions["party_a_bank_account"].value == "1202 0211 0900 1234 567"
    assert second.state.suggestions["party_a_bank"].value == "工行高新支行"
    async with service.sessionmaker() as s:
        profile = await s.run_sync(lambda sync: repo.profile(sync, 1, COMPANY_CODE))
        assert profile is not None and profile.data["bank_name"]["value"] == "工行高新支行"

    service.forget()  # a restart: everything read again from the database
    again = await open_contract(service, filing, 0)
    assert again.session_id == first.session_id and again.resumed
    assert again.state.origin == {"filing": filing.session_id, "provider": 0, "credit_code": COMPANY_CODE,
                                  "values": {"project_start": "2024-04", "project_end": "2025-03"}}
    assert again.state.cursor == "party_b_agreement_no"
    assert again.state.answers["party_a_agreement_no"].value == "SZ-2024-031"
    assert await comparison(service.sessionmaker, again.session_id) is None  # no product list yet

    # staff reopen the filing to correct it: its contracts still render from it, and are still found
    async with service.sessionmaker.begin() as s:
        row = await s.get(InterviewSession, filing.session_id)
        assert row is not None
        row.status = "active"
    files = await contract_files(service.sessionmaker, first.session_id, lang="zh")
    assert [f.name for f in files] == [f"服务合同-杭州数智工业软件有限公司-{first.session_id}.pdf",
                                       f"服务合同-杭州数智工业软件有限公司-{first.session_id}.docx"]
    with pytest.raises(NoSuchFiling):  # but no new contract is drafted from it until it is submitted again
        await load_filing(service.sessionmaker, filing.session_id)
    changed = Filing(filing.session_id, OWNER, {**filing.answers, "credit_code": Answer(PROVIDER_CODE)})
    assert (await open_contract(service, changed, 0)).session_id == first.session_id


async def test_only_a_submitted_filing_and_a_listed_provider(service: Interviews) -> None:
    with pytest.raises(NoSuchFiling):
        await load_filing(service.sessionmaker, await seed_filing(service, submitted=False))
    filing = await load_filing(service.sessionmaker, await seed_filing(service))
    with pytest.raises(NoSuchProvider):
        await open_contract(service, filing, 2)


async def test_a_period_outside_the_filings_is_warned_and_a_corrected_filing_is_read_again(
    service: Interviews,
) -> None:
    """The contract's 项目实施时间 against the filing's 项目实施期限 (2024-04 … 2025-03): a period running past it is
    a warning when given and on the review, as other cross-field checks; the filing's period is the one it has
    when the contract is opened (corrected since: read again)."""
    filing_id = await seed_filing(service)
    filing = await load_filing(service.sessionmaker, filing_id)
    opened = await open_contract(service, filing, 0)
    form = opened.form
    assert opened.state.origin["values"] == {"project_start": "2024-04", "project_end": "2025-03"}
    at = replace(opened.state, cursor="period_start")
    late = engine.apply(form, engine.apply(form, at, engine.Text("2024-05"), TODAY).state, engine.Text("2025-04"),
                        TODAY)
    assert late.error is None and late.state.answers["period_end"] == Answer("2025-04")  # kept: a warning
    told = [notice_text(w, ZH) for w in late.warnings]
    assert len(told) == 1 and "2024-05 至 2025-04" in told[0] and "2024-04 至 2025-03" in told[0], told
    assert told[0] in review_warnings(form, replace(late.state, cursor=None), ZH)
    assert "2024-05 to 2025-04" in notice_text(late.warnings[0], EN)
    within = engine.apply(form, engine.apply(form, at, engine.Text("2024-04"), TODAY).state, engine.Text("2025-03"),
                          TODAY)
    assert within.error is None and within.warnings == ()

    # the filing corrected (its period now runs to 2025-06): the contract reads it when opened again
    async with service.sessionmaker.begin() as s:
        row = await s.scalar(select(AnswerRow).where(AnswerRow.session_id == filing_id,
                                                     AnswerRow.item_id == "project_end"))
        assert row is not None
        row.value = "2025-06"
    service.forget()
    again = await open_contract(service, await load_filing(service.sessionmaker, filing_id), 0)
    assert again.resumed and again.state.origin["values"]["project_end"] == "2025-06"
    service.forget()
    stored = await service.current(OWNER)
    assert stored is not None and stored.state.origin["values"]["project_end"] == "2025-06"


async def test_a_contracts_file_name_keeps_only_safe_characters(service: Interviews) -> None:
    """A provider's name stored before the input boundary existed (or imported) with a right-to-left override:
    the contract's file names cannot show another extension, and its documents carry no bidi control
    (issue 22: 服务合同-\\u202excod.exe-2.docx showed as an .exe)."""
    filing_id = await seed_filing(service)
    async with service.sessionmaker.begin() as s:
        row = await s.scalar(select(AnswerRow).where(AnswerRow.session_id == filing_id,
                                                    AnswerRow.item_id == "providers"))
        assert row is not None
        row.value = [{**row.value[0], "name": "\u202excod.exe"}, *row.value[1:]]
    filing = await load_filing(service.sessionmaker, filing_id)
    opened = await open_contract(service, filing, 0)
    files = await contract_files(service.sessionmaker, opened.session_id, lang="zh")
    assert [f.name for f in files] == [f"服务合同-xcod exe-{opened.session_id}.pdf",
                                       f"服务合同-xcod exe-{opened.session_id}.docx"]
    assert all(f.name.count(".") == 1 for f in files)
    word = docx_text(files[1].content)
    assert "xcod.exe" in word and not HIDDEN_RE.search(word)


@pytest.mark.parametrize("name", ["\u202excod.exe", "a/b\\\\c:d*e?f\"g<h>i|j", "אבג.exe", "\u2066x\u2069.pdf",
                                  "ＡＢＣ．ｅｘｅ", "..", "\u0000\u200f"])
def test_file_name_parts_are_made_of_safe_characters(name: str) -> None:
    part = safe_part(name)
    assert all((ch.isascii() and (ch.isalnum() or ch in " -_()")) or unicodedata.bidirectional(ch) == "L"
               for ch in part), part
    assert "." not in part and "/" not in part and not HIDDEN_RE.search(part)
