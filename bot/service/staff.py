"""Staff accounts of the desk (bot/dialogs/desk/): who they are, how they sign in, their notes and their log.

Rules kept here:
- three roles: helpdesk (see every interview, take over, answer, hand back, reopen, erase), district officer (read
  and export the submitted filings of their own districts only), admin (everything the helpdesk does, and manage
  staff); the desk checks the role on the server for every request;
- an account is made with a one-time sign-in link (`python -m bot staff add`, or an admin on the desk): only its
  SHA-256 is stored, it expires after LINK_TTL and is used once (compare-and-set), and its first visit sets the
  password, kept only as an argon2id hash (argon2-cffi);
- wrong passwords slow down per account and per address, counted in the database like wrong resume codes
  (Helpdesk.count_attempt: every worker and a restart agree); an unknown name costs the same work and the same
  count as a known one, so the answer says nothing about which names exist;
- a sign-in makes a new random session id (never the one the browser brought: no fixation), stored only as its
  SHA-256; it ends at sign-out, after IDLE without activity, and LONGEST after the sign-in at the latest;
- a desk account acts on interviews as "desk:N" (a users row named after the staff member, so reports and the
  audit trail name them); a linked Telegram id makes the same person staff on Telegram (Helpdesk.is_staff).
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import repo
from bot.db.models import AuditEvent, DeskSession, StaffAccount, StaffLink, StaffLogEntry, StaffNote
from bot.interview.typed import clean
from bot.service.helpdesk import Helpdesk

HELPDESK, OFFICER, ADMIN = "helpdesk", "officer", "admin"
ROLES = (HELPDESK, OFFICER, ADMIN)
#: the roles that help people: see every interview, take over, answer, hand back
HELPERS = (HELPDESK, ADMIN)
LINK_TTL = timedelta(days=3)
IDLE = timedelta(hours=2)
LONGEST = timedelta(hours=12)
#: a signed-in session's activity is written at most this often (not at every request)
TOUCH_EVERY = timedelta(minutes=1)
MIN_PASSWORD = 10
MAX_PASSWORD = 256
NAME_CHARS = 64
#: Telegram's user ids have at most 52 significant bits
TELEGRAM_ID_MAX = 2**52 - 1
NOTE_CHARS = 4000


class StaffError(ValueError):
    """An account could not be made or changed; `code` says why (the desk and the CLI word it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class WrongPassword(Exception):
    """The name and password do not match an active account (the same whichever of them is wrong)."""


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    districts: tuple[str, ...]
    telegram_id: int | None
    active: bool
    has_password: bool

    @property
    def actor(self) -> str:
        """Who the account is on an interview (audit trail, holding a session)."""
        return f"desk:{self.id}"

    @property
    def identities(self) -> tuple[str, ...]:
        """Every external id this person acts as: the desk's, and their Telegram account's when linked."""
        return (self.actor, f"tg:{self.telegram_id}") if self.telegram_id is not None else (self.actor,)

    @property
    def helps(self) -> bool:
        return self.role in HELPERS

    @property
    def admin(self) -> bool:
        return self.role == ADMIN


@dataclass(frozen=True)
class Note:
    at: datetime
    author: str
    text: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """argon2id with OWASP's recommended costs (19 MiB, 2 passes, 1 lane): a guess costs an attacker with the
    hashes real work, and a sign-in costs a two-core server some 30 ms, not a fraction of a second."""
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@lru_cache(maxsize=1)
def _decoy() -> str:
    """A hash to verify against when the name is unknown: the same work either way."""
    return hasher().hash(secrets.token_urlsafe(16))


def _verify(stored: str | None, password: str) -> bool:
    try:
        return hasher().verify(stored or _decoy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def clean_name(name: str) -> str:
    return clean(name, limit=NAME_CHARS).strip()


def _account(row: StaffAccount) -> Account:
    return Account(row.id, row.name, row.role, tuple(row.districts or ()), row.telegram_id, row.active,
                   row.password_hash is not None)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class StaffAccounts:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], helpdesk: Helpdesk, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.sessionmaker = sessionmaker
        self.helpdesk = helpdesk
        self.clock = clock

    # --- accounts ------------------------------------------------------------------------------------------

    async def add(self, name: str, role: str, districts: Sequence[str] = (), *, telegram_id: int | None = None,
                  by: Account | None = None) -> tuple[Account, str]:
        """A new account and its first sign-in link's token.  `districts` are checked by the caller (the filing
        names them); an officer needs at least one, and only an officer has any."""
        name = clean_name(name)
        if not name:
            raise StaffError("name")
        if role not in ROLES:
            raise StaffError("role")
        wanted = tuple(dict.fromkeys(d.strip() for d in districts if d.strip()))
        if (role == OFFICER) != bool(wanted):
            raise StaffError("districts")
        if telegram_id is not None and not 0 < telegram_id <= TELEGRAM_ID_MAX:
            raise StaffError("telegram")
        try:
            async with self.sessionmaker.begin() as s:
                row = StaffAccount(name=name, role=role, districts=list(wanted), telegram_id=telegram_id,
                                   active=True, created_by=by.id if by else None)
                s.add(row)
                await s.flush()
                await repo.get_or_create_user(s, f"desk:{row.id}", display_name=name)
                account = _account(row)
                s.add(StaffLogEntry(account_id=by.id if by else None, action="added",
                                    detail={"account": row.id, "name": name, "role": role,
                                            "districts": list(wanted)}))
        except IntegrityError:
            raise StaffError("taken") from None
        return account, await self.issue_link(account.id, by=by)

    async def issue_link(self, account_id: int, *, by: Account | None = None) -> str:
        """A one-time sign-in link's token for the account (earlier unused links stop working)."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        async with self.sessionmaker.begin() as s:
            if await s.get(StaffAccount, account_id) is None:
                raise StaffError("account")
            await s.execute(update(StaffLink).where(StaffLink.account_id == account_id, StaffLink.used_at.is_(None))
                            .values(used_at=now))
            s.add(StaffLink(token_hash=token_hash(token), account_id=account_id, created_at=now,
                            expires_at=now + LINK_TTL))
            s.add(StaffLogEntry(account_id=by.id if by else None, action="link", detail={"account": account_id}))
        return token

    async def accounts(self) -> list[Account]:
        async with self.sessionmaker() as s:
            return [_account(r) for r in await s.scalars(select(StaffAccount).order_by(StaffAccount.id))]

    async def account(self, account_id: int) -> Account | None:
        if not 0 < account_id < 2**31:
            return None
        async with self.sessionmaker() as s:
            row = await s.get(StaffAccount, account_id)
            return None if row is None else _account(row)

    async def named(self, name: str) -> Account | None:
        async with self.sessionmaker() as s:
            row = await s.scalar(select(StaffAccount).where(StaffAccount.name == clean_name(name)))
            return None if row is None else _account(row)

    async def names(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = [i for i in set(ids) if 0 < i < 2**31]
        if not wanted:
            return {}
        async with self.sessionmaker() as s:
            rows = await s.execute(select(StaffAccount.id, StaffAccount.name).where(StaffAccount.id.in_(wanted)))
            return {r.id: r.name for r in rows}

    async def link_telegram(self, account_id: int, telegram_id: int | None, *, by: Account) -> None:
        """The account's Telegram id (None: unlinked): that Telegram account is then staff as this one."""
        if telegram_id is not None and not 0 < telegram_id <= TELEGRAM_ID_MAX:
            raise StaffError("telegram")
        try:
            async with self.sessionmaker.begin() as s:
                row = await s.get(StaffAccount, account_id)
                if row is None:
                    raise StaffError("account")
                row.telegram_id = telegram_id
                s.add(StaffLogEntry(account_id=by.id, action="telegram",
                                    detail={"account": account_id, "telegram": telegram_id}))
        except IntegrityError:
            raise StaffError("telegram_taken") from None

    async def set_active(self, account_id: int, active: bool, *, by: Account) -> None:
        """Deactivate (its sign-ins end at once) or reactivate an account; an admin cannot deactivate themself."""
        if account_id == by.id and not active:
            raise StaffError("self")
        async with self.sessionmaker.begin() as s:
            row = await s.get(StaffAccount, account_id)
            if row is None:
                raise StaffError("account")
            row.active = active
            if not active:
                await s.execute(delete(DeskSession).where(DeskSession.account_id == account_id))
            s.add(StaffLogEntry(account_id=by.id, action="active", detail={"account": account_id, "active": active}))

    # --- sign-in links and passwords ------------------------------------------------------------------------

    async def _link(self, s: AsyncSession, token: str) -> StaffLink | None:
        if not token or len(token) > 128:
            return None
        row = await s.get(StaffLink, token_hash(token))
        if row is None or row.used_at is not None or _aware(row.expires_at) <= self.clock():
            return None
        return row

    async def link_account(self, token: str) -> Account | None:
        """The account a valid, unused sign-in link is for (None otherwise); uses nothing."""
        async with self.sessionmaker() as s:
            link = await self._link(s, token)
            if link is None:
                return None
            row = await s.get(StaffAccount, link.account_id)
            return None if row is None or not row.active else _account(row)

    async def set_password(self, token: str, password: str) -> Account:
        """Use a sign-in link (once) to set the account's password; the account's other sign-ins end."""
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise StaffError("password")
        digest = await asyncio.to_thread(hasher().hash, password)
        async with self.sessionmaker.begin() as s:
            link = await self._link(s, token)
            if link is None:
                raise StaffError("link")
            used = await s.execute(update(StaffLink).where(StaffLink.token_hash == link.token_hash,
                                                           StaffLink.used_at.is_(None))
                                   .values(used_at=self.clock()))
            if used.rowcount != 1:  # type: ignore[attr-defined]
                raise StaffError("link")
            row = await s.get(StaffAccount, link.account_id)
            if row is None or not row.active:
                raise StaffError("link")
            row.password_hash = digest
            await s.execute(delete(DeskSession).where(DeskSession.account_id == row.id))
            return _account(row)

    async def sign_in(self, name: str, password: str, address: str) -> Account:
        """The account whose name and password these are; WrongPassword otherwise, SlowDown (bot.service.helpdesk)
        while the account's or the address's wait after wrong passwords runs.  Each attempt is counted before the
        password is looked at."""
        name = clean_name(name)
        keys = (f"pwip:{address}", f"pw:{name.casefold()}")
        for key in keys:
            await self.helpdesk.count_attempt(key)
        async with self.sessionmaker() as s:
            row = await s.scalar(select(StaffAccount).where(StaffAccount.name == name))
            stored = row.password_hash if row is not None and row.active else None
        if not await asyncio.to_thread(_verify, stored, password[:MAX_PASSWORD]) or row is None:
            raise WrongPassword
        await self.helpdesk.clear_attempts(*keys)
        if hasher().check_needs_rehash(stored or ""):
            digest = await asyncio.to_thread(hasher().hash, password)
            async with self.sessionmaker.begin() as s:
                await s.execute(update(StaffAccount).where(StaffAccount.id == row.id).values(password_hash=digest))
        return _account(row)

    # --- signed-in browsers ---------------------------------------------------------------------------------

    async def open_session(self, account: Account) -> str:
        """A new signed-in session for the account: the cookie's value (a new random one at every sign-in)."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        async with self.sessionmaker.begin() as s:
            await s.execute(delete(DeskSession).where(DeskSession.expires_at < now))  # ended ones go
            s.add(DeskSession(token_hash=token_hash(token), account_id=account.id, created_at=now, seen_at=now,
                              expires_at=now + IDLE))
            s.add(StaffLogEntry(account_id=account.id, action="signin", detail={}))
        return token

    async def session(self, token: str | None, *, touch: bool = True) -> Account | None:
        """The account signed in with this cookie (None: none, ended or its account deactivated).  `touch`: the
        request is the staff member's own (not a page refreshing itself), so the session lives IDLE longer."""
        if not token or len(token) > 128:
            return None
        key = token_hash(token)
        now = self.clock()
        async with self.sessionmaker() as s:
            found = (await s.execute(select(DeskSession, StaffAccount)
                                     .join(StaffAccount, StaffAccount.id == DeskSession.account_id)
                                     .where(DeskSession.token_hash == key))).first()
        if found is None:
            return None
        desk, row = found
        if _aware(desk.expires_at) <= now or _aware(desk.created_at) + LONGEST <= now or not row.active:
            await self.sign_out(token)
            return None
        if touch and _aware(desk.seen_at) + TOUCH_EVERY <= now:
            async with self.sessionmaker.begin() as s:
                await s.execute(update(DeskSession).where(DeskSession.token_hash == key)
                                .values(seen_at=now, expires_at=now + IDLE))
        return _account(row)

    async def sign_out(self, token: str) -> None:
        async with self.sessionmaker.begin() as s:
            await s.execute(delete(DeskSession).where(DeskSession.token_hash == token_hash(token)))

    # --- notes and the log ----------------------------------------------------------------------------------

    async def add_note(self, session_id: int, account: Account, text: str) -> None:
        text = clean(text, lines=True, limit=NOTE_CHARS).strip()
        if not text:
            raise StaffError("note")
        async with self.sessionmaker.begin() as s:
            s.add(StaffNote(session_id=session_id, account_id=account.id, at=self.clock(), text=text))
            user = await repo.get_or_create_user(s, account.actor, display_name=account.name)
            s.add(AuditEvent(session_id=session_id, actor_id=user.id, kind="note"))

    async def notes(self, session_id: int) -> list[Note]:
        async with self.sessionmaker() as s:
            rows = await s.execute(select(StaffNote.at, StaffNote.text, StaffAccount.name)
                                   .outerjoin(StaffAccount, StaffAccount.id == StaffNote.account_id)
                                   .where(StaffNote.session_id == session_id).order_by(StaffNote.id))
            return [Note(_aware(r.at), r.name or "", r.text) for r in rows]

    async def log(self, account: Account, action: str, detail: dict[str, Any]) -> None:
        async with self.sessionmaker.begin() as s:
            s.add(StaffLogEntry(account_id=account.id, action=action, detail=detail))


__all__ = ["ADMIN", "HELPDESK", "HELPERS", "OFFICER", "ROLES", "Account", "Note", "StaffAccounts", "StaffError",
           "WrongPassword"]
