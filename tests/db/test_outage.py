"""Which database failures are an outage (bot.db.outage.unreachable), from real errors of both backends: a value
the database refuses is not (issue 22: a DataError for an integer past PostgreSQL's range was retried every second
forever), a connection refused, lost or shut out is."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine, sessionmaker
from bot.db.models import InterviewSession
from bot.db.outage import unreachable
from tests.conftest import BACKENDS


async def failure(engine: AsyncEngine, statement: str, **params: object) -> BaseException:
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement), params)
    except Exception as exc:
        return exc
    raise AssertionError(f"{statement} did not fail")


async def test_a_value_the_database_refuses_is_no_outage(db_engine: AsyncEngine) -> None:
    try:
        async with sessionmaker(db_engine)() as s:
            await s.get(InterviewSession, 10**20)
    except Exception as exc:  # SQLite: OverflowError from the driver; PostgreSQL: DBAPIError (DataError)
        assert not unreachable(exc), exc
    else:
        raise AssertionError("an id past every integer was looked up")
    for statement in ("SELECT * FROM no_such_table", "INSERT INTO users (id) VALUES (NULL)", "SELECT 1/0 + x"):
        exc = await failure(db_engine, statement)
        assert isinstance(exc, DBAPIError) and not unreachable(exc), exc


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_refused_connection_is_an_outage() -> None:
    engine = create_engine(f"postgresql://nobody@127.0.0.1:{_closed_port()}/nothing")
    try:
        assert unreachable(await failure(engine, "SELECT 1"))
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_lost_busy_or_shut_out_connection_is_an_outage(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        _busy_sqlite_file(tmp_path)
    else:
        await _lost_and_shut_out_postgresql()


def _busy_sqlite_file(tmp_path: Path) -> None:
    """Another process holds the file's write lock (SQLITE_BUSY)."""
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    holder = create_sync_engine(url, connect_args={"timeout": 0})
    other = create_sync_engine(url, connect_args={"timeout": 0})
    try:
        with holder.connect() as held:
            held.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            held.commit()
            held.exec_driver_sql("BEGIN EXCLUSIVE")
            with pytest.raises(DBAPIError) as busy, other.connect() as conn:
                conn.exec_driver_sql("INSERT INTO t VALUES (1)")
            assert unreachable(busy.value), busy.value
    finally:
        holder.dispose()
        other.dispose()


async def _lost_and_shut_out_postgresql() -> None:
    """The server ends the connection (pg_terminate_backend), then refuses new ones (REVOKE CONNECT)."""
    admin_url = os.environ["TEST_DATABASE_URL"]
    name = f"outage_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE ROLE "{name}" LOGIN'))
        await conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{name}"'))
    bot = create_engine(make_url(admin_url).set(username=name, password=None, database=name)
                        .render_as_string(hide_password=False))
    kill = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND usename = '{name}'"
    try:
        async with bot.connect() as conn:
            await conn.execute(text("SELECT 1"))
            async with admin.connect() as other:
                await other.execute(text(kill))
            with pytest.raises(DBAPIError) as lost:
                await conn.execute(text("SELECT 1"))
        assert unreachable(lost.value), lost.value
        async with admin.connect() as conn:
            await conn.execute(text(f'REVOKE CONNECT ON DATABASE "{name}" FROM PUBLIC'))
            await conn.execute(text(f'REVOKE CONNECT ON DATABASE "{name}" FROM "{name}"'))
            await conn.execute(text(kill))
        assert unreachable(await failure(bot, "SELECT 1"))
    finally:
        await bot.dispose()
        async with admin.connect() as conn:
            await conn.execute(text(kill.replace(f" AND usename = '{name}'", "")))
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            await conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
        await admin.dispose()


async def test_a_start_step_waits_out_an_outage_but_not_a_bug() -> None:
    """What the service does right after preparing the database (pruning old push events) is tried again while
    the database cannot be reached, as `prepare` is; any other failure stops the start at once."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    from bot.serve import _waiting_out_outages

    calls: list[int] = []

    async def flaky() -> None:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError(None, None, ConnectionRefusedError("connection refused"))

    await _waiting_out_outages(flaky, wait=5.0, pause=0.01)
    assert len(calls) == 3

    async def broken() -> None:
        calls.append(1)
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    calls.clear()
    with pytest.raises(IntegrityError):
        await _waiting_out_outages(broken, wait=5.0, pause=0.01)
    assert len(calls) == 1

    calls.clear()

    async def down() -> None:
        calls.append(1)
        raise OperationalError(None, None, ConnectionRefusedError("connection refused"))

    with pytest.raises(OperationalError):  # not forever
        await _waiting_out_outages(down, wait=0.05, pause=0.01)
    assert 2 <= len(calls) <= 10
