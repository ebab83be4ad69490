"""Service contracts in the chat, through the real Dispatcher: offered per provider after a filing, drafted on a
button, the total compared with the filing before the Word and PDF contract arrive; staff draft one for a person
with /contract SESSION PROVIDER; nobody else's filing can be drafted from."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from aiogram.methods import SendDocument
from conftest import STAFF_ID, World
from docx import Document
from tg_harness import buttons, sent

from bot.db import repo
from bot.db.models import AnswerRow
from bot.i18n import Translator
from bot.interview import engine
from bot.interview.errors import AnswerError
from bot.present import error_text

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.rendering.fixtures import filing_answers

TR = Translator("zh")
PROVIDERS = ("杭州数智工业软件有限公司", "杭州云启信息技术有限公司")


async def submitted_filing(world: World, user_id: int) -> int:
    """A submitted filing (the fixed answers, two providers) of the person, stored as the service stores one."""
    form = world.interviews.forms["hangzhou-filing"]
    answers = filing_answers(form)
    async with world.db.begin() as s:
        user = await repo.get_or_create_user(s, f"tg:{user_id}")
        state = engine.State(answers=answers, cursor=None, submitted=True)
        row = await repo.create_session(s, user, form.id, form.version, state)
        row.status, row.submitted_at = "submitted", datetime.now(UTC)
        for item_id, answer in answers.items():
            s.add(AnswerRow(session_id=row.id, item_id=item_id, value=answer.value, extra=answer.extra))
        return row.id


def docx_text(content: bytes) -> str:
    doc = Document(BytesIO(content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


ANSWERS = {
    "party_a_address": "浙江省杭州市滨江区长河街道江南大道1088号",
    "party_a_bank_account": "1202021109001234567",
    "party_a_bank": "中国工商银行杭州高新支行",
    "party_b_address": "浙江省杭州市西湖区文三路90号",
    "party_b_bank_account": "571908123410001",
    "party_b_bank": "招商银行杭州分行",
    "design_days": "20",
    "payment_first": "40",
    "payment_second": "60",
    "damages_percent": "5",
}


async def test_a_filing_offers_each_provider_and_a_contract_is_drafted(world: World) -> None:
    person = world.person(user_id=501)
    filing_id = await submitted_filing(world, 501)
    [offer] = sent(await person.send("/contract"))
    assert [t for t, _ in buttons(offer)] == [TR.ui("Draft the contract: {provider}", provider=p) for p in PROVIDERS]

    [screen] = sent(await person.press(TR.ui("Draft the contract: {provider}", provider=PROVIDERS[1])))
    assert TR.ui("Service contract with {provider}.", provider=PROVIDERS[1]) in screen.text
    assert "甲方协议号" in screen.text and "YQ2024-007" in screen.text  # the filing's 合同编号, offered
    await person.press(TR.ui("Use this"))
    assert sent(await person.send(ANSWERS["party_a_address"]))
    # a bank account with letters is refused, with what was typed
    refused = sent(await person.send("6222abc"))[0].text
    assert "银行账号只能包含数字" in refused and "6222abc" in refused

    who = "tg:501"
    opened = await world.interviews.current(who)
    assert opened is not None and opened.form.id == "hangzhou-contract"
    for item_id in ("party_a_bank_account", "party_a_bank", "skip", "party_b_address", "party_b_bank_account",
                    "party_b_bank"):
        event = engine.Skip() if item_id == "skip" else engine.Text(ANSWERS[item_id])  # 乙方协议号 is optional
        step = await world.interviews.apply(opened.session_id, event, actor=who)
        assert step.error is None, item_id
    for text in ("工业互联网平台订阅", "YQ-CLOUD", PROVIDERS[1], "12个月", "20030000", "1"):
        step = await world.interviews.apply(opened.session_id, engine.Text(text), actor=who)
        assert step.error is None, text
    await world.interviews.apply(opened.session_id, engine.Done(), actor=who)
    await world.interviews.apply(opened.session_id, engine.UseSuggestion(), actor=who)  # period from the filing
    await world.interviews.apply(opened.session_id, engine.UseSuggestion(), actor=who)
    for item_id in ("design_days", "payment_first"):
        await world.interviews.apply(opened.session_id, engine.Text(ANSWERS[item_id]), actor=who)
    step = await world.interviews.apply(opened.session_id, engine.Text("50"), actor=who)
    assert step.error is not None and "两期付款比例相加须等于100%" in str(step.error.params.get("template"))
    for item_id in ("payment_second", "damages_percent"):
        step = await world.interviews.apply(opened.session_id, engine.Text(ANSWERS[item_id]), actor=who)
        assert step.error is None
    await person.send("/resume")
    await person.press(TR.ui("Submit"))  # asks once more
    calls = await person.press(TR.ui("Yes, submit"))
    texts = [m.text for m in sent(calls)]
    comparison = next(i for i, t in enumerate(texts) if "20,030,000.00" in t)
    assert "8,600,000.00" in texts[comparison] and "860" in texts[comparison]
    documents = [c for c in calls if isinstance(c, SendDocument)]
    assert [d.document.filename for d in documents] == [
        f"服务合同-{PROVIDERS[1]}-{opened.session_id}.pdf", f"服务合同-{PROVIDERS[1]}-{opened.session_id}.docx"]
    first_document = calls.index(documents[0])
    assert calls.index(sent(calls)[comparison]) < first_document  # told before the contract is produced
    assert documents[0].document.data.startswith(b"%PDF")
    word = docx_text(documents[1].document.data)
    for value in (PROVIDERS[1], "人民币贰仟零叁万元整", "20,030,000.00", "¥8,012,000.00", "40%", "20", "5%",
                  "2024 年 4 月至 2025 年 3 月", "协议号：________"):
        assert value in word, value

    # the same button again: the contract is not drafted twice, its files come again
    again = await person.press_data(f"ct:{filing_id}:1")
    assert TR.ui("This contract was already drafted; here are its files again.") in sent(again)[0].text
    assert len([c for c in again if isinstance(c, SendDocument)]) == 2


def _said(calls: list[Any]) -> list[tuple[str, str | None]]:
    """What the person was shown: each call's kind and text (ids and keyboards aside)."""
    return [(type(c).__name__, getattr(c, "text", None)) for c in calls]


async def test_someone_elses_filing_cannot_be_drafted(world: World) -> None:
    """A forged button for someone else's submitted filing is answered exactly as one for a filing that does not
    exist (issue 22: it said "moved to another account", so a stranger could tell which numbers are filings)."""
    filing_id = await submitted_filing(world, 601)
    stranger = world.person(user_id=602)
    calls = await stranger.press_data(f"ct:{filing_id}:0")
    assert error_text(AnswerError("not_your_session"), TR) not in [getattr(c, "text", None) for c in calls]
    assert _said(calls) == _said(await stranger.press_data(f"ct:{filing_id + 1000}:0"))
    assert _said(calls) == _said(await stranger.press_data(f"ct:{filing_id}:7"))  # no such provider either
    assert await world.interviews.current("tg:602") is None  # nothing was opened for anyone
    [told] = sent(await stranger.send("/contract"))
    assert "hangzhou-filing" in told.text  # no filing of their own: finish one first
    [refused] = sent(await stranger.send(f"/contract {filing_id} 1"))
    assert refused.text == TR.ui("This command is for helpdesk staff only.")


async def test_staff_draft_a_contract_for_a_person(world: World) -> None:
    filing_id = await submitted_filing(world, 701)
    staff = world.person(user_id=STAFF_ID)
    [usage] = sent(await staff.send(f"/contract {filing_id}"))
    assert "1. " + PROVIDERS[0] in usage.text and "2. " + PROVIDERS[1] in usage.text
    calls = await staff.send(f"/contract {filing_id} 1")
    held = sent(calls)[-1].text
    assert "甲方协议号" in held and "SZ-2024-031" in held
    opened = await world.interviews.current(f"tg:{STAFF_ID}")
    assert opened is not None and opened.form.id == "hangzhou-contract"
    assert await world.interviews.holder(opened.session_id) == ("tg:701", f"tg:{STAFF_ID}")
    assert opened.state.origin["filing"] == filing_id and opened.state.origin["provider"] == 0
