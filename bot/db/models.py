"""The database: every interview session, every answer and an append-only audit trail.

Portable SQL only (SQLite and PostgreSQL run the same code).  Schema changes go through an Alembic revision
under bot/db/migrations/versions/.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: the longest display name kept
DISPLAY_NAME_LENGTH = 128


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, Any: JSON}


class User(Base):
    """A person: a Telegram account ("tg:<id>") or a terminal user ("console:<name>")."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(DISPLAY_NAME_LENGTH))
    lang: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InterviewSession(Base):
    __tablename__ = "interview_sessions"
    __table_args__ = (Index("ix_sessions_owner_form_status", "owner_id", "form_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[int] = mapped_column(Integer)
    #: active | submitted | cancelled
    status: Mapped[str] = mapped_column(String(16), default="active")
    #: the engine's position (cursor, history, draft); the answers live in `answers`
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: optimistic lock: every UPDATE checks and bumps it, so two workers cannot both apply an answer
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    #: the staff member (external id) holding the session: while set, only they may change it
    held_by: Mapped[str | None] = mapped_column(String(64))
    #: the owner asked for a person from the helpdesk (cleared when staff take the session or the owner withdraws)
    help_asked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    answers: Mapped[list[AnswerRow]] = relationship(
        back_populates="session", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it as a plain dict


class AnswerRow(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("session_id", "item_id", name="uq_answers_session_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("interview_sessions.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(64))
    #: JSON as the engine holds it: option id, list of ids, bool, decimal string, text; null = skipped
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    extra: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: given by helpdesk staff on the owner's behalf
    by_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the Telegram update that carried it (a re-delivered update finds it and changes nothing)
    update_id: Mapped[int | None] = mapped_column(BigInteger)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session: Mapped[InterviewSession] = relationship(back_populates="answers")


class AuditEvent(Base):
    """Append-only: who changed what, from what to what, when and from which chat."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_session", "session_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("interview_sessions.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    #: start | answer | submit | reopen ...
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[str | None] = mapped_column(String(64))
    old: Mapped[Any] = mapped_column(JSON, nullable=True)
    new: Mapped[Any] = mapped_column(JSON, nullable=True)
    update_id: Mapped[int | None] = mapped_column(BigInteger)


class ProcessedUpdate(Base):
    """Telegram update ids already applied: a re-delivered update is acknowledged and dropped."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ShownScreen(Base):
    """The message that shows a session's current screen in a chat: its screen key (bot.present.build.screen_key)
    and the chat's message id of the first message that showed it.  A typed message with a lower id was typed
    before that screen was shown (in a private chat, message ids increase across both sides), and a re-delivered
    update needs no fresh copy of a screen the chat already shows."""

    __tablename__ = "shown_screens"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    session_id: Mapped[int] = mapped_column(ForeignKey("interview_sessions.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    screen_key: Mapped[str] = mapped_column(String(160))
    message_id: Mapped[int] = mapped_column(BigInteger)
    shown_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EnterpriseProfile(Base):
    """What a person said about one enterprise (by credit code; '' until the code is known), keyed by the forms'
    `profile` names.  Later interviews offer these values for confirmation; they are never silently reused."""

    __tablename__ = "enterprise_profiles"
    __table_args__ = (UniqueConstraint("owner_id", "credit_code", name="uq_profiles_owner_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    credit_code: Mapped[str] = mapped_column(String(18), default="")
    #: profile key → {"value": ..., "extra": ...}
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class StaffMember(Base):
    """Helpdesk staff added in chat with /staff add (besides the STAFF_IDS of the configuration)."""

    __tablename__ = "staff_members"

    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    added_by: Mapped[str | None] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CodeGuess(Base):
    """Wrong resume codes a person has tried: shared by every worker and kept across restarts, so guessing is
    slowed down however the attempts are spread.  A right code does not clear the wrong ones before it (it only
    is not counted itself); erasing the person does, and a count is forgotten a day after the last attempt (once no
    wait is running), so the table does not grow with every code ever typed."""

    __tablename__ = "code_guesses"

    who: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    #: no attempt before this time (seconds since the epoch, from the helpdesk's clock)
    not_before: Mapped[float] = mapped_column(Float, default=0.0)
    #: the last attempt counted (the helpdesk's clock)
    last_at: Mapped[float] = mapped_column(Float, default=0.0, server_default="0", index=True)


class ResumeCode(Base):
    """A code that continues a session from another account or hands it to staff.  Only its SHA-256 is stored."""

    __tablename__ = "resume_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("interview_sessions.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: a code moves a session once: when and by whom it was used
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    used_by: Mapped[str | None] = mapped_column(String(64))


class ServiceKey(Base):
    """A value every worker shares: a secret made once at random (signing document links, CSRF tokens), or one
    fetched from elsewhere that expires (WeChat's access token), kept here so that workers agree without
    configuration."""

    __tablename__ = "service_keys"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    #: when the value stops being valid (None: never)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebVisitor(Base):
    """A browser of the web chat: its cookie's SHA-256 and the person it is ("web:…").  Expires when unused."""

    __tablename__ = "web_visitors"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PushEvent(Base):
    """Something a browser should learn without asking (taken over, handed back, a staff message, documents
    ready, the queue changed): kept a while so a page that slept catches up by its last event id."""

    __tablename__ = "push_events"
    __table_args__ = (Index("ix_push_audience_id", "audience", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: who it is for: "person:<external id>", "desk", "session:<id>"
    audience: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(24))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class RateCount(Base):
    """Requests counted per key and time window, shared by every worker (PostgreSQL; a SQLite file has one
    process, which counts in memory)."""

    __tablename__ = "rate_counts"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class StaffAccount(Base):
    """A member of staff who works at the desk in the browser: helpdesk (see, take over, answer), district officer
    (read and export the filings of their districts) or admin (also manages staff).  The password is kept only as
    its argon2id hash; an account without one has not used its sign-in link yet."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    #: helpdesk | officer | admin
    role: Mapped[str] = mapped_column(String(16))
    #: a district officer's districts and counties, as the filing prints them ("滨江区")
    districts: Mapped[Any] = mapped_column(JSON, default=list)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: the Telegram account of the same person (their Telegram staff commands then work as this account's)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"))


class StaffLink(Base):
    """A one-time sign-in link (first visit, or a new password): only its SHA-256 is kept; it expires and is used
    once."""

    __tablename__ = "staff_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DeskSession(Base):
    """A signed-in browser of the desk: its cookie's SHA-256, a new one at every sign-in; it ends at sign-out,
    after a while without activity, and at the latest a working day after the sign-in."""

    __tablename__ = "desk_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StaffNote(Base):
    """A note about a session, for staff only (never shown to the person or in their documents)."""

    __tablename__ = "staff_notes"
    __table_args__ = (Index("ix_staff_notes_session", "session_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("interview_sessions.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    text: Mapped[str] = mapped_column(Text)


class StaffLogEntry(Base):
    """What staff did that no session's audit trail can hold: accounts added, links issued, a person's data erased
    (counted, without naming them: nothing of the person is left behind)."""

    __tablename__ = "staff_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    #: added | link | telegram | active | erase | signin
    action: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
