"""Locks shared by every process on one database.

PostgreSQL: session-level advisory locks, taken on a few connections per process (opened on first use, in
autocommit).  A lock dies with its connection, so a process killed with -9 never leaves one behind: the server
ends the backend when the socket closes.  SQLite serves one process (see `bot.db.single`), so there the chat
locks are no-ops and the in-process per-chat order (bot/dialogs/telegram/middlewares.ChatOrder) is the whole story.

Keys: one bigint space for the whole database; chats are keyed by their Telegram id, the fixed jobs below
sit at the negative end where no chat id lies.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

#: the migrations (held in the migrating transaction: pg_advisory_xact_lock)
MIGRATIONS_KEY = -0x7B07_0001
#: the one long-polling process of a database
POLLER_KEY = -0x7B07_0002
_CHATS = 0x1000_0000_0000  # chat ids (±2^52) are shifted clear of the fixed keys


def chat_lock_key(chat_id: int) -> int:
    return chat_id + _CHATS if chat_id >= 0 else chat_id - _CHATS


class _Slot:
    """One lock connection and the locks taken on it (its calls one at a time)."""

    def __init__(self) -> None:
        self.conn: AsyncConnection | None = None
        self.use = asyncio.Lock()
        #: bumped whenever the connection is replaced: every lock taken on the old one is gone
        self.generation = 0


class SharedLocks:
    """Advisory locks of this process; a no-op on anything but PostgreSQL.

    A key always goes to the same of `connections` lock connections (a session lock must be released on the
    connection that took it); several connections let the lock calls of different chats run side by side.
    """

    def __init__(self, engine: AsyncEngine, *, connections: int = 4, max_wait: float = 0.05) -> None:
        self.engine = engine
        self.enabled = engine.dialect.name == "postgresql"
        self.max_wait = max_wait
        self._slots = [_Slot() for _ in range(connections)]

    def _slot(self, key: int) -> _Slot:
        return self._slots[key % len(self._slots)]

    def generation(self, key: int) -> int:
        return self._slot(key).generation

    async def _scalar(self, sql: str, key: int) -> object:
        slot = self._slot(key)
        async with slot.use:
            if slot.conn is None:
                conn = await self.engine.connect()
                slot.conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                slot.generation += 1
            try:
                return await slot.conn.scalar(text(sql), {"k": key})
            except Exception:
                # the connection is broken (an outage, a terminated backend): its locks went with it
                conn, slot.conn = slot.conn, None
                with suppress(Exception):
                    await conn.invalidate()
                raise

    async def try_lock(self, key: int) -> bool:
        if not self.enabled:
            return True
        return bool(await self._scalar("SELECT pg_try_advisory_lock(:k)", key))

    async def unlock(self, key: int, generation: int) -> None:
        if not self.enabled or generation != self._slot(key).generation:
            return  # the connection that held it is gone, and the lock with it
        with suppress(Exception):
            await self._scalar("SELECT pg_advisory_unlock(:k)", key)

    @asynccontextmanager
    async def chat(self, chat_id: int) -> AsyncIterator[None]:
        """Hold the chat's lock: no other process handles an update of this chat meanwhile."""
        if not self.enabled:
            yield
            return
        key = chat_lock_key(chat_id)
        wait = 0.002
        while not await self.try_lock(key):
            await asyncio.sleep(wait)
            wait = min(wait * 2, self.max_wait)
        generation = self.generation(key)
        try:
            yield
        finally:
            await self.unlock(key, generation)

    async def close(self) -> None:
        for slot in self._slots:
            if slot.conn is not None:
                with suppress(Exception):
                    await slot.conn.close()
                slot.conn = None


class AlreadyRunning(RuntimeError):
    """Another process already serves this SQLite file, or already long-polls this database."""


def hold_sqlite_file(database: str) -> object:
    """Take `<file>.run.lock` exclusively for this process's lifetime (the kernel drops it when the process ends,
    kill -9 included).  A SQLite database is served by one process; a second one raises AlreadyRunning."""
    import fcntl
    import os

    path = f"{database}.run.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise AlreadyRunning(
            f"another bot process is already running on {database}; a SQLite database is served by one process "
            "(several workers need PostgreSQL)") from None
    return os.fdopen(fd, "r+")
