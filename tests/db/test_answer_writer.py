"""The group-commit writer: many answers in one transaction, stale writes refused, re-deliveries recognised."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.batch import AnswerWriter, Conflict, Duplicate, StepWrite
from bot.db.engine import sessionmaker
from bot.db.models import AnswerRow, AuditEvent, InterviewSession, ProcessedUpdate
from bot.interview.engine import Text
from bot.interview.schema import Form
from bot.service.sessions import Interviews, Redelivered


async def test_concurrent_answers_share_transactions_and_all_land(service: Interviews, db_engine: AsyncEngine) -> None:
    people = [await service.open(f"tg:{n}", "miit-2022") for n in range(60)]
    steps = await asyncio.gather(*(service.apply(p.session_id, Text("2"), actor=f"tg:{n}", update_id=1000 + n)
                                   for n, p in enumerate(people)))
    assert all(s.error is None and s.state.cursor == "q2" for s in steps)
    assert service.writer.batches < service.writer.writes  # several answers per commit
    async with sessionmaker(db_engine)() as s:
        assert await s.scalar(select(func.count()).select_from(AnswerRow)) == 60
        assert await s.scalar(select(func.count()).select_from(ProcessedUpdate)) == 60
        assert await s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "answer")) == 60


async def test_a_redelivered_update_changes_nothing(service: Interviews, db_engine: AsyncEngine) -> None:
    opened = await service.open("tg:7", "miit-2022")
    first = await service.apply(opened.session_id, Text("2"), actor="tg:7", update_id=77)
    assert first.error is None
    service.forget()  # as after a restart: nothing in memory
    with pytest.raises(Redelivered):  # the channel shows the current screen again
        await service.apply(opened.session_id, Text("3"), actor="tg:7", update_id=77)
    assert await service.was_handled(77) and not await service.was_handled(78)
    async with sessionmaker(db_engine)() as s:
        values = list(await s.scalars(select(AnswerRow.value)))
    assert values == ["key"]


async def test_a_stale_version_is_refused_before_anything_is_written(service: Interviews,
                                                                    db_engine: AsyncEngine) -> None:
    opened = await service.open("tg:8", "miit-2022")
    async with sessionmaker(db_engine)() as s:
        version = (await s.get(InterviewSession, opened.session_id)).version  # type: ignore[union-attr]
    writer = AnswerWriter(db_engine)
    try:
        stale = StepWrite(session_id=opened.session_id, expected_version=version - 1, state=opened.state,
                          changes=(), actor_id=1)
        with pytest.raises(Conflict):
            await writer.write(stale)
        fresh = StepWrite(session_id=opened.session_id, expected_version=version, state=opened.state, changes=(),
                          actor_id=1, update_id=5)
        assert (await writer.write(fresh))[0] == version + 1
        repeat = StepWrite(session_id=opened.session_id, expected_version=version + 1, state=opened.state,
                           changes=(), actor_id=1, update_id=5)
        with pytest.raises(Duplicate):
            await writer.write(repeat)
    finally:
        await writer.close()


async def test_two_writers_on_one_session_the_loser_reapplies(service: Interviews, forms: dict[str, Form],
                                                              db_engine: AsyncEngine) -> None:
    """A second worker (its own cache) answering the same session: the stale one re-reads and applies again."""
    opened = await service.open("tg:9", "miit-2022")
    other = Interviews(sessionmaker(db_engine), forms)
    try:
        await other.load(opened.session_id)  # caches the session as it is now
        await service.apply(opened.session_id, Text("1"), actor="tg:9")  # q1 by the first worker
        step = await other.apply(opened.session_id, Text("2"), actor="tg:9")  # stale cache: must re-read
        assert step.error is None and set(step.state.answers) == {"q1", "q2"}
    finally:
        await other.close()
