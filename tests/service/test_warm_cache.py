"""A SQLite service reads the sessions people are in at start (Interviews.warm): what `current` then answers from
memory is what it would have read from the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, update

from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import InterviewSession
from bot.interview.engine import Text
from bot.interview.schema import Form
from bot.service.sessions import Interviews


async def test_the_warmed_cache_finds_what_the_database_would(tmp_path: Path, forms: dict[str, Form]) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    await upgrade(engine)
    before = Interviews(sessionmaker(engine), forms)
    one_a = await before.open("tg:1", "miit-2022")
    await before.open("tg:1", "hangzhou-eligibility")  # touched later: tg:1's current
    await before.apply(one_a.session_id, Text("2"), actor="tg:1")  # ... until this answer touches the first
    two = await before.open("tg:2", "miit-2022")
    three = await before.open("tg:3", "miit-2022")
    old = await before.open("tg:4", "miit-2022")
    held = await before.open("tg:5", "miit-2022")
    await before.close()
    async with sessionmaker(engine).begin() as s:
        await s.execute(update(InterviewSession).where(InterviewSession.id == two.session_id)
                        .values(status="submitted"))
        await s.execute(update(InterviewSession).where(InterviewSession.id == old.session_id)
                        .values(updated_at=datetime.now(UTC) - timedelta(days=30)))
        await s.execute(update(InterviewSession).where(InterviewSession.id == held.session_id)
                        .values(held_by="tg:777"))
    people = ["tg:1", "tg:2", "tg:3", "tg:4", "tg:5", "tg:777", "tg:nobody"]
    cold = Interviews(sessionmaker(engine), forms)
    expected = {p: (c.session_id, c.state) if (c := await cold.current(p)) else None for p in people}
    await cold.close()
    assert expected["tg:1"] is not None and expected["tg:1"][0] == one_a.session_id
    assert expected["tg:777"] is not None and expected["tg:777"][0] == held.session_id
    assert expected["tg:5"] is not None and expected["tg:5"][0] == held.session_id
    assert expected["tg:2"] is None and expected["tg:3"] is not None and expected["tg:3"][0] == three.session_id
    warm = Interviews(sessionmaker(engine), forms)
    try:
        assert await warm.warm() == 4  # tg:1 two, tg:3, the held one; not the submitted or the month-old one
        statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        for person in ("tg:1", "tg:3", "tg:777"):
            found = await warm.current(person)
            assert found is not None and (found.session_id, found.state) == expected[person]
        assert statements == []  # from memory
        # not warmed (tg:5's only session is held by staff: whether they have an older one of their own is not
        # known without asking): read as before, with the same answer
        for person in ("tg:2", "tg:4", "tg:5", "tg:nobody"):
            found = await warm.current(person)
            assert (None if found is None else (found.session_id, found.state)) == expected[person]
        step = await warm.apply(three.session_id, Text("1"), actor="tg:3")
        assert step.error is None and step.state.cursor == "q2"
        hurried = Interviews(sessionmaker(engine), forms)
        try:  # out of time at once: only the held sessions (all of them, always) are read; the rest is asked later
            assert await hurried.warm(budget=0.0) == 1
            for person in ("tg:1", "tg:777", "tg:5"):
                found = await hurried.current(person)
                assert found is not None and (found.session_id, found.state) == expected[person]
        finally:
            await hurried.close()
    finally:
        await warm.close()
        await engine.dispose()
