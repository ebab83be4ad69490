"""Locks shared by the processes on one database: per-chat turns, the one poller, one process per SQLite file,
migrations one after another."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine, sessionmaker
from bot.db.locks import POLLER_KEY, AlreadyRunning, SharedLocks, chat_lock_key, hold_sqlite_file
from bot.db.migrate import prepare
from bot.dialogs.telegram import app
from bot.interview.loader import load_forms
from bot.service.sessions import Interviews


async def test_a_chat_is_handled_by_one_process_at_a_time(db_engine: AsyncEngine) -> None:
    # two SharedLocks are two processes' lock connections
    first, second = SharedLocks(db_engine), SharedLocks(db_engine)
    try:
        order: list[str] = []
        async with first.chat(5):
            if db_engine.dialect.name == "postgresql":
                assert not await second.try_lock(chat_lock_key(5))
                assert await second.try_lock(chat_lock_key(6))  # another chat goes ahead
                await second.unlock(chat_lock_key(6), second.generation(chat_lock_key(6)))

            async def other() -> None:
                async with second.chat(5):
                    order.append("second")

            waiting = asyncio.create_task(other())
            await asyncio.sleep(0.2)
            order.append("first")
        await asyncio.wait_for(waiting, 10)
        if db_engine.dialect.name == "postgresql":
            assert order == ["first", "second"]
        else:
            # SQLite is served by one process: no cross-process lock, the in-process ChatOrder orders a chat
            assert not first.enabled and sorted(order) == ["first", "second"]
    finally:
        await first.close()
        await second.close()


async def test_a_second_poller_refuses_to_start(db_engine: AsyncEngine, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    if db_engine.dialect.name != "postgresql":
        held = hold_sqlite_file(str(tmp_path / "bot.sqlite3"))
        with pytest.raises(AlreadyRunning, match="already running"):
            hold_sqlite_file(str(tmp_path / "bot.sqlite3"))
        held.close()  # type: ignore[attr-defined]
        hold_sqlite_file(str(tmp_path / "bot.sqlite3")).close()  # type: ignore[attr-defined]
        return
    running = SharedLocks(db_engine)
    interviews = Interviews(sessionmaker(db_engine), load_forms())
    monkeypatch.setattr(app, "POLLER_WAIT", 0.5)
    try:
        assert await running.try_lock(POLLER_KEY)
        with pytest.raises(AlreadyRunning, match="already long-polling"):
            # refused before the dispatcher or the bot are touched
            await app._poll(cast(Any, None), cast(Any, None), interviews, asyncio.Event())
    finally:
        await running.close()
        await interviews.close()


if os.environ.get("TEST_DATABASE_URL"):
    async def test_workers_started_together_migrate_one_after_another() -> None:
        schema = f"test_migrate_{os.getpid()}"
        url = os.environ["TEST_DATABASE_URL"]
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engines = [create_engine(url, connect_args={"server_settings": {"search_path": schema}})
                   for _ in range(4)]
        try:
            await asyncio.wait_for(asyncio.gather(*(prepare(engine) for engine in engines)), 120)
            async with engines[0].connect() as conn:
                assert await conn.scalar(text("SELECT count(*) FROM alembic_version")) == 1
        finally:
            for engine in engines:
                await engine.dispose()
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await admin.dispose()
