"""Request limits per key (a browser, an address, a staff account): at most `limit` hits per window of `window`
seconds, counted so that every worker agrees.

On PostgreSQL one atomic statement counts a hit (INSERT … ON CONFLICT DO UPDATE … RETURNING): any number of
workers, one count.  A SQLite file is served by one process (bot/db/locks.py), which counts in memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import RateCount

#: rows of windows older than this (seconds) are deleted now and then
FORGET_AFTER = 3600


class Throttle:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *,
                 clock: Callable[[], float] = time.time) -> None:
        self.sessionmaker = sessionmaker
        self.shared = sessionmaker.kw["bind"].dialect.name == "postgresql"
        self.clock = clock
        self._local: dict[tuple[str, int], int] = {}
        self._hits = 0

    async def hit(self, key: str, *, limit: int, window: int) -> bool:
        """Count one hit of `key`; False when it is over the limit of its window."""
        now = self.clock()
        start = int(now // window) * window
        self._hits += 1
        if not self.shared:
            count = self._local[(key, start)] = self._local.get((key, start), 0) + 1
            if self._hits % 1000 == 0:
                self._local = {k: v for k, v in self._local.items() if k[1] > now - FORGET_AFTER}
            return count <= limit
        counted = (insert(RateCount).values(key=key[:96], window=start, count=1)
                   .on_conflict_do_update(index_elements=["key", "window"], set_={"count": RateCount.count + 1})
                   .returning(RateCount.count))
        async with self.sessionmaker.begin() as s:
            count = int((await s.execute(counted)).scalar_one())
            if self._hits % 1000 == 0:
                await s.execute(delete(RateCount).where(RateCount.window < now - FORGET_AFTER))
        return count <= limit
