"""The channel contract: the same scripted conversation, typed on every channel, stores the same answers and is
refused the same way.  Telegram runs through the real aiogram Dispatcher (real Update objects, a recording Bot
API session); the terminal through the real Console; the web chat through its real application over HTTP; WeChat
through the real endpoint of the web application (signed XML posted by the fake WeChat platform,
tests/e2e/fake_wechat.py); all over the real service and a real SQLite file.

The script: the eligibility check to its end (a refusal, an edit from the review screen by the number the paper
prints, submit asked twice), then part of the 2022 self-assessment (a typed percentage, a refusal, back, a
multiple choice typed, review, an edit from review, submit refused while items are open)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.methods import SendMessage
from sqlalchemy import select

from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import AnswerRow, InterviewSession
from bot.dialogs.console import Console
from bot.dialogs.telegram import create_dispatcher
from bot.dialogs.telegram.recording import RecordingSession
from bot.i18n import Translator
from bot.interview.errors import AnswerError
from bot.interview.loader import load_forms
from bot.present import error_text
from bot.service.sessions import Interviews
from tests.dialogs.telegram.tg_harness import Person
from tests.webclient import WebPerson, web_server

ZH = Translator("zh")
COMPANY = "杭州契约测试汽配有限公司"

#: (form, what is typed), in order; each line is typed where the interview stands after the one before
SCRIPT: list[tuple[str, list[str]]] = [
    ("hangzhou-eligibility", ["是", COMPANY, "1", "很多", "260", "8000", "3", "否",
                              "修改 4", "300",  # from the review screen: item 4 (employees), then back to review
                              "提交", "提交"]),
    ("miit-2022", ["9", "2", "15%", "3", "1", "1 3", "返回", "1 2", "检查",
                   "修改 2", "4",  # from review: Q2 again, by its number
                   "提交"]),        # refused: most questions are still open
]

#: what every channel must have stored, by form
STORED: dict[str, dict[str, Any]] = {
    "hangzhou-eligibility": {"registered_in_hangzhou": True, "company_name": COMPANY, "industry": "auto_parts",
                             "employees": "300", "revenue_2023": "8000", "central_funding": ["none"],
                             "policy_restriction": False},
    "miit-2022": {"q1": "key", "q2": "b4", "q3": "b3", "q4": "single", "q5": ["rd", "production"]},
}


def refusals_expected(forms: dict[str, Any]) -> list[str]:
    return [error_text(AnswerError("not_an_integer"), ZH),
            error_text(AnswerError("option_out_of_range", max=len(forms["miit-2022"].item("q1").options)), ZH),
            error_text(AnswerError("missing_answers", count=19), ZH)]


@pytest_asyncio.fixture
async def interviews(tmp_path: Path) -> AsyncIterator[Interviews]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    try:
        await upgrade(engine)
        service = Interviews(sessionmaker(engine), load_forms())
        yield service
        await service.close()
    finally:
        await engine.dispose()


async def on_telegram(interviews: Interviews, script: list[tuple[str, list[str]]]) -> list[str]:
    """Each form started from /start's button, each line sent as a message; the refusals shown."""
    bot = Bot("123456:TEST", session=RecordingSession())
    try:
        dp = create_dispatcher(interviews, default_lang="zh", rate=10_000, burst=10_000, staff_ids=[])
        person = Person(dp, bot, 5151, "zh-hans")
        for form_id, lines in script:
            await person.send("/start")
            await person.press(ZH.form(interviews.forms[form_id].title))
            for line in lines:
                await person.send(line)
        sent = [c.text for c in person.session.calls if isinstance(c, SendMessage)]
    finally:
        await bot.session.close()
    return [unescape(m.split("\n", 1)[0][2:]) for m in sent if m.startswith("✗ ")]


async def on_console(interviews: Interviews, script: list[tuple[str, list[str]]]) -> list[str]:
    """Each form run as `python -m bot console --form ID` runs it, the lines read from a pipe; the refusals
    printed."""
    out = io.StringIO()
    for form_id, lines in script:
        typed = iter(lines)
        await Console(interviews, user="contract", lang="zh", out=out).run(form_id, lambda t=typed: next(t, None))
    return [line[2:] for line in out.getvalue().splitlines() if line.startswith("✗ ")]


async def on_web(interviews: Interviews, script: list[tuple[str, list[str]]]) -> list[str]:
    """Each form started from the list of interviews, each line typed in the answer box and sent (the real web
    application over HTTP); the refusals the pages show."""
    refusals: list[str] = []
    async with web_server(interviews) as server:
        person = WebPerson(server)
        try:
            await person.agree()
            for form_id, lines in script:
                await person.start(form_id)
                for line in lines:
                    await person.type(line)
                    refusals += [n.removeprefix("✗").strip().split("\n")[0] for n in person.notes("refusal")]
        finally:
            await person.close()
    return refusals


async def on_wechat(interviews: Interviews, script: list[tuple[str, list[str]]]) -> list[str]:
    """Each form started by typing "开始 N" (its number in the list), each line sent as a WeChat message; the
    refusals the person saw."""
    from tests.dialogs.wechat.wx_harness import wechat

    numbers = {f.id: n for n, f in enumerate((f for f in interviews.forms.values() if f.starts_from is None), 1)}
    async with wechat(interviews) as (wx, _):
        person = wx.user("oCONTRACT")
        for form_id, lines in script:
            await person.say(f"开始 {numbers[form_id]}")
            for line in lines:
                await person.say(line)
        assert not wx.violations
    return [m.split("\n", 1)[0][2:] for m in person.texts() if m.startswith("✗ ")]


CHANNELS = {"telegram": on_telegram, "console": on_console, "web": on_web, "wechat": on_wechat}


async def stored(interviews: Interviews) -> dict[str, dict[str, Any]]:
    """The answers of each form's session, as the database holds them."""
    async with interviews.sessionmaker() as s:
        sessions = {row.id: row.form_id for row in await s.scalars(select(InterviewSession))}
        found: dict[str, dict[str, Any]] = {form_id: {} for form_id in sessions.values()}
        for answer in await s.scalars(select(AnswerRow)):
            found[sessions[answer.session_id]][answer.item_id] = answer.value
    return found


async def submitted(interviews: Interviews, form_id: str) -> bool:
    async with interviews.sessionmaker() as s:
        row = await s.scalar(select(InterviewSession).where(InterviewSession.form_id == form_id))
        return row is not None and row.status == "submitted"


@pytest.mark.parametrize("channel", CHANNELS)
async def test_the_same_conversation_stores_the_same_answers_on_every_channel(interviews: Interviews,
                                                                              channel: str) -> None:
    refusals = await CHANNELS[channel](interviews, SCRIPT)
    assert await stored(interviews) == STORED
    assert refusals == refusals_expected(interviews.forms)
    assert await submitted(interviews, "hangzhou-eligibility")
    assert not await submitted(interviews, "miit-2022")
