"""Queries.  The caller owns the transaction: nothing here commits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AnswerRow, AuditEvent, EnterpriseProfile, InterviewSession, User
from bot.interview.engine import Answer, Change, State


def _dump(answer: Answer | None) -> Any:
    if answer is None:
        return None
    return {"value": answer.value, "extra": answer.extra}


async def find_user(s: AsyncSession, external_id: str) -> User | None:
    return await s.scalar(select(User).where(User.external_id == external_id))


async def get_or_create_user(
    s: AsyncSession, external_id: str, *, display_name: str | None = None, lang: str | None = None
) -> User:
    user = await find_user(s, external_id)
    if user is None:
        user = User(external_id=external_id, display_name=display_name, lang=lang)
        s.add(user)
        await s.flush()
    return user


async def latest_session(s: AsyncSession, owner_id: int, form_id: str | None = None,
                         status: str = "active") -> InterviewSession | None:
    query = select(InterviewSession).where(InterviewSession.owner_id == owner_id, InterviewSession.status == status)
    if form_id is not None:
        query = query.where(InterviewSession.form_id == form_id)
    return await s.scalar(query.order_by(InterviewSession.updated_at.desc(), InterviewSession.id.desc()).limit(1))


async def create_session(
    s: AsyncSession, owner: User, form_id: str, form_version: int, state: State
) -> InterviewSession:
    row = InterviewSession(owner_id=owner.id, form_id=form_id, form_version=form_version, state=state.to_json(),
                           answers=[])
    s.add(row)
    await s.flush()
    s.add(AuditEvent(session_id=row.id, actor_id=owner.id, kind="start"))
    return row


def answers_of(row: InterviewSession) -> dict[str, Answer]:
    return {a.item_id: Answer(a.value, a.extra) for a in row.answers}


def state_of(row: InterviewSession) -> State:
    return State.from_json(row.state or {}, answers_of(row))


def save_step(
    s: AsyncSession,
    row: InterviewSession,
    state: State,
    changes: tuple[Change, ...],
    *,
    actor: User,
    by_staff: bool = False,
    chat_id: int | None = None,
    update_id: int | None = None,
) -> None:
    """Write the answers that changed, one audit event each, and the new position, in the caller's transaction.

    Updating the session row bumps its version: a concurrent writer holding the old version fails.
    """
    by_item = {a.item_id: a for a in row.answers}
    now = datetime.now(UTC)
    for change in changes:
        existing = by_item.get(change.item_id)
        if change.new is None:
            if existing is not None:
                row.answers.remove(existing)
        elif existing is None:
            row.answers.append(AnswerRow(item_id=change.item_id, value=change.new.value, extra=change.new.extra,
                                         answered_by=actor.id, by_staff=by_staff, update_id=update_id,
                                         answered_at=now))
        else:
            existing.value = change.new.value
            existing.extra = change.new.extra
            existing.answered_by = actor.id
            existing.by_staff = by_staff
            existing.update_id = update_id
            existing.answered_at = now
        s.add(AuditEvent(session_id=row.id, at=now, actor_id=actor.id, chat_id=chat_id, kind="answer",
                         item_id=change.item_id, old=_dump(change.old), new=_dump(change.new), update_id=update_id))
    if state.submitted and row.status != "submitted":
        row.status = "submitted"
        row.submitted_at = now
        s.add(AuditEvent(session_id=row.id, at=now, actor_id=actor.id, chat_id=chat_id, kind="submit",
                         update_id=update_id))
    row.state = state.to_json()
    row.updated_at = now


async def audit_trail(s: AsyncSession, session_id: int) -> list[AuditEvent]:
    result = await s.scalars(select(AuditEvent).where(AuditEvent.session_id == session_id).order_by(AuditEvent.id))
    return list(result)


async def profile(s: AsyncSession, owner_id: int, credit_code: str | None = None) -> EnterpriseProfile | None:
    """The profile of one enterprise, or (no code given) the one the person touched last."""
    query = select(EnterpriseProfile).where(EnterpriseProfile.owner_id == owner_id)
    if credit_code is not None:
        query = query.where(EnterpriseProfile.credit_code == credit_code)
    query = query.order_by(EnterpriseProfile.updated_at.desc(), EnterpriseProfile.id.desc()).limit(1)
    return await s.scalar(query)


async def remember(s: AsyncSession, owner_id: int, credit_code: str, values: dict[str, Answer]) -> None:
    """Merge profile values into the enterprise's profile (created when missing)."""
    row = await profile(s, owner_id, credit_code)
    if row is None:
        row = EnterpriseProfile(owner_id=owner_id, credit_code=credit_code, data={})
        s.add(row)
    row.data = {**(row.data or {}), **{k: {"value": a.value, "extra": a.extra} for k, a in values.items()}}
    row.updated_at = datetime.now(UTC)
    await s.flush()
