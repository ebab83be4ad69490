"""Hostile messages over HTTP: `python -m bot run` against the fake Bot API (which refuses what Telegram would).

One person sends the messages of issue 11 one after another and must get a reply to every one within the step
bound; meanwhile another person goes through the eligibility check to the end and gets the PDF; a group chat
gets one line.  No request of the bot may be one Telegram refuses (too long, broken HTML)."""

from __future__ import annotations

import asyncio
import html
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bot_process import STEP_TIMEOUT, BotProcess, Person, api, pdf_text, visible
from fake_bot_api import FakeBotAPI
from test_forms_e2e import FORMS, TR, answer_eligibility_item, item_on, start_form, submit

pytestmark = pytest.mark.slow
__all__ = ["api"]  # the fake Bot API fixture

HOSTILE = [
    "²", "1 ²", "٣", "1" + " " * 4094 + "1", "😀" * 2048, "a" * 4096, "9" * 4000, "杭州\x01测试", "\x00",
    "<b>粗体", "</code><a href='x'>", "&amp;&lt;", "'; DROP TABLE users; --", "\u202e12\u200b", "2024.5.32",
    "/take ²", "/reopen ② reason", "/take 12345678901234567890", "/audit 99999999999999999999",
    "/report 12345678901234567890", "/find " + "A" * 17, "/code", "/start NOTAVALIDCODE1234", "/nosuchcommand",
    "①",  # at last a real answer: option 1 of Q1
]


async def hostile_run(person: Person) -> list[str]:
    """Every message gets its own reply before the next one is sent; returns the replies."""
    await start_form(person, FORMS["miit-2022"])
    replies = []
    for text in HOSTILE:
        seen = len(person.user.messages)
        await person.send(text)
        reply = await person.user.wait_message(timeout=STEP_TIMEOUT, edited=False,
                                               predicate=lambda e, n=seen: person.user.messages.index(e) >= n)
        replies.append(visible(reply))
    return replies


async def eligibility_run(person: Person) -> bytes:
    form = FORMS["hangzhou-eligibility"]
    entry = await start_form(person, form)
    while (item := item_on(form, entry)) is not None:
        await answer_eligibility_item(person, entry, item)
        entry = await person.next_screen()
    await submit(person, entry)
    [report] = await person.documents(1)
    content: bytes = report["content"]
    return content


async def test_every_hostile_message_is_answered_while_others_are_served(api: FakeBotAPI, tmp_path: Path) -> None:
    hostile = Person(api.user(7001, "王五", language_code="zh-hans"))
    other = Person(api.user(7002, "赵六", language_code="zh-hans"))
    group = api.user(7003, "同事群", language_code="zh-hans")
    group.chat_type = "supergroup"
    async with BotProcess(api, tmp_path) as bot:
        await bot.start()
        replies, pdf = await asyncio.gather(hostile_run(hostile), eligibility_run(other))
        assert len(replies) == len(HOSTILE)
        assert "✗" in replies[0] and "✓" in replies[-1]  # ² refused with a reason, ① taken as option 1
        assert "杭州热威汽车零部件有限公司" in pdf_text(pdf)
        await group.send("/code")
        line = await group.wait_message(timeout=STEP_TIMEOUT)
        assert html.unescape(line["text"]) == TR.ui("I work in private chats only: open a chat with me to fill in "
                                                    "a questionnaire.")
        assert "<code>" not in line["text"]
        assert not api.errors, api.errors  # nothing Telegram would refuse
        assert await bot.stop() == 0, bot.output()
        assert "Traceback" not in bot.output(), bot.output()
