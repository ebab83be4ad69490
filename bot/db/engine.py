"""Creating the async engine: SQLite (WAL) by default, PostgreSQL through asyncpg when DATABASE_URL says so."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

DEFAULT_URL = "sqlite+aiosqlite:///data/bot.sqlite3"


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// and sqlite:// URLs and give them their async drivers."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    # deleted rows are overwritten with zeros, not left in free pages (an erased person is gone from the file)
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def private_file(path: Path) -> None:
    """Create the database file 0600 in a 0700 directory (SQLite gives its WAL and SHM the file's mode); an
    existing file or directory made by this service is tightened to the same."""
    directory = path.parent
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)  # mkdir's mode passes through the umask
    elif directory.resolve() != Path.cwd().resolve() and directory.name == "data":
        os.chmod(directory, 0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.chmod(side, 0o600)


def sync_twin(engine: AsyncEngine) -> Engine | None:
    """For a SQLite file, a synchronous engine on the same file (pysqlite): the answer writer runs a whole batch
    in a worker thread through it, one hop instead of one event-loop round trip per statement.  None otherwise."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    twin = sa_create_engine(url.set(drivername="sqlite"))
    event.listen(twin, "connect", _sqlite_pragmas)
    return twin


def create_engine(url: str = DEFAULT_URL, **kwargs: Any) -> AsyncEngine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_file(Path(parsed.database))
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)
