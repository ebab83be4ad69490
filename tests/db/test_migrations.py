"""The migrations build exactly the schema the models declare, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.models import Base

REPO = Path(__file__).resolve().parents[2]


async def test_models_and_migrations_agree(db_engine: AsyncEngine) -> None:
    def differences(connection: Any) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))

    async with db_engine.connect() as conn:
        found = await conn.run_sync(differences)
    assert found == []


def test_the_head_read_from_the_files_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    from bot.db.migrate import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_a_current_database_is_checked_without_alembic(tmp_path: Path) -> None:
    """A restart on a migrated database reads its revision and does not import (or run) Alembic."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    script = f"""
import asyncio, sys
from sqlalchemy import text
from bot.db.engine import create_engine
from bot.db.migrate import head_revision, prepare
async def main():
    engine = create_engine({url!r})
    await prepare(engine)
    print("alembic" in sys.modules)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = :v"), {{"v": sys.argv[1]}})
    await engine.dispose()
asyncio.run(main())
"""
    def run(version: str) -> str:
        done = subprocess.run([sys.executable, "-c", script, version], capture_output=True, text=True, check=True,
                              cwd=REPO)
        return done.stdout.strip()

    from bot.db.migrate import head_revision

    head = head_revision()
    assert head is not None
    assert run(head) == "True"  # a new file: migrated
    assert run(head) == "False"  # current: checked only
