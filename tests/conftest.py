"""Shared fixtures: the shipped forms, and databases — a real SQLite file always, PostgreSQL when
TEST_DATABASE_URL is set (CI sets it), both brought to the newest schema by the real Alembic migrations."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine
from bot.db.migrate import upgrade
from bot.interview.loader import load_forms
from bot.interview.schema import Form

REPO = Path(__file__).resolve().parent.parent

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session")
def forms() -> dict[str, Form]:
    return load_forms()


@pytest.fixture(scope="session")
def miit(forms: dict[str, Form]) -> Form:
    return forms["miit-2022"]


async def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(params=BACKENDS)
async def db_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        url = os.environ["TEST_DATABASE_URL"]
        await _reset_postgres(url)
    engine = create_engine(url)
    await upgrade(engine)
    yield engine
    await engine.dispose()
