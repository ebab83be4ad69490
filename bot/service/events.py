"""Pushed events: what a browser learns without asking (taken over, handed back, a staff message, documents ready,
the desk's queue changed), for every worker.

An event is a row of `push_events` (audience, kind, data) with an increasing id, kept two days: a page that slept
asks for the events after the last id it saw (server-sent events' Last-Event-ID, or the long-poll fallback) and
misses nothing.  `wait` returns at once when there are such events, else when one is published or the timeout
passes.  Who is woken: on SQLite the one process owns the file, so `publish` wakes the waiters itself; on
PostgreSQL every worker runs a listener (LISTEN/NOTIFY on one channel, with a poll of the newest id every second
as the backstop when the notification connection is lost), so a push reaches the worker holding the stream
whichever worker published it — no sticky routing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from bot.db.models import PushEvent

log = logging.getLogger(__name__)

CHANNEL = "bot_push_events"
#: how long events are kept for a page to catch up
KEEP = timedelta(days=2)
#: the backstop poll on PostgreSQL (seconds)
POLL = 1.0


@dataclass(frozen=True)
class Event:
    id: int
    audience: str
    kind: str
    data: Mapping[str, Any]


def person(external_id: str) -> str:
    """The audience of one person's pages."""
    return f"person:{external_id}"


DESK = "desk"


def session_audience(session_id: int) -> str:
    """The audience of the desk's page of one session."""
    return f"session:{session_id}"


class Events:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker
        engine = sessionmaker.kw["bind"]
        self.shared = engine.dialect.name == "postgresql"
        self._waiters: dict[str, set[asyncio.Event]] = {}
        self._task: asyncio.Task[None] | None = None
        self._last = 0
        self._poke = asyncio.Event()
        #: the service is stopping: every wait returns at once, so open streams end and the browser reconnects
        #: to another worker (or to this one restarted)
        self.closing = False

    # --- publishing ---------------------------------------------------------------------------------------

    async def publish(self, audience: str, kind: str, data: Mapping[str, Any] | None = None) -> int:
        async with self.sessionmaker.begin() as s:
            row = PushEvent(audience=audience, kind=kind, data=dict(data or {}), at=datetime.now(UTC))
            s.add(row)
            await s.flush()
            event_id = row.id
            if self.shared:
                await s.execute(text("SELECT pg_notify(:c, :a)"), {"c": CHANNEL, "a": audience[:7000]})
        self._wake(audience)
        return event_id

    def _wake(self, audience: str) -> None:
        for waiter in self._waiters.get(audience, ()):
            waiter.set()

    # --- reading ------------------------------------------------------------------------------------------

    async def after(self, audience: str, last_id: int, limit: int = 100) -> list[Event]:
        async with self.sessionmaker() as s:
            rows = await s.execute(select(PushEvent.id, PushEvent.kind, PushEvent.data)
                                   .where(PushEvent.audience == audience, PushEvent.id > last_id)
                                   .order_by(PushEvent.id).limit(limit))
            return [Event(r.id, audience, r.kind, r.data or {}) for r in rows]

    async def newest(self, audience: str | None = None) -> int:
        """The newest event id (of `audience`, or of all): a page starts listening after it."""
        query = select(func.max(PushEvent.id))
        if audience is not None:
            query = query.where(PushEvent.audience == audience)
        async with self.sessionmaker() as s:
            return int(await s.scalar(query) or 0)

    async def wait(self, audience: str, last_id: int, timeout: float) -> list[Event]:
        """The events after `last_id`: at once if there are some, else the first published within `timeout`
        seconds ([] when none was)."""
        waiter = asyncio.Event()
        self._waiters.setdefault(audience, set()).add(waiter)
        try:
            found = await self.after(audience, last_id)
            if found:
                return found
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while not self.closing and (left := deadline - loop.time()) > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(waiter.wait(), left)
                waiter.clear()
                found = await self.after(audience, last_id)
                if found:
                    return found
            return []
        finally:
            waiters = self._waiters.get(audience)
            if waiters is not None:
                waiters.discard(waiter)
                if not waiters:
                    del self._waiters[audience]

    def close_streams(self) -> None:
        """End every open wait of this process (the service is stopping)."""
        self.closing = True
        for waiters in self._waiters.values():
            for waiter in waiters:
                waiter.set()

    @property
    def listening(self) -> int:
        """How many waits are open (streams and long polls of this process)."""
        return sum(len(w) for w in self._waiters.values())

    # --- other workers' events (PostgreSQL) ---------------------------------------------------------------

    async def start(self) -> None:
        """Prune old events; on PostgreSQL, start following the other workers' events."""
        async with self.sessionmaker.begin() as s:
            await s.execute(delete(PushEvent).where(PushEvent.at < datetime.now(UTC) - KEEP))
        if self.shared and self._task is None:
            self._last = await self.newest()
            self._task = asyncio.create_task(self._follow(), name="push-events")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _follow(self) -> None:
        engine = self.sessionmaker.kw["bind"]
        while True:
            conn: AsyncConnection | None = None
            try:
                conn = await engine.connect()
                raw = await conn.get_raw_connection()
                driver: Any = raw.driver_connection
                await driver.add_listener(CHANNEL, self._notified)
                while True:  # NOTIFY wakes at once; the poll catches what a lost connection missed
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._poke.wait(), POLL)
                    self._poke.clear()
                    await self._catch_up()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database went away: poll until it is back
                log.warning("push events: listening failed (%s); polling", exc.__class__.__name__)
                await asyncio.sleep(POLL)
                with contextlib.suppress(Exception):
                    await self._catch_up()
            finally:
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await conn.close()

    def _notified(self, *args: Any) -> None:
        self._poke.set()

    async def _catch_up(self) -> None:
        """Wake the local waiters of every audience that has events newer than the last seen."""
        async with self.sessionmaker() as s:
            rows = (await s.execute(select(PushEvent.id, PushEvent.audience).where(PushEvent.id > self._last)
                                    .order_by(PushEvent.id).limit(5000))).all()
        for row in rows:
            self._last = max(self._last, row.id)
            self._wake(row.audience)
