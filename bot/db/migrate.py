"""Bring a database to the newest schema with Alembic (called at start-up and by `python -m bot db upgrade`).

On PostgreSQL the migrating transaction first takes an advisory lock, so workers started together migrate one
after another: the first brings the schema up, the others wait for it and then find nothing to do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import normalise_url
from bot.db.locks import MIGRATIONS_KEY

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Run the migrations on the engine's own connection (works inside a running event loop)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))

    def run(connection: object) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # released when this transaction ends (or its connection dies)
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATIONS_KEY})
        await conn.run_sync(run)


class DatabaseUnwritable(RuntimeError):
    """The database can be read but not written: a read-only file or directory, a read-only server."""


_READ_ONLY_SIGNS = ("readonly database", "read-only transaction", "read-only file system", "unable to open database",
                    "disk i/o error")


def unwritable_reason(exc: BaseException) -> str | None:
    """A clear sentence for an error that means the database cannot be written, else None."""
    message = str(exc).lower()
    if not any(sign in message for sign in _READ_ONLY_SIGNS):
        return None
    return ("the database cannot be written (read-only file, directory or server, or no permission): check the "
            "owner and mode of the SQLite file and its directory, or that DATABASE_URL points at a writable "
            f"PostgreSQL primary; the driver said: {str(exc).splitlines()[0]}")


async def prepare(engine: AsyncEngine, *, wait: float = 0.0) -> None:
    """Migrate, then prove the database takes a write; a read-only one raises DatabaseUnwritable with a clear
    sentence instead of a driver's traceback.  A database that cannot be reached (an outage, a server starting)
    is tried again for up to `wait` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        try:
            await _prepare(engine)
            return
        except DatabaseUnwritable:
            raise
        except (DBAPIError, OSError) as exc:
            if loop.time() >= deadline:
                raise
            log.warning("the database cannot be reached (%s); trying again", str(exc).splitlines()[0])
            await asyncio.sleep(1.0)


async def when_reachable(step: Callable[[], Awaitable[None]], *, wait: float) -> None:
    """Run a start-up step that needs the database, trying again for up to `wait` seconds while it cannot be
    reached (an outage that begins just after the migrations)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        try:
            await step()
            return
        except (DBAPIError, OSError) as exc:
            if loop.time() >= deadline:
                raise
            log.warning("the database cannot be reached (%s); trying again", str(exc).splitlines()[0])
            await asyncio.sleep(1.0)


async def _prepare(engine: AsyncEngine) -> None:
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
    except Exception as exc:
        reason = unwritable_reason(exc)
        if reason is None:
            raise
        raise DatabaseUnwritable(reason) from exc
