from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest_asyncio
from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tg_harness import Person

from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.dialogs.telegram import create_dispatcher
from bot.dialogs.telegram.recording import RecordingSession
from bot.interview.loader import load_forms
from bot.service.sessions import Interviews

#: the one staff member of the handler tests
STAFF_ID = 777


class World:
    def __init__(self, dp: Dispatcher, bot: Bot, interviews: Interviews) -> None:
        self.dp, self.bot, self.interviews = dp, bot, interviews

    @property
    def db(self) -> async_sessionmaker[AsyncSession]:
        return self.interviews.sessionmaker

    def person(self, user_id: int = 4242, language_code: str | None = "zh-hans") -> Person:
        return Person(self.dp, self.bot, user_id, language_code)


@pytest_asyncio.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    bot = Bot("123456:TEST", session=RecordingSession())
    try:
        await upgrade(engine)
        interviews = Interviews(sessionmaker(engine), load_forms())
        # limits far above test speed; the limiter has its own test
        dp = create_dispatcher(interviews, default_lang="zh", rate=10_000, burst=10_000, staff_ids=[STAFF_ID])
        yield World(dp, bot, interviews)
        await interviews.close()
    finally:
        await bot.session.close()
        await engine.dispose()
