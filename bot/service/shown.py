"""Which message shows a session's current screen in a chat (the table shown_screens).

A chat channel whose messages are numbered in the order they were written, by both sides (a Telegram private
chat), records here the message that shows a session's screen: the screen's key (bot.present.build.screen_key)
and the id of the first message that showed that key.  A screen shown again with the same key (a refusal, a
copy) keeps the earlier id; another key replaces it.  Edits keep a message's id, and the edits the bot makes
(a multiple choice's ticks, a removal asked) do not change the key, so they need no record.  WeChat records the
second its reply was built instead of a message id (its texts carry CreateTime in seconds), under the chat number
bot.dialogs.wechat.ids.chat_number gives (below every Telegram private chat's id).

Two questions are then answered from the database, the same for every worker and after a restart:

- was a typed message written against the screen the session shows now (`typed_before`)?  Its id must not be
  lower than the recorded one, and the recorded key must be the current one: a message typed before the current
  screen was shown was typed against an earlier one, and is not applied;
- does the chat already show the current screen (the recorded key is the current one)?  A re-delivered update
  then needs no fresh copy (bot/dialogs/telegram/middlewares.Redelivery).

Written and read under the chat's lock (bot/dialogs/telegram/middlewares.Redelivery), so the workers agree.  On
SQLite one process owns the file, and the rows it wrote are kept in memory too.  The records of concurrent
handlers are written together, one transaction for all of them (a transaction per answer's screen halved the
answers per second on SQLite); each handler's `record` returns once its row is committed.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import ShownScreen


@dataclass(frozen=True)
class Shown:
    #: what the screen asks (bot.present.build.screen_key)
    key: str
    #: the chat's id of the first message that showed it
    message_id: int


def typed_before(shown: Shown | None, key_now: str, message_id: int) -> bool:
    """Whether a message numbered `message_id` was typed before the screen `key_now` (the session's current one)
    was shown in the chat whose record is `shown`.  Nothing recorded (a chat from before the record, a session
    never shown in it): not known, so False."""
    if shown is None:
        return False
    return shown.key != key_now or message_id < shown.message_id


class ShownScreens:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *, shared: bool,
                 cache_size: int = 20_000) -> None:
        """`shared`: other processes write the same database (PostgreSQL), so every read asks it."""
        self.sessionmaker = sessionmaker
        self.shared = shared
        self._known: OrderedDict[tuple[int, int], Shown] = OrderedDict()
        self._cache_size = cache_size
        #: rows waiting for the next write, and the future that write completes
        self._pending: dict[tuple[int, int], Shown] = {}
        self._written: asyncio.Future[None] | None = None
        self._writer: asyncio.Task[None] | None = None

    def _keep(self, chat_id: int, session_id: int, shown: Shown | None) -> None:
        if self.shared or shown is None:  # none yet: an answer's write may add one (bot/db/batch.py)
            return
        self._known[(chat_id, session_id)] = shown
        self._known.move_to_end((chat_id, session_id))
        while len(self._known) > self._cache_size:
            self._known.popitem(last=False)

    async def get(self, chat_id: int, session_id: int) -> Shown | None:
        """What the chat last showed of the session, or None (never recorded)."""
        if (chat_id, session_id) in self._known:
            return self._known[(chat_id, session_id)]
        async with self.sessionmaker() as s:
            row = (await s.execute(select(ShownScreen.screen_key, ShownScreen.message_id).where(
                ShownScreen.chat_id == chat_id, ShownScreen.session_id == session_id))).first()
        shown = None if row is None else Shown(row.screen_key, row.message_id)
        self._keep(chat_id, session_id, shown)
        return shown

    async def record(self, chat_id: int, session_id: int, key: str, message_id: int) -> None:
        """A message numbered `message_id` now shows the screen `key` of the session in the chat."""
        if not self.shared:  # this process's own record (read once after a start) decides
            known = await self.get(chat_id, session_id)
            if known is not None and known.key == key:
                return  # the same screen again: its first message stays the one
        self._pending[(chat_id, session_id)] = Shown(key, message_id)
        if self._written is None:
            self._written = asyncio.get_running_loop().create_future()
        written = self._written
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await asyncio.shield(written)
        self._keep(chat_id, session_id, Shown(key, message_id))

    async def _write(self) -> None:
        """Write the pending rows, one transaction for all that are waiting, until none is left; each waiting
        `record` learns how its write went."""
        while self._pending:
            await asyncio.sleep(0)  # the handlers queueing in this turn of the loop come along
            rows, done = self._pending, self._written
            self._pending, self._written = {}, None
            assert done is not None
            try:
                await self._upsert(rows)
            except Exception as exc:
                done.set_exception(exc)
                done.exception()  # the waiting handlers raise it; nobody else need retrieve it
                continue
            done.set_result(None)

    async def close(self) -> None:
        """Finish the pending writes."""
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)

    async def _upsert(self, rows: dict[tuple[int, int], Shown]) -> None:
        engine = self.sessionmaker.kw["bind"]
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        statement: Any = insert(ShownScreen)
        statement = statement.on_conflict_do_update(
            index_elements=["chat_id", "session_id"],
            set_={"screen_key": statement.excluded.screen_key, "message_id": statement.excluded.message_id,
                  "shown_at": statement.excluded.shown_at},
            where=ShownScreen.screen_key != statement.excluded.screen_key)
        now = datetime.now(UTC)
        values = [{"chat_id": chat, "session_id": session, "screen_key": shown.key, "message_id": shown.message_id,
                   "shown_at": now} for (chat, session), shown in sorted(rows.items())]
        async with self.sessionmaker.begin() as s:  # on PostgreSQL the database keeps the first id of a key
            await s.execute(statement, values)

    def forget(self) -> None:
        self._known.clear()
