"""Storage through the real migrations, on SQLite always and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm.exc import StaleDataError

from bot.db import repo
from bot.db.engine import sessionmaker
from bot.db.models import AnswerRow, AuditEvent, InterviewSession, User
from bot.interview import engine
from bot.interview.answer import Answer
from bot.interview.engine import Text
from bot.service.sessions import Interviews


async def test_an_answer_is_committed_with_who_and_an_audit_event(service: Interviews, db_engine: AsyncEngine) -> None:
    opened = await service.open("console:alice", "miit-2022", lang="zh")
    assert not opened.resumed and opened.state.cursor == "q1"
    async with sessionmaker(db_engine)() as s:
        before = (await s.get(InterviewSession, opened.session_id)).version  # type: ignore[union-attr]
    step = await service.apply(opened.session_id, Text("3"), actor="console:alice", chat_id=42, update_id=7)
    assert step.error is None
    # read back through a brand-new connection pool: the answer is durable, not just in memory
    fresh = sessionmaker(db_engine)
    async with fresh() as s:
        row = await s.scalar(select(AnswerRow))
        assert row is not None and (row.item_id, row.value, row.update_id) == ("q1", "most", 7)
        alice = await s.scalar(select(User).where(User.external_id == "console:alice"))
        assert alice is not None and row.answered_by == alice.id
        events = await repo.audit_trail(s, opened.session_id)
        assert [e.kind for e in events] == ["start", "answer"]
        assert events[1].new == {"value": "most", "extra": None} and events[1].old is None
        assert events[1].chat_id == 42
        session = await s.get(InterviewSession, opened.session_id)
        assert session is not None and session.state["cursor"] == "q2" and session.version == before + 1


async def test_changing_an_answer_is_audited_from_old_to_new(service: Interviews, db_engine: AsyncEngine) -> None:
    opened = await service.open("console:bob", "miit-2022")
    await service.apply(opened.session_id, Text("1"), actor="console:bob")
    await service.apply(opened.session_id, engine.Back(), actor="console:bob")
    await service.apply(opened.session_id, Text("4"), actor="console:bob")
    async with sessionmaker(db_engine)() as s:
        events = [e for e in await repo.audit_trail(s, opened.session_id) if e.kind == "answer"]
        assert [(e.old, e.new) for e in events] == [
            (None, {"value": "single", "extra": None}),
            ({"value": "single", "extra": None}, {"value": "all", "extra": None}),
        ]
        assert await s.scalar(select(func.count()).select_from(AnswerRow)) == 1


async def test_a_refused_input_writes_nothing(service: Interviews, db_engine: AsyncEngine) -> None:
    opened = await service.open("console:carol", "miit-2022")
    step = await service.apply(opened.session_id, Text("nonsense"), actor="console:carol")
    assert step.error is not None
    async with sessionmaker(db_engine)() as s:
        assert await s.scalar(select(func.count()).select_from(AnswerRow)) == 0
        assert await s.scalar(select(func.count()).select_from(AuditEvent)) == 1  # just "start"


async def test_reopening_resumes_the_same_session(service: Interviews) -> None:
    first = await service.open("console:dan", "miit-2022")
    await service.apply(first.session_id, Text("2"), actor="console:dan")
    again = await service.open("console:dan", "miit-2022")
    assert again.resumed and again.session_id == first.session_id
    assert again.state.answers["q1"] == Answer("key") and again.state.cursor == "q2"
    current = await service.current("console:dan")
    assert current is not None and current.session_id == first.session_id


async def test_optimistic_lock_refuses_a_stale_writer(service: Interviews, db_engine: AsyncEngine) -> None:
    opened = await service.open("console:erin", "miit-2022")
    maker = sessionmaker(db_engine)
    async with maker() as slow:
        stale = await slow.get(InterviewSession, opened.session_id)
        assert stale is not None
        await service.apply(opened.session_id, Text("1"), actor="console:erin")  # another worker wins
        stale.state = {"cursor": "q9"}
        with pytest.raises(StaleDataError):
            await slow.commit()


async def test_concurrent_inputs_on_one_session_are_all_applied(service: Interviews, db_engine: AsyncEngine) -> None:
    """Two workers applying inputs to the same session at once: the loser re-reads and applies to the new state."""
    opened = await service.open("console:fay", "miit-2022")
    steps = await asyncio.gather(
        service.apply(opened.session_id, Text("1"), actor="console:fay"),
        service.apply(opened.session_id, Text("2"), actor="console:fay"),
    )
    assert all(s.error is None for s in steps)
    async with sessionmaker(db_engine)() as s:
        row = await s.get(InterviewSession, opened.session_id)
        assert row is not None
        assert {a.item_id for a in row.answers} == {"q1", "q2"}
        assert row.state["cursor"] == "q3"



async def test_the_service_passes_its_clock_into_the_engine(service: Interviews,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine is pure: the service reads today's date and hands it in with every input."""
    from datetime import date

    from bot.service import sessions as sessions_module

    seen: list[object] = []
    real = engine.apply

    def spy(form: object, state: object, event: object, today: object = None) -> engine.Step:
        seen.append(today)
        return real(form, state, event, today)  # type: ignore[arg-type]

    monkeypatch.setattr(sessions_module.engine, "apply", spy)
    service.today = lambda: date(2020, 6, 1)
    opened = await service.open("tg:clock", "miit-2022")
    await service.apply(opened.session_id, Text("1"), actor="tg:clock")
    assert seen == [date(2020, 6, 1)]
