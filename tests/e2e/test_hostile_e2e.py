"""Hostile messages over HTTP: `python -m bot run` against the fake Bot API (which refuses what Telegram would).

One person sends the messages of issue 11 one after another and must get a reply to every one within the step
bound; meanwhile another person goes through the eligibility check to the end and gets the PDF; a group chat
gets one line.  No request of the bot may be one Telegram refuses (too long, broken HTML).

Issue 22: forged buttons carrying numbers past every database integer, on SQLite and on PostgreSQL, are answered
while everyone else keeps getting replies within a second; an update the installed aiogram cannot decode is
skipped and polling goes on."""

from __future__ import annotations

import asyncio
import html
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bot_process import BACKENDS, STEP_TIMEOUT, BotProcess, Person, api, database, pdf_text, visible
from fake_bot_api import FakeBotAPI, FakeUser
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


HUGE = "99999999999999999999"
#: forged buttons of every kind the bot makes, each with a number past every database integer (or below zero)
FORGED = [f"ct:{HUGE}:0", f"ct:1:{HUGE}", "ct:-1:0", f"k:t:{HUGE}", f"i:{HUGE}:0:p:0", f"i:1:0:p:{HUGE}",
          f"g:{HUGE}:0:-1:a", f"r:1:e:{HUGE}", f"f:{HUGE}", f"x:{HUGE}:1", f"ct:{HUGE}:0"]
#: how soon everyone else must get their reply, while the forged buttons are pressed
PROMPT = 1.0


async def keep_chatting(user: FakeUser, stop: asyncio.Event, latencies: list[float]) -> None:
    """Send /start every ~0.15 s until `stop`; each reply's delay goes into `latencies` (a missing one fails)."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        seen = len(user.messages)
        sent_at = loop.time()
        await user.send("/start")
        await user.wait_message(timeout=STEP_TIMEOUT, edited=False,
                                predicate=lambda e, n=seen: user.messages.index(e) >= n)
        latencies.append(loop.time() - sent_at)
        await asyncio.sleep(0.15)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_forged_out_of_range_buttons_stop_nobody(api: FakeBotAPI, tmp_path: Path, backend: str) -> None:
    """Issue 22: `ct:99999999999999999999:0` reached the database (PostgreSQL: a DataError taken for an outage and
    retried every second forever, the polling offset pinned behind it; SQLite: OverflowError, five tracebacks,
    no answer).  Every forged button is answered, and four other people get every reply within a second."""
    presser = api.user(7101, "钱七", language_code="zh-hans")
    others = [api.user(7110 + n, f"路人{n}", language_code="zh-hans") for n in range(4)]
    async with database(backend, tmp_path) as url, BotProcess(api, tmp_path, url) as bot:
        await bot.start()
        await presser.send("/start")
        await presser.wait_message(timeout=STEP_TIMEOUT)  # the list of interviews, on buttons
        stop, latencies = asyncio.Event(), []
        chatting = [asyncio.create_task(keep_chatting(u, stop, latencies)) for u in others]
        try:
            await asyncio.sleep(0.5)
            answers = []
            for data in FORGED:
                await presser.press_data(data)
                answers.append(await presser.wait_callback_answer(timeout=STEP_TIMEOUT))
                await asyncio.sleep(0.1)
            await asyncio.sleep(2.5)  # long enough for retries (every second) to show, were there any
        finally:
            stop.set()
            await asyncio.gather(*chatting)
        assert len(answers) == len(FORGED) and all(a["text"] for a in answers)
        assert len(latencies) >= 4 * 10 and max(latencies) < PROMPT, sorted(latencies)[-5:]
        await presser.send("/start")  # the presser's own chat goes on
        await presser.wait_message(timeout=STEP_TIMEOUT, contains=TR.ui("Choose an interview:"))
        assert not api.errors, api.errors
        assert await bot.stop() == 0, bot.output()
        assert "Traceback" not in bot.output(), bot.output()


async def test_an_update_aiogram_cannot_decode_is_skipped(api: FakeBotAPI, tmp_path: Path) -> None:
    """Issue 22: one update lacking fields the installed aiogram requires made every getUpdates fail to parse, and
    nobody's update was handled again.  It is logged, confirmed and skipped; the updates after it are served."""
    first, second = api.user(7201, "孙八", language_code="zh-hans"), api.user(7202, "周九", language_code="en")
    async with BotProcess(api, tmp_path) as bot:
        await bot.start()
        broken = [api.queue_update({"message": {"message_id": 1, "text": "no date, no chat, no sender"}}),
                  api.queue_update({"callback_query": {"id": "7", "data": "i:1:0:p:0"}})]
        await first.send("/start")
        await second.send("/start")
        await first.wait_message(timeout=STEP_TIMEOUT, contains=TR.ui("Choose an interview:"))
        await second.wait_message(timeout=STEP_TIMEOUT, contains="Choose an interview:")
        await api.wait_polling(timeout=STEP_TIMEOUT)  # idle again, everything so far confirmed
        assert not {u["update_id"] for u in api.state().pending} & set(broken)
        await first.send("/help")  # and polling goes on
        await first.wait_message(timeout=STEP_TIMEOUT)
        assert await bot.stop() == 0, bot.output()
        output = bot.output()
        assert all(f"update {n} cannot be decoded" in output for n in broken), output
        assert "Traceback" not in output, output
