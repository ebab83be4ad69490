"""Confirming updates, in process: the real Dispatcher and database, the real webhook endpoint and polling loop of
bot/dialogs/telegram/app.py, the fake Bot API; the database made unavailable by making every statement fail as a lost
connection does (an SQLAlchemy OperationalError from the driver layer)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.methods import GetMe
from aiogram.types import Update
from aiohttp import web
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, ProgrammingError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from fake_bot_api import FakeBotAPI

from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import AnswerRow
from bot.dialogs.telegram.app import Poller, webhook_handler
from bot.dialogs.telegram.dispatcher import create_dispatcher
from bot.dialogs.telegram.failures import MAX_LONELY_FAILURES, Attempts, transient
from bot.dialogs.telegram.middlewares import ExpiredCallbacks
from bot.i18n import Translator
from bot.interview.loader import load_forms
from bot.service.sessions import Interviews

pytestmark = pytest.mark.faults
REPO = Path(__file__).resolve().parents[2]
CHOOSE = Translator("zh").ui("Choose an interview:")


class Outage:
    """While `down`, every statement on the given engines fails as on a lost connection."""

    def __init__(self, *engines: Engine | None) -> None:
        self.down = False
        for engine in engines:
            if engine is not None:
                event.listen(engine, "before_cursor_execute", self._statement)

    def _statement(self, *_: Any, **__: Any) -> None:
        if self.down:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("the database is unavailable"))


class World:
    def __init__(self, api: FakeBotAPI, bot: Bot, dp: Dispatcher, interviews: Interviews, outage: Outage) -> None:
        self.api, self.bot, self.dp, self.interviews, self.outage = api, bot, dp, interviews, outage


@pytest_asyncio.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    await upgrade(engine)
    interviews = Interviews(sessionmaker(engine), load_forms())
    outage = Outage(engine.sync_engine, interviews.writer.sync_engine)
    dp = create_dispatcher(interviews, default_lang="zh", rate=10_000, burst=10_000)
    async with FakeBotAPI() as api:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
        session.middleware(ExpiredCallbacks())
        bot = Bot(api.token, session=session)
        try:
            yield World(api, bot, dp, interviews, outage)
        finally:
            await interviews.close()
            await bot.session.close()
            await engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_answers_only_after_handling_and_503_while_the_database_is_down(world: World) -> None:
    app = web.Application()
    app.router.add_post("/hook", webhook_handler(world.dp, world.bot, "s3cret"))
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    person = world.api.user(7001, "王五", language_code="zh-hans")
    update = {"update_id": 9001, "message": {
        "message_id": 1, "date": 1_700_000_000, "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        "chat": {"id": 7001, "type": "private", "first_name": "王五"},
        "from": {"id": 7001, "is_bot": False, "first_name": "王五", "language_code": "zh-hans"}}}
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
    try:
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/hook"
            async with http.post(url, json={"no": "update id"}, headers=headers) as resp:
                assert resp.status == 400
            world.outage.down = True
            async with http.post(url, json=update, headers=headers) as resp:
                assert resp.status == 503  # Telegram will deliver it again
            assert person.messages == []
            assert not await _was_handled(world, 9001)
            world.outage.down = False
            async with http.post(url, json=update, headers=headers) as resp:
                assert resp.status == 200
                # the reply was sent before the 200: handling finished first
                assert len(person.messages) == 1 and CHOOSE in (person.messages[0]["text"] or "")
            async with http.post(url, json=update, headers=headers) as resp:  # delivered once more
                assert resp.status == 200
            assert len(person.messages) == 2 and CHOOSE not in (person.messages[1]["text"] or "")
    finally:
        await runner.cleanup()


async def _was_handled(world: World, update_id: int) -> bool:
    down, world.outage.down = world.outage.down, False
    try:
        return await world.interviews.was_handled(update_id)
    finally:
        world.outage.down = down


async def test_polling_confirms_an_update_only_once_it_and_every_earlier_one_are_done(world: World) -> None:
    person = world.api.user(7002, "赵六", language_code="zh-hans")
    stop = asyncio.Event()
    poller = Poller(world.dp, world.bot)
    polling = asyncio.create_task(poller.run(stop))
    try:
        await person.send("/start")
        await person.wait_message(contains=CHOOSE, timeout=15)
        await person.press(Translator("zh").form(load_forms()["miit-2022"].title))
        await person.wait_message(contains="进度 0/", timeout=15)
        await world.api.wait_polling(timeout=15)  # idle again: the press is handled and confirmed
        world.outage.down = True
        first = await person.send("2")
        second = await person.send("3")
        await asyncio.sleep(1.5)  # both were taken and failed, and taken again
        state = world.api.state()
        # neither is confirmed: both are still offered by getUpdates
        assert {first, second} <= {u["update_id"] for u in state.pending}
        world.outage.down = False
        saved = await person.wait_message(contains="已保存", timeout=15)
        assert "关键业务环节" in (saved["text"] or "")
        # "3" was typed before the second question was shown: handled, and not taken as its answer
        held = await person.wait_message(contains="“3”未保存", timeout=15)
        assert "已保存：第 1 题" in (held["text"] or "")
        await asyncio.sleep(0.3)
        assert not {first, second} & {u["update_id"] for u in state.pending}  # confirmed now
        async with world.interviews.sessionmaker() as s:
            assert await s.scalar(select(func.count()).select_from(AnswerRow)) == 1
    finally:
        stop.set()
        await asyncio.wait_for(polling, 30)


async def test_an_expired_button_answer_does_not_stop_the_handler(world: World) -> None:
    person = world.api.user(7003, "钱七", language_code="zh-hans")
    stop = asyncio.Event()
    polling = asyncio.create_task(Poller(world.dp, world.bot).run(stop))
    try:
        await person.send("/start")
        await person.wait_message(contains=CHOOSE, timeout=15)
        world.api.fail_next("answerCallbackQuery", status=400,
                            description="Bad Request: query is too old and response timeout expired or query ID "
                                        "is invalid")
        await person.press(Translator("zh").form(load_forms()["miit-2022"].title))
        await person.wait_message(contains="进度 0/", timeout=15)  # the handler went on to the first question
    finally:
        stop.set()
        await asyncio.wait_for(polling, 30)


def test_a_read_only_database_is_named_as_such(tmp_path: Path) -> None:
    made = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade", "--database-url",
                           f"sqlite:///{tmp_path / 'bot.sqlite3'}"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert made.returncode == 0, made.stderr
    read_only = f"sqlite:///file:{tmp_path / 'bot.sqlite3'}?mode=ro&uri=true"
    done = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade", "--database-url", read_only],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2
    assert "the database cannot be written" in done.stderr and "Traceback" not in done.stderr


async def test_retries_after_failed_attempts_are_not_counted_as_typing_fast(world: World) -> None:
    """Telegram retries an update that failed (an outage) and re-delivers others: neither is the person sending
    quickly, so neither may empty the rate limit's bucket and get a real message dropped."""
    dp = create_dispatcher(world.interviews, default_lang="zh", rate=0.001, burst=2)
    receive = webhook_handler(dp, world.bot, "s3cret")
    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    person = world.api.user(7004, "孙八", language_code="zh-hans")

    def start(update_id: int) -> dict[str, Any]:
        return {"update_id": update_id, "message": {
            "message_id": update_id, "date": 1_700_000_000, "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "chat": {"id": 7004, "type": "private", "first_name": "孙八"},
            "from": {"id": 7004, "is_bot": False, "first_name": "孙八", "language_code": "zh-hans"}}}

    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
    try:
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/hook"
            world.outage.down = True
            for _ in range(4):  # four failed attempts
                async with http.post(url, json=start(9101), headers=headers) as resp:
                    assert resp.status == 503
            world.outage.down = False
            async with http.post(url, json=start(9101), headers=headers) as resp:
                assert resp.status == 200
            for _ in range(3):  # delivered again three times
                async with http.post(url, json=start(9101), headers=headers) as resp:
                    assert resp.status == 200
            async with http.post(url, json=start(9102), headers=headers) as resp:  # the person's second message
                assert resp.status == 200
        texts = [m["text"] or "" for m in person.messages]
        assert CHOOSE in texts[0] and CHOOSE in texts[-1]
        too_fast = Translator("zh").ui("You are sending messages very quickly. Please wait a moment, then continue.")
        assert not any(too_fast in t for t in texts), texts
    finally:
        await runner.cleanup()


class Boom:
    """An outer middleware that fails every update whose text is "boom", as a bug or a refused value would (a
    DataError from the database: not an outage)."""

    async def __call__(self, handler: Any, event: Any, data: dict[str, Any]) -> Any:
        if isinstance(event, Update) and event.message is not None and event.message.text == "boom":
            raise DataError("SELECT 1", {}, ValueError("value out of int32 range"))
        return await handler(event, data)


async def test_an_update_failing_for_any_other_reason_is_answered_and_given_up(world: World) -> None:
    """Issue 22: only an outage is worth trying again.  An update that fails otherwise is answered with one line in
    the person's language and confirmed at once; nobody else waits for it (it used to be taken again five times,
    a second apart, holding polling back for everyone, and then dropped without a word)."""
    world.dp.update.outer_middleware(Boom())
    zh = world.api.user(7010, "王五", language_code="zh-hans")
    en = world.api.user(7011, "Ann", language_code="en")
    other = world.api.user(7012, "赵六", language_code="zh-hans")
    stop = asyncio.Event()
    polling = asyncio.create_task(Poller(world.dp, world.bot).run(stop))
    try:
        failing = [await zh.send("boom"), await en.send("boom")]
        await other.send("/start")
        await other.wait_message(contains=CHOOSE, timeout=15)
        excuse = "Sorry, that could not be handled. Send /resume to see where you are."
        assert (await zh.wait_message(timeout=15))["text"] == Translator("zh").ui(excuse)
        assert (await en.wait_message(timeout=15))["text"] == excuse
        await world.api.wait_polling(timeout=15)
        assert not set(failing) & {u["update_id"] for u in world.api.state().pending}  # confirmed, never again
        await zh.assert_no_message(timeout=1.5)  # and not taken again
    finally:
        stop.set()
        await asyncio.wait_for(polling, 30)


def test_only_an_outage_is_transient() -> None:
    assert transient(OperationalError("SELECT 1", {}, ConnectionRefusedError("refused")))
    assert transient(ConnectionResetError("reset by peer")) and transient(TimeoutError())
    assert transient(TelegramNetworkError(method=GetMe(), message="unreachable"))
    assert transient(TelegramRetryAfter(method=GetMe(), message="flood", retry_after=3))
    for failure in (DataError("SELECT 1", {}, ValueError("out of range")), OverflowError("int too large"),
                    IntegrityError("INSERT", {}, ValueError("duplicate key")),
                    ProgrammingError("SELECT", {}, ValueError("syntax")), ValueError("a bug"),
                    TelegramBadRequest(method=GetMe(), message="Bad Request: chat not found"),
                    TelegramForbiddenError(method=GetMe(), message="Forbidden: bot was blocked by the user"),
                    FileNotFoundError("template")):
        assert not transient(failure), failure


def test_an_outage_only_one_update_meets_is_given_up() -> None:
    """A "connection" failure that one update meets again and again while the others are handled is no outage."""
    attempts, lost = Attempts(), ConnectionResetError("reset")
    assert all(attempts.failed(1, lost) for _ in range(MAX_LONELY_FAILURES))  # nobody else served: an outage
    for n in range(2, 2 + MAX_LONELY_FAILURES):
        attempts.done(n)
    assert not attempts.failed(1, lost)
    assert attempts.failed(99, lost)  # another update's first failure is still taken again
