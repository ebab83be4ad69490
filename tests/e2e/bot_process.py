"""Running `python -m bot run` against the fake Bot API, and a person who answers as soon as the reply arrives:
shared by the end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
import html
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio
from fake_bot_api import FakeBotAPI, FakeUser

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0
STEP_TIMEOUT = 15.0
#: report files render in threads; a long PDF takes a few seconds
REPORT_TIMEOUT = 60.0
#: the bot started here allows this many updates a second per chat (TELEGRAM_RATE_PER_CHAT; 5 in service, where a
#: person is slower than that): the tests answer as soon as the reply arrives.  The limit itself is tested with
#: the real figure in test_bot_e2e.py.
RATE_PER_CHAT = 1000.0
MIN_GAP = 1.0 / RATE_PER_CHAT


class BotProcess:
    """`python -m bot run` in a subprocess; its output goes to a log file shown when a test fails."""

    def __init__(self, api: FakeBotAPI, workdir: Path, database_url: str | None = None, *,
                 rate_per_chat: float = RATE_PER_CHAT, burst_per_chat: float = RATE_PER_CHAT) -> None:
        self.api = api
        self.rate_per_chat, self.burst_per_chat = rate_per_chat, burst_per_chat
        self.workdir = workdir
        #: a SQLite file in `workdir` unless given (a PostgreSQL database of `postgres_database`)
        self.database_url = database_url or f"sqlite+aiosqlite:///{workdir / 'bot.sqlite3'}"
        self.log = workdir / "bot.log"
        self.proc: asyncio.subprocess.Process | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k.upper() not in ("WEBHOOK_URL", "WEBHOOK_SECRET", "STAFF_IDS", "BOT_TOKEN", "DATABASE_URL")}
        env.update(BOT_TOKEN=self.api.token, TELEGRAM_API_URL=self.api.base_url, DEFAULT_LANG="zh",
                   DATABASE_URL=self.database_url,
                   PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1", WEB_PORT="0",  # Telegram only: no web chat
                   TELEGRAM_RATE_PER_CHAT=str(self.rate_per_chat), TELEGRAM_BURST_PER_CHAT=str(self.burst_per_chat))
        return env

    async def start(self) -> None:
        """Start the process and wait until it long-polls (it deletes any webhook right before)."""
        before = {id(p) for p in self.api.calls_of("deleteWebhook")}
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=self.workdir, env=self.env(),
                stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=asyncio.subprocess.STDOUT)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while True:
            assert self.proc.returncode is None, f"the bot exited early:\n{self.output()}"
            try:
                await self.api.wait_call("deleteWebhook", timeout=1.0, predicate=lambda p: id(p) not in before)
                break
            except AssertionError:
                if loop.time() > deadline:
                    raise AssertionError(f"the bot did not start:\n{self.output()}") from None
        await self.api.wait_polling(timeout=STEP_TIMEOUT)

    async def stop(self) -> int:
        """SIGTERM, and wait for a clean exit."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), 30)

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-6000:] if self.log.exists() else ""

    async def __aenter__(self) -> BotProcess:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """A failing test shows the end of the bot's log; the process never outlives the test."""
        if kind is not None:
            print(self.output())
        await self.kill()


#: the databases an end-to-end test may run on: SQLite always, PostgreSQL when TEST_DATABASE_URL names a server
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@contextlib.asynccontextmanager
async def database(backend: str, workdir: Path) -> AsyncIterator[str | None]:
    """The DATABASE_URL of a test's bot: None (BotProcess's SQLite file), or a PostgreSQL database of its own on
    the server of TEST_DATABASE_URL, dropped afterwards."""
    if backend == "sqlite":
        yield None
        return
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from bot.db.engine import create_engine

    admin_url = os.environ["TEST_DATABASE_URL"]
    name = f"e2e_{uuid.uuid4().hex[:12]}"

    async def admin(*statements: str) -> None:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                for statement in statements:
                    await conn.execute(text(statement))
        finally:
            await engine.dispose()

    await admin(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
                    f'DROP DATABASE IF EXISTS "{name}"')


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


class Person:
    """Reads the bot's messages and answers like a person would, never faster than MIN_GAP apart."""

    def __init__(self, user: FakeUser) -> None:
        self.user = user
        self.last_action = 0.0

    async def _pace(self) -> None:
        loop = asyncio.get_running_loop()
        wait = self.last_action + MIN_GAP - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self.last_action = loop.time()

    async def send(self, text: str) -> None:
        await self._pace()
        await self.user.send(text)

    async def send_document(self, content: bytes, filename: str, caption: str | None = None) -> None:
        await self._pace()
        await self.user.send_document(content, filename, caption=caption)

    async def press(self, label: str) -> None:
        await self._pace()
        await self.user.press(label)

    async def next_screen(self, contains: str | None = None) -> dict[str, Any]:
        """The next message the bot sends (not an edit) that has buttons."""
        return await self.user.wait_message(contains=contains, timeout=STEP_TIMEOUT, edited=False,
                                            predicate=lambda e: bool(e["reply_markup"]))

    async def documents(self, count: int) -> list[dict[str, Any]]:
        """Wait until the bot has sent `count` documents in this chat."""
        def check() -> list[dict[str, Any]] | None:
            return self.user.documents[:count] if len(self.user.documents) >= count else None

        found = await self.user.api._wait_for(check, REPORT_TIMEOUT)
        assert found is not None, f"{len(self.user.documents)} of {count} documents arrived; {self.user.api.errors}"
        return found


def labels(entry: dict[str, Any]) -> list[str]:
    rows = (entry.get("reply_markup") or {}).get("inline_keyboard") or []
    return [b["text"] for row in rows for b in row]


def visible(entry: dict[str, Any]) -> str:
    return html.unescape(entry.get("text") or "")


def pdf_text(content: bytes) -> str:
    """The text of a PDF, as poppler's pdftotext reads it."""
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True,
                          timeout=60)
    return done.stdout.decode("utf-8")
