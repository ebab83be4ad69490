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


async def test_handled_ids_are_known_after_a_restart_and_to_another_worker(service: Interviews, forms: dict[str, Form],
                                                                          db_engine: AsyncEngine) -> None:
    """An answer's update id and an update that wrote nothing are both recorded; a new service on the same database
    (a restart, or on PostgreSQL a second worker) refuses them as re-deliveries, and only them."""
    opened = await service.open("tg:11", "miit-2022")
    await service.refresh("tg:11", 501)
    assert (await service.apply(opened.session_id, Text("2"), actor="tg:11", update_id=501)).error is None
    await service.mark_handled(502)  # a command, a refused answer: nothing else written
    assert await service.was_handled(501) and await service.was_handled(502)
    await service.close()
    restarted = Interviews(sessionmaker(db_engine), forms)
    try:
        await restarted.load_handled()
        assert await restarted.refresh("tg:11", 501) and await restarted.refresh("tg:11", 502)
        assert not await restarted.refresh("tg:11", 503) and not await restarted.was_handled(503)
        with pytest.raises(Redelivered):
            await restarted.apply(opened.session_id, Text("3"), actor="tg:11", update_id=501)
        assert (await restarted.apply(opened.session_id, Text("3"), actor="tg:11", update_id=503)).error is None
        assert await restarted.was_handled(503)
        if db_engine.dialect.name == "postgresql":  # two workers at once: what one records, the other knows
            other = Interviews(sessionmaker(db_engine), forms)
            try:
                assert not await other.refresh("tg:11", 504)
                await restarted.mark_handled(504)
                assert await other.refresh("tg:11", 504) and await other.was_handled(504)
                with pytest.raises(Redelivered):
                    await other.apply(opened.session_id, Text("1"), actor="tg:11", update_id=503)
            finally:
                await other.close()
    finally:
        await restarted.close()
    async with sessionmaker(db_engine)() as s:
        assert set(await s.scalars(select(ProcessedUpdate.update_id))) >= {501, 502, 503}
        values = {row[0]: row[1] for row in await s.execute(select(AnswerRow.item_id, AnswerRow.value))}
    assert set(values) == {"q1", "q2"} and values["q1"] == "key"  # the re-deliveries changed nothing


async def test_updates_that_write_nothing_share_the_answers_commits(service: Interviews,
                                                                   db_engine: AsyncEngine) -> None:
    people = [await service.open(f"tg:{n}", "miit-2022") for n in range(30)]
    batches, writes = service.writer.batches, service.writer.writes
    await asyncio.gather(*(service.apply(p.session_id, Text("2"), actor=f"tg:{n}", update_id=2000 + n)
                           for n, p in enumerate(people)),
                         *(service.mark_handled(3000 + n) for n in range(30)))
    assert service.writer.writes - writes == 60  # the marks went through the answer writer too,
    assert service.writer.batches - batches < 60  # and shared its commits
    await service.mark_handled(3000)  # recorded before: nothing to do, no error
    async with sessionmaker(db_engine)() as s:
        ids = set(await s.scalars(select(ProcessedUpdate.update_id)))
    assert ids == {*range(2000, 2030), *range(3000, 3030)}
    assert all([await service.was_handled(i) for i in (2000, 2029, 3000, 3029)])
