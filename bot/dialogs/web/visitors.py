"""Who a browser of the web chat is: an unguessable cookie (256 bits; HttpOnly, SameSite=Lax, Secure over HTTPS)
whose SHA-256 names a person ("web:…") in `web_visitors`.  Only the hash is stored.  A visitor unused for 120 days
is forgotten; erasing the person removes every browser of theirs.

A person becomes a visitor when they agree to the privacy notice (the first screen); until then nothing about
them is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import UTC, datetime, timedelta

from aiohttp import web
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import WebVisitor
from bot.dialogs.web.security import cookie_options

COOKIE = "sid"
#: a browser unused this long is forgotten (the cookie lives as long)
IDLE = timedelta(days=120)
#: how long a worker trusts what it read of a cookie (another worker may erase the person meanwhile)
TRUST_SECONDS = 30.0
PREFIX = "web:"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Visitors:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker
        self._known: dict[str, tuple[str, float]] = {}

    async def who(self, request: web.Request) -> str | None:
        """The person this browser is, or None (no cookie, an unknown or expired one)."""
        token = request.cookies.get(COOKIE)
        if not token or len(token) > 100:
            return None
        digest = _hash(token)
        known = self._known.get(digest)
        now = time.monotonic()
        if known is not None and now - known[1] < TRUST_SECONDS:
            return known[0]
        async with self.sessionmaker() as s:
            row = await s.get(WebVisitor, digest)
        moment = datetime.now(UTC)
        if row is None or _aware(row.expires_at) <= moment:
            self._known.pop(digest, None)
            return None
        if len(self._known) > 50_000:
            self._known.clear()
        self._known[digest] = (row.external_id, now)
        if moment - _aware(row.seen_at) > timedelta(hours=1):  # sliding expiry, written at most hourly
            async with self.sessionmaker.begin() as s:
                await s.execute(update(WebVisitor).where(WebVisitor.token_hash == digest)
                                .values(seen_at=moment, expires_at=moment + IDLE))
        return row.external_id

    async def admit(self, response: web.StreamResponse, request: web.Request, external_id: str | None = None) -> str:
        """Make this browser a visitor (a new person, or `external_id`): sets the cookie on `response`."""
        token = secrets.token_urlsafe(32)
        who = external_id or PREFIX + secrets.token_urlsafe(16)
        moment = datetime.now(UTC)
        async with self.sessionmaker.begin() as s:
            await s.execute(delete(WebVisitor).where(WebVisitor.expires_at < moment))
            s.add(WebVisitor(token_hash=_hash(token), external_id=who, created_at=moment, seen_at=moment,
                             expires_at=moment + IDLE))
        response.set_cookie(COOKIE, token, **cookie_options(request, max_age=int(IDLE.total_seconds())))
        return who

    async def forget(self, external_id: str) -> None:
        """Every browser of this person (an erasure)."""
        async with self.sessionmaker.begin() as s:
            await s.execute(delete(WebVisitor).where(WebVisitor.external_id == external_id))
        self._known = {k: v for k, v in self._known.items() if v[0] != external_id}

    async def known(self, external_id: str) -> bool:
        async with self.sessionmaker() as s:
            return await s.scalar(select(WebVisitor.token_hash).where(WebVisitor.external_id == external_id)
                                  .limit(1)) is not None


def leave(response: web.StreamResponse) -> None:
    """Drop the cookie from this browser."""
    response.del_cookie(COOKIE, path="/")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
