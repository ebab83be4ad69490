from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import sessionmaker
from bot.interview.schema import Form
from bot.service.sessions import Interviews


@pytest.fixture
async def service(db_engine: AsyncEngine, forms: dict[str, Form]) -> AsyncIterator[Interviews]:
    """The interview service over a migrated database (SQLite, and PostgreSQL when configured)."""
    service = Interviews(sessionmaker(db_engine), forms)
    yield service
    await service.close()
