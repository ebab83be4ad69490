"""Which updates were handled, in memory: the re-delivery check of a SQLite service without a database read.

A SQLite file is served by one process (bot/db/locks.py: a second one exits at start), so every handled id
this process will ever be asked about is either in the file when it starts or recorded by this process since.
`HandledIds` is loaded once from processed_updates (the ids of the retention period), and every id recorded
later — an answer's in its own write transaction, an update that wrote nothing through the answer writer's next
batch — is added once its transaction has committed.  The database stays the record (a restart loads it again);
memory only answers the question.

With several workers (PostgreSQL) another process records ids too, so this is not used there: the check is one
read, folded into the read each update makes anyway (`Interviews.refresh`).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta

#: (update id, when it was recorded) pairs, oldest first
Loader = Callable[[], Awaitable[Iterable[tuple[int, datetime]]]]


class HandledIds:
    def __init__(self, retention: timedelta, *, clock: Callable[[], float] = time.time) -> None:
        self.retention = retention.total_seconds()
        self.clock = clock
        self._ids: set[int] = set()
        #: (seconds since the epoch, id) in the order recorded: what to forget when it is older than retention
        self._order: deque[tuple[float, int]] = deque()
        self._loaded = False
        self._loading = asyncio.Lock()
        #: ids recorded while the load ran (its read may not have seen them)
        self._early: list[tuple[float, int]] = []

    @property
    def loaded(self) -> bool:
        return self._loaded

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, update_id: int) -> bool:
        return update_id in self._ids

    async def load(self, read: Loader) -> None:
        """Read the recorded ids once (later calls return at once)."""
        async with self._loading:
            if self._loaded:
                return
            rows = await read()
            for update_id, at in rows:
                stamp = (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).timestamp()
                self._put(stamp, update_id)
            for stamp, update_id in self._early:
                self._put(stamp, update_id)
            self._early.clear()
            self._loaded = True

    def add(self, update_id: int) -> None:
        """An id whose recording has committed."""
        now = self.clock()
        if not self._loaded:
            self._early.append((now, update_id))
            return
        self._put(now, update_id)
        self._forget_old(now)

    def _put(self, stamp: float, update_id: int) -> None:
        if update_id not in self._ids:
            self._ids.add(update_id)
            self._order.append((stamp, update_id))

    def _forget_old(self, now: float) -> None:
        horizon = now - self.retention
        while self._order and self._order[0][0] < horizon:
            _, update_id = self._order.popleft()
            self._ids.discard(update_id)
