"""Secrets every worker shares, made once at random and kept in the database (`service_keys`): no configuration
is needed for several workers to verify each other's signed links and forms."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import ServiceKey


async def shared_key(sessionmaker: async_sessionmaker[AsyncSession], name: str) -> bytes:
    """The key `name` (32 random bytes), created by the first worker that asks."""
    async with sessionmaker() as s:
        found = await s.scalar(select(ServiceKey.value).where(ServiceKey.name == name))
    if found is None:
        try:
            async with sessionmaker.begin() as s:
                s.add(ServiceKey(name=name, value=secrets.token_hex(32)))
        except IntegrityError:  # another worker made it at the same moment: read theirs
            pass
        async with sessionmaker() as s:
            found = await s.scalar(select(ServiceKey.value).where(ServiceKey.name == name))
    assert found is not None
    return bytes.fromhex(found)
