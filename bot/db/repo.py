"""Queries.  The caller owns the transaction: nothing here commits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.db.models import DISPLAY_NAME_LENGTH, AuditEvent, EnterpriseProfile, InterviewSession, ProcessedUpdate, User
from bot.interview.answer import Answer
from bot.interview.engine import State
from bot.interview.typed import clean


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
        # the name a person gave Telegram is their text too: through the boundary (no bidi controls in reports)
        name = None if display_name is None else clean(display_name, limit=DISPLAY_NAME_LENGTH).strip() or None
        user = User(external_id=external_id, display_name=name, lang=lang)
        s.add(user)
        await s.flush()
    return user


async def latest_session(s: AsyncSession, owner_id: int, form_id: str | None = None,
                         status: str | tuple[str, ...] = "active") -> InterviewSession | None:
    """The owner's session touched last with `status` (one, or any of several), of `form_id` if given."""
    statuses = (status,) if isinstance(status, str) else status
    query = select(InterviewSession).where(InterviewSession.owner_id == owner_id,
                                           InterviewSession.status.in_(statuses))
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


async def forget_updates_before(s: AsyncSession, moment: datetime) -> int:
    """Drop update ids older than Telegram's re-delivery window (kept a generous week)."""
    result = await s.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < moment))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def audit_trail(s: AsyncSession, session_id: int) -> list[AuditEvent]:
    result = await s.scalars(select(AuditEvent).where(AuditEvent.session_id == session_id).order_by(AuditEvent.id))
    return list(result)


def profile(s: Session, owner_id: int, credit_code: str | None = None) -> EnterpriseProfile | None:
    """The profile of one enterprise, or (no code given) the one the person touched last.

    Sync, because it also runs inside the answer writer's transaction; async callers use `run_sync`.
    """
    query = select(EnterpriseProfile).where(EnterpriseProfile.owner_id == owner_id)
    if credit_code is not None:
        query = query.where(EnterpriseProfile.credit_code == credit_code)
    query = query.order_by(EnterpriseProfile.updated_at.desc(), EnterpriseProfile.id.desc()).limit(1)
    return s.scalar(query)


def enterprise_named(s: Session, owner_id: int) -> tuple[str, str]:
    """(company name, credit code) of the enterprise the person last spoke of, from their profiles: for the
    reports of a form that does not ask them.  ('', '') when the person never named one."""
    query = (select(EnterpriseProfile).where(EnterpriseProfile.owner_id == owner_id)
             .order_by(EnterpriseProfile.updated_at.desc(), EnterpriseProfile.id.desc()))
    for row in s.scalars(query):
        name = (row.data or {}).get("company_name", {}).get("value")
        if name:
            return str(name), row.credit_code or str((row.data or {}).get("credit_code", {}).get("value") or "")
    return "", ""


def remember(s: Session, owner_id: int, credit_code: str, values: dict[str, Answer], *,
             afresh: bool = False) -> None:
    """Merge profile values into the enterprise's profile (created when missing; with `afresh`, what it held is
    dropped first)."""
    row = profile(s, owner_id, credit_code)
    if row is None:
        row = EnterpriseProfile(owner_id=owner_id, credit_code=credit_code, data={})
        s.add(row)
    kept = {} if afresh else (row.data or {})
    row.data = {**kept, **{k: {"value": a.value, "extra": a.extra} for k, a in values.items()}}
    row.updated_at = datetime.now(UTC)
    s.flush()


# One enterprise, one profile.  A person's profiles are keyed by credit code; '' holds what was said of an
# enterprise whose code is not known yet (an eligibility check, a self-assessment, before any filing).  When the code
# arrives, that profile is joined to the code's (`join_unidentified`); a form that never asks the code writes to the
# enterprise it names, else to the one the person spoke of last (`remember_uncoded`).


def _company_of(row: EnterpriseProfile) -> str | None:
    value = (row.data or {}).get("company_name", {}).get("value")
    return str(value) if value else None


def join_unidentified(s: Session, owner_id: int, credit_code: str, company_name: str | None) -> None:
    """The credit code of an enterprise is now known: what the person said of it before (the '' profile) becomes
    part of the code's profile, and that profile goes.  Not when the '' profile names another company (the person
    spoke of two enterprises): then the two stay apart.  Where both hold a key, the later word (the '' profile's,
    said since the code's profile was last written) wins."""
    unidentified = profile(s, owner_id, "")
    if unidentified is None or (company_name and _company_of(unidentified) not in (None, company_name)):
        return
    coded = profile(s, owner_id, credit_code)
    if coded is None:
        unidentified.credit_code = credit_code
    else:
        coded.data = {**(coded.data or {}), **(unidentified.data or {})}
        coded.updated_at = datetime.now(UTC)
        s.delete(unidentified)
    s.flush()


def remember_uncoded(s: Session, owner_id: int, company_name: str | None, values: dict[str, Answer]) -> None:
    """Profile values from a form that does not ask the credit code: into the person's enterprise of that name, or
    (no name given here) the one they spoke of last; a name none of their enterprises has is a new enterprise, not
    yet identified: the '' profile, begun afresh when it held another company."""
    rows = list(s.scalars(select(EnterpriseProfile).where(EnterpriseProfile.owner_id == owner_id)
                          .order_by(EnterpriseProfile.updated_at.desc(), EnterpriseProfile.id.desc())))
    if not company_name:
        remember(s, owner_id, rows[0].credit_code if rows else "", values)
        return
    same = next((r for r in rows if _company_of(r) == company_name), None)
    if same is not None:
        remember(s, owner_id, same.credit_code, values)
        return
    unidentified = next((r for r in rows if r.credit_code == ""), None)
    remember(s, owner_id, "", values,
             afresh=unidentified is not None and _company_of(unidentified) not in (None, company_name))
