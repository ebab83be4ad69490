"""Shared fixtures: the shipped forms, and databases — a real SQLite file always, PostgreSQL when
TEST_DATABASE_URL is set (CI sets it), both brought to the newest schema by the real Alembic migrations."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.interview.loader import load_forms
from bot.interview.schema import Form
from bot.service.helpdesk import Helpdesk
from bot.service.sessions import Interviews
from tests.staff import STAFF, Clock

REPO = Path(__file__).resolve().parent.parent

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session")
def forms() -> dict[str, Form]:
    return load_forms()


@pytest.fixture(scope="session")
def miit(forms: dict[str, Form]) -> Form:
    return forms["miit-2022"]


#: each test run works in its own PostgreSQL schema, so two runs on one server (a developer's and CI's) never drop
#: each other's tables
PG_SCHEMA = f"test_run_{os.getpid()}"


async def _reset_postgres(url: str, *, create: bool = True) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
        if create:
            await conn.execute(text(f'CREATE SCHEMA "{PG_SCHEMA}"'))
    await engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_schema() -> Iterator[None]:
    yield
    if "postgresql" in BACKENDS:
        asyncio.run(_reset_postgres(os.environ["TEST_DATABASE_URL"], create=False))


@pytest.fixture(params=BACKENDS)
async def db_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}")
    else:
        url = os.environ["TEST_DATABASE_URL"]
        await _reset_postgres(url)
        engine = create_engine(url, connect_args={"server_settings": {"search_path": PG_SCHEMA}})
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def service(db_engine: AsyncEngine, forms: dict[str, Form]) -> AsyncIterator[Interviews]:
    """The interview service over a migrated database (SQLite, and PostgreSQL when configured)."""
    service = Interviews(sessionmaker(db_engine), forms)
    yield service
    await service.close()


@pytest.fixture
async def desk(db_engine: AsyncEngine, forms: dict[str, Form]) -> AsyncIterator[Helpdesk]:
    """The helpdesk with one listed staff account (tests.staff.STAFF) and a clock the test moves."""
    interviews = Interviews(sessionmaker(db_engine), forms)
    yield Helpdesk(interviews, frozenset({STAFF}), clock=Clock())
    await interviews.close()
