"""Helpdesk: resume codes, staff, finding and taking over sessions, reopening, and erasing personal data.

Channel-free (the Telegram staff commands in bot/dialogs/telegram/ call these).  Rules kept here:
- a resume code carries 80 bits of randomness, is stored only as its SHA-256, expires (7 days by default), can
  be revoked and moves a session once; guessing is slowed down per person and per code typed, in the database so
  every worker and a restart see it: each attempt is counted (compare-and-set) before the code is looked at, so
  concurrent guesses cannot all be evaluated, and from the fifth on each one doubles the wait, up to an hour;
- only staff (STAFF_IDS, added by staff, or a desk account of the helpdesk or admin role, bot/service/staff.py,
  as "desk:N" or through its linked Telegram id) may find, take, reopen or export; everything refuses others the
  same way, whether or not a session exists;
- one editor at a time: while staff hold a session only they can change it (Interviews.apply enforces it);
  taking and handing back bump the session's version so every worker's cached copy is re-read;
- erasing a person removes their sessions, answers, audit trail, profiles, codes, wrong-code count, staff rights
  and every row naming them; on SQLite the deleted pages are overwritten (secure_delete) and the WAL is emptied.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import repo
from bot.db.models import (
    AnswerRow,
    AuditEvent,
    CodeGuess,
    EnterpriseProfile,
    InterviewSession,
    PushEvent,
    ResumeCode,
    ShownScreen,
    StaffAccount,
    StaffMember,
    StaffNote,
    User,
    WebVisitor,
)
from bot.interview.engine import progress
from bot.service.events import person, session_audience
from bot.service.sessions import SESSION_ID_MAX, Interviews

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: readable over the phone
CODE_LENGTH = 17  # 30^17 ≈ 2^83 > 2^80
CODE_TTL = timedelta(days=7)
FREE_ATTEMPTS = 5
#: the longest wait between two codes (seconds), however many were wrong
MAX_WAIT = 3600.0
#: a count of wrong codes idle this long (seconds, and with no wait running) is forgotten
GUESS_MEMORY = 86400.0


@dataclass(frozen=True)
class Moved:
    """A session that left a person's account through a resume code."""

    session_id: int
    form_id: str
    at: datetime
    to: str


class NotAllowed(Exception):
    """The person may not do this (the same answer whether or not the session exists)."""


@dataclass(frozen=True)
class _Charged:
    """One counted attempt: the count of `key` was `failures` (with its wait `not_before`) and is now `after`."""

    key: str
    failures: int
    not_before: float
    after: int


class SlowDown(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(f"wait {wait:.0f} s")
        self.wait = wait


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return re.sub(r"[\s\-_]", "", text).upper()


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def pretty_code(code: str) -> str:
    """Groups of four or five for reading aloud: 'ABCD-EFGH-JKMN-PQRST'."""
    return "-".join(code[i:i + 4] for i in range(0, len(code) - 5, 4)) + "-" + code[-5:]


def mask_phone(text: str) -> str:
    """'13912345678' → '139****5678'; landlines keep area code and last 4 digits."""
    digits = re.sub(r"\D", "", text)
    if len(digits) < 7:
        return "*" * len(text)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


@dataclass(frozen=True)
class Found:
    session_id: int
    form_id: str
    status: str
    answered: int
    total: int
    company: str
    phone: str
    held_by: str | None
    owner: str


@dataclass
class Helpdesk:
    interviews: Interviews
    #: staff from the configuration (external ids such as "tg:123")
    configured_staff: frozenset[str] = frozenset()
    #: wall-clock seconds: the guessing limit is stored, and shared by every worker on the database
    clock: Callable[[], float] = time.time

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        return self.interviews.sessionmaker

    # --- staff ---------------------------------------------------------------------------------------------

    async def is_staff(self, external_id: str) -> bool:
        if external_id in self.configured_staff:
            return True
        async with self.sessionmaker() as s:
            if await s.get(StaffMember, external_id) is not None:
                return True
            return await _desk_helper(s, external_id)

    async def require_staff(self, external_id: str) -> None:
        if not await self.is_staff(external_id):
            raise NotAllowed

    async def add_staff(self, by: str, external_id: str) -> None:
        await self.require_staff(by)
        async with self.sessionmaker.begin() as s:
            if await s.get(StaffMember, external_id) is None:
                s.add(StaffMember(external_id=external_id, added_by=by))

    # --- resume codes --------------------------------------------------------------------------------------

    async def issue_code(self, session_id: int, by: str, *, ttl: timedelta = CODE_TTL) -> str:
        """A new code for the session (its owner, or the staff member holding it, may ask)."""
        owner, held_by = await self.interviews.holder(session_id)
        if by not in (owner, held_by) and not await self.is_staff(by):
            raise NotAllowed
        code = new_code()
        async with self.sessionmaker.begin() as s:
            s.add(ResumeCode(session_id=session_id, code_hash=code_hash(code), created_by=by,
                             expires_at=datetime.now(UTC) + ttl))
            s.add(AuditEvent(session_id=session_id, kind="code", actor_id=await self._user_id(s, by)))
        return code

    async def revoke_codes(self, session_id: int, by: str) -> int:
        owner, held_by = await self.interviews.holder(session_id)
        if by not in (owner, held_by) and not await self.is_staff(by):
            raise NotAllowed
        async with self.sessionmaker.begin() as s:
            result = await s.execute(update(ResumeCode).where(ResumeCode.session_id == session_id,
                                                              ResumeCode.revoked_at.is_(None))
                                     .values(revoked_at=datetime.now(UTC)))
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def count_attempt(self, key: str) -> None:
        """Count one attempt of something guessable (a password: "pw:ACCOUNT", "pwip:ADDRESS") before it is
        checked, as wrong resume codes are counted; SlowDown while its wait runs."""
        await self._charge(key[:64])

    async def clear_attempts(self, *keys: str) -> None:
        """Forget the attempts of `keys` (the right password was given)."""
        async with self.sessionmaker.begin() as s:
            await s.execute(delete(CodeGuess).where(CodeGuess.who.in_([k[:64] for k in keys])))

    def _wait(self, attempts: int) -> float:
        return 0.0 if attempts < FREE_ATTEMPTS else min(2.0 ** min(attempts - FREE_ATTEMPTS, 32), MAX_WAIT)

    async def _charge(self, key: str) -> _Charged:
        """Count one attempt for `key` before anything is looked up, or SlowDown while its wait runs.

        Compare-and-set on the stored count: of any number of concurrent attempts (any worker) each one is
        counted exactly once, and once the count reaches the free attempts the others find the wait set.  Returns
        what the count was before and is now, for `_refund` when the attempt turns out to be a valid code."""
        for _ in range(50):
            now = self.clock()
            async with self.sessionmaker() as s:
                row = (await s.execute(select(CodeGuess.failures, CodeGuess.not_before, CodeGuess.last_at)
                                       .where(CodeGuess.who == key))).first()
            if row is not None and now < row.not_before:
                raise SlowDown(row.not_before - now)
            attempts = 1 if row is None else row.failures + 1
            not_before = now + self._wait(attempts) if attempts >= FREE_ATTEMPTS else 0.0
            try:
                async with self.sessionmaker.begin() as s:
                    if row is None:
                        # a new row: forget the counts idle for a day whose wait has run out
                        await s.execute(delete(CodeGuess).where(CodeGuess.last_at < now - GUESS_MEMORY,
                                                                CodeGuess.not_before <= now))
                        s.add(CodeGuess(who=key, failures=attempts, not_before=not_before, last_at=now))
                        await s.flush()
                        return _Charged(key, 0, 0.0, attempts)
                    before = (row.failures, row.not_before)
                    if row.last_at < now - GUESS_MEMORY and row.not_before <= now:
                        attempts = 1  # idle for a day: counted afresh
                        not_before = 0.0
                        before = (0, 0.0)
                    result = await s.execute(update(CodeGuess)
                                             .where(CodeGuess.who == key, CodeGuess.failures == row.failures)
                                             .values(failures=attempts, not_before=not_before, last_at=now))
                    if result.rowcount == 1:  # type: ignore[attr-defined]
                        return _Charged(key, *before, attempts)
            except IntegrityError:  # another attempt counted the first one at the same moment: count again
                continue
        raise SlowDown(1.0)

    async def _refund(self, charged: _Charged) -> None:
        """The attempt `charged` counted was a valid code: it is not a wrong one, but the wrong ones before it stay
        counted (and their wait set), forgotten only by time.  The count goes back to what it was, wait included,
        unless another attempt was counted meanwhile: then only this attempt is taken off."""
        async with self.sessionmaker.begin() as s:
            result = await s.execute(update(CodeGuess)
                                     .where(CodeGuess.who == charged.key, CodeGuess.failures == charged.after)
                                     .values(failures=charged.failures, not_before=charged.not_before))
            if result.rowcount != 1:  # type: ignore[attr-defined]
                await s.execute(update(CodeGuess).where(CodeGuess.who == charged.key, CodeGuess.failures > 0)
                                .values(failures=CodeGuess.failures - 1))

    async def _valid_code(self, code: str) -> ResumeCode | None:
        async with self.sessionmaker() as s:
            row = await s.scalar(select(ResumeCode).where(ResumeCode.code_hash == code_hash(code)))
        now = datetime.now(UTC)
        if row is None or row.revoked_at is not None or row.used_at is not None or _aware(row.expires_at) <= now:
            return None
        return row

    async def code_session(self, code: str) -> int | None:
        """The session a valid code opens, None otherwise; not an attempt (callers that act on a code use
        session_of_code or redeem, which count)."""
        row = await self._valid_code(code)
        return None if row is None else row.session_id

    async def session_of_code(self, code: str, who: str) -> int:
        """The session a valid code opens; LookupError for a wrong, expired, revoked or used code; SlowDown when
        guessing (per person and per code typed).  Changes nothing but the attempt counts: every attempt is
        counted before the code is looked up (so no number of concurrent guesses goes uncounted), and a valid code
        then takes its own attempt off again — never the wrong ones before it."""
        key = "code:" + code_hash(code)[:32]
        person = await self._charge(who)
        typed = await self._charge(key)
        row = await self._valid_code(code)
        if row is None:
            raise LookupError("no such code")
        await self._refund(person)
        await self._refund(typed)
        return row.session_id

    async def redeem(self, code: str, who: str) -> tuple[int, str]:
        """Use a code, once: staff take the session over; anyone else becomes its owner (the same person on
        another account).  Returns (session id, "taken" | "moved")."""
        session_id = await self.session_of_code(code, who)
        async with self.sessionmaker.begin() as s:  # a code moves a session once, whichever worker is first
            used = await s.execute(update(ResumeCode)
                                   .where(ResumeCode.code_hash == code_hash(code), ResumeCode.used_at.is_(None))
                                   .values(used_at=datetime.now(UTC), used_by=who))
            if used.rowcount != 1:  # type: ignore[attr-defined]
                raise LookupError("code already used")
        if await self.is_staff(who):
            await self.take(session_id, who)
            return session_id, "taken"
        await self._move(session_id, who)
        return session_id, "moved"

    async def _move(self, session_id: int, new_owner: str) -> None:
        async with self.sessionmaker.begin() as s:
            user = await repo.get_or_create_user(s, new_owner)
            row = await s.get(InterviewSession, session_id)
            assert row is not None
            old = row.owner_id
            row.owner_id = user.id
            row.updated_at = datetime.now(UTC)
            s.add(AuditEvent(session_id=session_id, actor_id=user.id, kind="moved", old={"owner": old},
                             new={"owner": user.id, "to": new_owner}))
        self.interviews.forget()

    async def moved_away(self, external_id: str) -> list[Moved]:
        """The sessions that left this person's account through a code (newest first)."""
        async with self.sessionmaker() as s:
            user = await repo.find_user(s, external_id)
            if user is None:
                return []
            events = await s.scalars(select(AuditEvent).where(AuditEvent.kind == "moved")
                                     .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
            moved = []
            for e in events:
                if isinstance(e.old, dict) and e.old.get("owner") == user.id:
                    row = await s.get(InterviewSession, e.session_id)
                    to = e.new.get("to", "") if isinstance(e.new, dict) else ""
                    moved.append(Moved(e.session_id, row.form_id if row else "", _aware(e.at), str(to)))
            return moved

    # --- finding and taking over ---------------------------------------------------------------------------

    async def find(self, by: str, query: str) -> list[Found]:
        """Sessions by company name, credit code, phone or resume code (staff only)."""
        await self.require_staff(by)
        return await self.search(query)

    async def search(self, query: str) -> list[Found]:
        """`find` for a caller that checked who asks itself (the desk, whose roles see different sessions)."""
        text = query.strip()
        ids: set[int] = set()
        # staff look a code up: not a guess, never counted
        if len(normalise_code(text)) == CODE_LENGTH and (code_row := await self._valid_code(text)) is not None:
            ids.add(code_row.session_id)
        digits = re.sub(r"\D", "", text)
        async with self.sessionmaker() as s:
            rows = await s.execute(select(AnswerRow.session_id, AnswerRow.value)
                                   .where(AnswerRow.item_id.in_(self._searchable_items())))
            for session_id, value in rows:
                if not isinstance(value, str):
                    continue
                by_text = bool(text) and text.upper() in value.upper()
                by_digits = len(digits) >= 7 and digits in re.sub(r"\D", "", value)
                if by_text or by_digits:
                    ids.add(session_id)
            return [await self._describe(s, session_id) for session_id in sorted(ids)]

    def _searchable_items(self) -> set[str]:
        """Items staff can search by: company names, credit codes and phone numbers of every form."""
        return {i.id for form in self.interviews.forms.values() for i in form.items
                if i.profile in ("company_name", "credit_code") or i.type in ("credit_code", "phone", "mobile",
                                                                              "landline")}

    async def _describe(self, s: AsyncSession, session_id: int) -> Found:
        row = await s.get(InterviewSession, session_id)
        assert row is not None
        form = self.interviews.forms[row.form_id]
        state = repo.state_of(row)
        prog = progress(form, state.answers)
        company = next((str(state.answers[i.id].value) for i in form.items
                        if i.profile == "company_name" and i.id in state.answers), "")
        phone = next((str(state.answers[i.id].value) for i in form.items
                      if i.type in ("phone", "mobile", "landline") and i.id in state.answers
                      and state.answers[i.id].value), "")
        owner = await s.get(User, row.owner_id)
        return Found(row.id, row.form_id, row.status, prog.answered, prog.total, company, phone, row.held_by,
                     owner.external_id if owner else "")

    async def take(self, session_id: int, staff: str) -> str:
        """Hold the session; returns the owner's external id (to tell them)."""
        await self.require_staff(staff)
        return await self._hold(session_id, staff, staff)

    async def handback(self, session_id: int, staff: str) -> str:
        await self.require_staff(staff)
        _, held_by = await self.interviews.holder(session_id)
        if held_by != staff:
            raise NotAllowed
        return await self._hold(session_id, None, staff)

    async def _hold(self, session_id: int, holder: str | None, actor: str) -> str:
        if not 0 < session_id <= SESSION_ID_MAX:
            raise NotAllowed
        async with self.sessionmaker.begin() as s:
            row = await s.get(InterviewSession, session_id)
            if row is None:
                raise NotAllowed
            row.held_by = holder
            if holder is not None:
                row.help_asked_at = None  # the request for help is answered
            row.updated_at = datetime.now(UTC)  # bumps the version: cached copies elsewhere are re-read
            s.add(AuditEvent(session_id=session_id, actor_id=await self._user_id(s, actor),
                             kind="take" if holder else "handback"))
            owner = await s.get(User, row.owner_id)
        self.interviews.forget(session_id)
        return owner.external_id if owner else ""

    # --- help requests -------------------------------------------------------------------------------------

    async def ask_help(self, session_id: int, who: str) -> bool:
        """The owner asks for a person from the helpdesk; False when already asked (the first time is kept, so
        the queue shows how long they have waited)."""
        owner, _ = await self.interviews.holder(session_id)
        if who != owner:
            raise NotAllowed
        async with self.sessionmaker.begin() as s:
            result = await s.execute(update(InterviewSession)
                                     .where(InterviewSession.id == session_id,
                                            InterviewSession.help_asked_at.is_(None))
                                     .values(help_asked_at=datetime.now(UTC)))
            asked = bool(result.rowcount)  # type: ignore[attr-defined]
            if asked:
                s.add(AuditEvent(session_id=session_id, actor_id=await self._user_id(s, who), kind="help"))
        self.interviews.forget(session_id)
        return asked

    async def submitted_of(self, external_id: str) -> list[tuple[int, str, datetime | None]]:
        """The person's submitted sessions, newest first: (session id, form id, submitted at)."""
        async with self.sessionmaker() as s:
            user = await repo.find_user(s, external_id)
            if user is None:
                return []
            rows = await s.execute(select(InterviewSession.id, InterviewSession.form_id, InterviewSession.submitted_at)
                                   .where(InterviewSession.owner_id == user.id,
                                          InterviewSession.status == "submitted")
                                   .order_by(InterviewSession.submitted_at.desc(), InterviewSession.id.desc()))
            return [(r.id, r.form_id, None if r.submitted_at is None else _aware(r.submitted_at)) for r in rows]

    async def holdings(self, external_id: str) -> dict[str, int]:
        """What erasing the person would remove, counted: interviews, answers, enterprise profiles, codes."""
        async with self.sessionmaker() as s:
            user = await repo.find_user(s, external_id)
            if user is None:
                return {"sessions": 0, "answers": 0, "profiles": 0, "codes": 0}
            ids = list(await s.scalars(select(InterviewSession.id).where(InterviewSession.owner_id == user.id)))
            answers = await s.scalar(select(func.count()).select_from(AnswerRow)
                                     .where(AnswerRow.session_id.in_(ids))) if ids else 0
            profiles = await s.scalar(select(func.count()).select_from(EnterpriseProfile)
                                      .where(EnterpriseProfile.owner_id == user.id))
            codes = await s.scalar(select(func.count()).select_from(ResumeCode)
                                   .where(ResumeCode.session_id.in_(ids))) if ids else 0
            return {"sessions": len(ids), "answers": int(answers or 0), "profiles": int(profiles or 0),
                    "codes": int(codes or 0)}

    async def help_asked(self, session_id: int) -> datetime | None:
        """When the owner asked for help (None: not asked, or answered by a takeover)."""
        async with self.sessionmaker() as s:
            found = await s.scalar(select(InterviewSession.help_asked_at).where(InterviewSession.id == session_id))
        return None if found is None else _aware(found)

    async def reopen(self, session_id: int, staff: str, reason: str) -> str:
        """Unlock a submitted session for correction; the reason is kept in the audit trail."""
        await self.require_staff(staff)
        if not 0 < session_id <= SESSION_ID_MAX:
            raise NotAllowed
        async with self.sessionmaker.begin() as s:
            row = await s.get(InterviewSession, session_id)
            if row is None or row.status != "submitted":
                raise NotAllowed
            row.status = "active"
            row.state = {**(row.state or {}), "submitted": False, "cursor": None}
            row.submitted_at = None
            s.add(AuditEvent(session_id=session_id, actor_id=await self._user_id(s, staff), kind="reopen",
                             new={"reason": reason}))
            owner = await s.get(User, row.owner_id)
        self.interviews.forget(session_id)
        return owner.external_id if owner else ""

    async def audit(self, session_id: int, staff: str) -> list[AuditEvent]:
        await self.require_staff(staff)
        if not 0 < session_id <= SESSION_ID_MAX:
            return []
        async with self.sessionmaker() as s:
            return await repo.audit_trail(s, session_id)

    # --- personal data -------------------------------------------------------------------------------------

    async def forget_person(self, external_id: str) -> int:
        """Erase everything about a person: sessions (with answers, audit trail, codes), profiles, the account.
        Returns the number of sessions erased.  Cannot be undone."""
        ids: list[int] = []
        async with self.sessionmaker.begin() as s:
            await s.execute(delete(CodeGuess).where(CodeGuess.who == external_id))
            # staff rights and every row that names the person by their external id
            await s.execute(delete(StaffMember).where(StaffMember.external_id == external_id))
            if external_id.startswith("tg:") and external_id[3:].isdigit():
                await s.execute(update(StaffAccount).where(StaffAccount.telegram_id == int(external_id[3:]))
                                .values(telegram_id=None))
            await s.execute(delete(PushEvent).where(PushEvent.audience == person(external_id)))
            await s.execute(delete(WebVisitor).where(WebVisitor.external_id == external_id))  # its browsers
            await s.execute(update(StaffMember).where(StaffMember.added_by == external_id).values(added_by=None))
            await s.execute(update(InterviewSession).where(InterviewSession.held_by == external_id)
                            .values(held_by=None, updated_at=datetime.now(UTC)))
            await s.execute(delete(ResumeCode).where(or_(ResumeCode.created_by == external_id,
                                                         ResumeCode.used_by == external_id)))
            user = await repo.find_user(s, external_id)
            if user is not None:
                ids = list(await s.scalars(select(InterviewSession.id)
                                           .where(InterviewSession.owner_id == user.id)))
                await _delete_sessions(s, ids)
                await s.execute(delete(PushEvent).where(PushEvent.audience.in_([session_audience(i) for i in ids])))
                await s.execute(delete(EnterpriseProfile).where(EnterpriseProfile.owner_id == user.id))
                await s.execute(update(AnswerRow).where(AnswerRow.answered_by == user.id)
                                .values(answered_by=None))
                await s.execute(update(AuditEvent).where(AuditEvent.actor_id == user.id).values(actor_id=None))
                await s.delete(user)
        self.interviews.forget()
        await self._scrub_files()
        return len(ids)

    async def _scrub_files(self) -> None:
        """SQLite: the deleted rows were overwritten in the database file (secure_delete, bot.db.engine); copy
        the WAL into it and empty the WAL, so no older page with the erased data stays on disk."""
        engine = self.sessionmaker.kw.get("bind")
        if engine is None or engine.dialect.name != "sqlite":
            return
        for _ in range(50):  # a reader in another connection keeps the WAL: wait for it, briefly
            async with engine.connect() as conn:
                busy = (await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))).first()
            if busy is None or not busy[0]:
                return
            await asyncio.sleep(0.1)
        log.warning("the WAL could not be emptied after an erase; SQLite empties it at its next checkpoint")

    async def _user_id(self, s: AsyncSession, external_id: str) -> int:
        return (await repo.get_or_create_user(s, external_id)).id


async def _delete_sessions(s: AsyncSession, ids: Iterable[int]) -> None:
    ids = list(ids)
    if not ids:
        return
    for table in (AnswerRow, AuditEvent, ResumeCode, ShownScreen, StaffNote):
        await s.execute(delete(table).where(table.session_id.in_(ids)))
    await s.execute(delete(InterviewSession).where(InterviewSession.id.in_(ids)))


async def _desk_helper(s: AsyncSession, external_id: str) -> bool:
    """A desk account that helps people (helpdesk or admin, active): "desk:N", or its linked Telegram id."""
    prefix, _, number = external_id.partition(":")
    if prefix not in ("desk", "tg") or not number.isascii() or not number.isdigit() or len(number) > 18:
        return False
    if prefix == "desk" and int(number) > SESSION_ID_MAX:  # past the database's integers: no such account
        return False
    column = StaffAccount.id if prefix == "desk" else StaffAccount.telegram_id
    found = await s.scalar(select(StaffAccount.id).where(column == int(number), StaffAccount.active.is_(True),
                                                         StaffAccount.role.in_(("helpdesk", "admin"))))
    return found is not None


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes (stored as UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


