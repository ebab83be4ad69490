"""Group commit for answers: the writes of many concurrent answers share one transaction and a handful of bulk
statements, and each caller resumes only when the transaction holding its write has committed.

Why: a commit costs about a millisecond, so a commit per answer caps a process near 1,000 answers a second, and
on SQLite hundreds of concurrent writers queue on the database lock ("database is locked").  Here one task owns
the writing.  Callers queue a `StepWrite`; the task takes everything queued so far and, in one transaction:

  1. reads the versions of the sessions concerned (locking the rows on PostgreSQL) and which Telegram update ids
     were already applied;
  2. refuses the writes whose session moved on (`Conflict`: the caller re-reads and applies again) and those whose
     update was applied before (`Duplicate`: a re-delivery, nothing to do);
  3. runs the rare per-write preparations (enterprise-profile updates) that need their own queries;
  4. writes the rest with one executemany per table (sessions, answers, audit events, processed update ids, and
     the screens the answers were given on where their chat has none recorded: bot/service/shown.py);
  5. commits, then resumes every caller.

An update that writes nothing (a command, a refused answer, a screen shown again) is recorded as handled in the
same way (`mark`): its id rides in the next batch's transaction instead of costing a commit of its own.

While a batch commits the next one gathers, so batches grow with load and a lone answer is not delayed.

The batch is plain synchronous SQLAlchemy on one connection.  On a SQLite file it runs in a worker thread through
a synchronous twin engine: one hop to the thread per batch, where the async driver would need a round trip through
a busy event loop for every statement.  Elsewhere (PostgreSQL) the same code runs through `run_sync`.  If a
batch fails as a whole (a rare error, or another process writing the same SQLite file), its writes are retried
one by one, so one bad write fails alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from bot.db.engine import sync_twin
from bot.db.models import AnswerRow, AuditEvent, InterviewSession, ProcessedUpdate, ShownScreen
from bot.interview.answer import Answer
from bot.interview.engine import Change, State

log = logging.getLogger(__name__)

SESSIONS = cast(Table, InterviewSession.__table__)
ANSWERS = cast(Table, AnswerRow.__table__)
AUDIT = cast(Table, AuditEvent.__table__)
PROCESSED = cast(Table, ProcessedUpdate.__table__)
SHOWN = cast(Table, ShownScreen.__table__)


class Conflict(Exception):
    """The session changed since it was read (another writer, a stale cache): re-read and apply again."""


class Duplicate(Exception):
    """The Telegram update that carried this write was applied before."""


#: queries a write needs inside the batch's transaction (a sync ORM session on its connection); returns the state
Prepare = Callable[[Session, State], State]


@dataclass
class StepWrite:
    session_id: int
    expected_version: int
    state: State
    changes: tuple[Change, ...]
    actor_id: int
    was_submitted: bool = False
    by_staff: bool = False
    chat_id: int | None = None
    update_id: int | None = None
    #: the key of the screen the input was given on (with `chat_id`): recorded as the chat's shown screen when the
    #: chat has none recorded (its first screen's record was lost in a crash, or the chat predates the record), so
    #: that a chat where an answer was applied always has one (bot/service/shown.py)
    shown_key: str | None = None
    #: queries this write needs inside the transaction (e.g. the enterprise profile); returns the state to store
    prepare: Prepare | None = None
    #: what became of it, set by the batch (a (new version, stored state) pair, or Conflict / Duplicate)
    outcome: tuple[int, State] | Exception | None = None
    future: asyncio.Future[tuple[int, State]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass
class Mark:
    """An update that wrote nothing, to be recorded as handled (its id in processed_updates)."""

    update_id: int
    #: set by the batch: whether this batch recorded it (False: it was recorded before)
    outcome: bool | None = None
    future: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


Job = StepWrite | Mark


def _dump(answer: Answer | None) -> Any:
    return None if answer is None else {"value": answer.value, "extra": answer.extra}


class AnswerWriter:
    def __init__(self, engine: AsyncEngine, *, max_batch: int = 500) -> None:
        self.engine = engine
        self.sync_engine = sync_twin(engine)
        self.max_batch = max_batch
        self._queue: asyncio.Queue[Job] | None = None
        self._task: asyncio.Task[None] | None = None
        #: figures for benchmarks and logs
        self.batches = 0
        self.writes = 0

    async def write(self, job: StepWrite) -> tuple[int, State]:
        """Queue a write; returns (new version, stored state) once committed, or raises Conflict / Duplicate."""
        self._enqueue(job)
        return await job.future

    async def mark(self, update_id: int) -> bool:
        """Record an update that wrote nothing as handled, in the next batch's transaction; returns once committed
        (False when it was recorded before)."""
        job = Mark(update_id)
        self._enqueue(job)
        return await job.future

    def _enqueue(self, job: Job) -> None:
        if self._task is None or self._task.done():
            self._queue = asyncio.Queue()
            self._task = asyncio.create_task(self._work(self._queue), name="answer-writer")
        assert self._queue is not None
        self._queue.put_nowait(job)

    async def close(self) -> None:
        """Finish the queued writes and stop."""
        if self._task is None:
            if self.sync_engine is not None:
                self.sync_engine.dispose()
            return
        assert self._queue is not None
        await self._queue.join()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        if self.sync_engine is not None:
            self.sync_engine.dispose()

    async def _work(self, queue: asyncio.Queue[Job]) -> None:
        while True:
            batch = [await queue.get()]
            while not queue.empty() and len(batch) < self.max_batch:
                batch.append(queue.get_nowait())
            try:
                await self._commit_batch(batch)
            except Exception:
                if len(batch) > 1:
                    log.warning("a batch of %d writes failed; retrying them one by one", len(batch), exc_info=True)
                for job in batch:
                    if job.future.done():
                        continue
                    try:
                        await self._commit_batch([job])
                    except Exception as exc:
                        if not job.future.done():
                            job.future.set_exception(exc)
            finally:
                for _ in batch:
                    queue.task_done()

    async def _commit_batch(self, batch: list[Job]) -> None:
        if self.sync_engine is not None:
            await asyncio.to_thread(self._in_thread, batch)
        else:
            async with self.engine.begin() as conn:
                await conn.run_sync(self._apply_batch, batch)
        self.batches += 1
        self.writes += len(batch)
        for job in batch:
            if job.future.done():
                continue
            if isinstance(job, Mark):
                if job.outcome is not None:
                    job.future.set_result(job.outcome)
            elif isinstance(job.outcome, Exception):
                job.future.set_exception(job.outcome)
            elif job.outcome is not None:
                job.future.set_result(job.outcome)

    def _in_thread(self, batch: list[Job]) -> None:
        assert self.sync_engine is not None
        with self.sync_engine.begin() as conn:
            self._apply_batch(conn, batch)

    def _apply_batch(self, conn: Connection, batch: list[Job]) -> None:
        """The whole batch on one connection, inside the caller's transaction (sync code)."""
        for job in batch:
            job.outcome = None
        accepted, marks = self._screen(conn, batch)
        preparing = [job for job in accepted if job.prepare is not None]
        if preparing:
            with Session(bind=conn, expire_on_commit=False) as session:
                for job in preparing:
                    assert job.prepare is not None
                    job.state = job.prepare(session, job.state)
                session.flush()
        self._write(conn, accepted, marks)
        for job in accepted:
            job.outcome = (job.expected_version + 1, job.state)

    def _screen(self, conn: Connection, batch: list[Job]) -> tuple[list[StepWrite], list[Mark]]:
        """Read versions and applied update ids once for the whole batch; keep the writes that may go ahead, and
        the marks not recorded before."""
        steps = [j for j in batch if isinstance(j, StepWrite)]
        versions: dict[int, int] = {}
        if steps:
            query = select(SESSIONS.c.id, SESSIONS.c.version).where(SESSIONS.c.id.in_({j.session_id for j in steps}))
            if conn.dialect.name == "postgresql":
                query = query.with_for_update()
            versions = {row[0]: row[1] for row in conn.execute(query)}
        update_ids = {j.update_id for j in batch if j.update_id is not None}
        applied: set[int] = set()
        if update_ids:
            found = conn.execute(select(PROCESSED.c.update_id).where(PROCESSED.c.update_id.in_(update_ids)))
            applied = set(found.scalars().all())
        accepted: list[StepWrite] = []
        marks: list[Mark] = []
        for job in batch:
            if isinstance(job, Mark):
                job.outcome = job.update_id not in applied
                if job.outcome:
                    marks.append(job)
                    applied.add(job.update_id)
            elif job.update_id is not None and job.update_id in applied:
                job.outcome = Duplicate(job.update_id)
            elif versions.get(job.session_id) != job.expected_version:
                job.outcome = Conflict(job.session_id)
            else:
                accepted.append(job)
                versions[job.session_id] = job.expected_version + 1  # a second write to it in this batch conflicts
                if job.update_id is not None:
                    applied.add(job.update_id)
        return accepted, marks

    def _write(self, s: Connection, jobs: list[StepWrite], marks: list[Mark]) -> None:
        if not jobs and not marks:
            return
        now = datetime.now(UTC)
        plain: list[dict[str, Any]] = []
        submitted: list[dict[str, Any]] = []
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        deletes: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        processed: list[dict[str, Any]] = [{"update_id": m.update_id, "processed_at": now} for m in marks]
        shown: dict[tuple[int, int], str] = {}
        for job in jobs:
            if job.chat_id is not None and job.shown_key is not None:
                shown.setdefault((job.chat_id, job.session_id), job.shown_key)
            submitting = job.state.submitted and not job.was_submitted
            row = {"b_id": job.session_id, "state": job.state.to_json(), "version": job.expected_version + 1,
                   "updated_at": now, "status": "submitted" if job.state.submitted else "active"}
            (submitted if submitting else plain).append({**row, "submitted_at": now} if submitting else row)
            for change in job.changes:
                if change.new is None:
                    deletes.append({"b_session": job.session_id, "b_item": change.item_id})
                    continue
                row = {"value": change.new.value, "extra": change.new.extra, "answered_by": job.actor_id,
                       "by_staff": job.by_staff, "update_id": job.update_id, "answered_at": now}
                if change.old is None:
                    inserts.append({"session_id": job.session_id, "item_id": change.item_id, **row})
                else:
                    updates.append({"b_session": job.session_id, "b_item": change.item_id, **row})
                events.append({"session_id": job.session_id, "at": now, "actor_id": job.actor_id,
                               "chat_id": job.chat_id, "kind": "answer", "item_id": change.item_id,
                               "old": _dump(change.old), "new": _dump(change.new), "update_id": job.update_id})
            if submitting:
                events.append({"session_id": job.session_id, "at": now, "actor_id": job.actor_id,
                               "chat_id": job.chat_id, "kind": "submit", "item_id": None, "old": None, "new": None,
                               "update_id": job.update_id})
            if job.update_id is not None:
                processed.append({"update_id": job.update_id, "processed_at": now})
        if plain:
            s.execute(
                update(SESSIONS).where(SESSIONS.c.id == bindparam("b_id")).values(
                    state=bindparam("state"), version=bindparam("version"), updated_at=bindparam("updated_at"),
                    status=bindparam("status")),
                plain,
            )
        if submitted:
            s.execute(
                update(SESSIONS).where(SESSIONS.c.id == bindparam("b_id")).values(
                    state=bindparam("state"), version=bindparam("version"), updated_at=bindparam("updated_at"),
                    status=bindparam("status"), submitted_at=bindparam("submitted_at")),
                submitted,
            )
        where = (ANSWERS.c.session_id == bindparam("b_session")) & (ANSWERS.c.item_id == bindparam("b_item"))
        if deletes:
            s.execute(delete(ANSWERS).where(where), deletes)
        if updates:
            s.execute(update(ANSWERS).where(where).values(
                value=bindparam("value"), extra=bindparam("extra"), answered_by=bindparam("answered_by"),
                by_staff=bindparam("by_staff"), update_id=bindparam("update_id"),
                answered_at=bindparam("answered_at")), updates)
        if inserts:
            s.execute(insert(ANSWERS), inserts)
        if events:
            s.execute(insert(AUDIT), events)
        if processed:
            s.execute(insert(PROCESSED), processed)
        if shown:
            dialect = postgresql if s.dialect.name == "postgresql" else sqlite
            s.execute(dialect.insert(SHOWN).on_conflict_do_nothing(index_elements=["chat_id", "session_id"]),
                      [{"chat_id": chat, "session_id": session, "screen_key": key, "message_id": 0, "shown_at": now}
                       for (chat, session), key in sorted(shown.items())])
