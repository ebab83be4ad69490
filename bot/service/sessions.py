"""The interview service: the one place where the pure engine meets the database.

Every channel (terminal, Telegram) calls `open`, `current` and `apply`.  `apply` runs the engine on the session's
state, then writes the changed answers, their audit events, the new position and the Telegram update id in one
transaction, through the group-commit writer (bot/db/batch.py); it returns only after that transaction has
committed, so whatever the channel then shows the person is already durable.

Reads are served from an in-process cache of recent sessions.  The cache is never trusted on its own: before
an update is handled, `refresh` asks the database for the person's language, current interview and its version
(one short read) and drops whatever cached entry disagrees; every write checks the session's version, and a
conflict (another worker, a stale cache) re-reads the session from the database and applies the input again.
Which Telegram updates were handled is a database truth too (`was_handled` / `mark_handled`), shared by every
worker and surviving a restart.  Asking it costs the answer path nothing extra: on SQLite, where one process owns
the file, it is answered from memory (bot/service/handled.py: loaded at start, every id added once recorded); on
PostgreSQL it is part of the one read `refresh` makes per update.  Recording it never costs a commit of its own:
an answer's id is written in the answer's transaction, any other update's in the answer writer's next batch.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.db import repo
from bot.db.batch import AnswerWriter, Conflict, Duplicate, StepWrite
from bot.db.locks import SharedLocks
from bot.db.models import InterviewSession, ProcessedUpdate, User
from bot.interview import engine
from bot.interview.answer import Answer
from bot.interview.engine import Input, State, Step
from bot.interview.errors import AnswerError
from bot.interview.parsing import answer_from_value
from bot.interview.schema import Form
from bot.interview.typed import typed_int
from bot.present.build import screen_key
from bot.scoring import level_profile, rule_of
from bot.service.handled import HandledIds
from bot.service.shown import ShownScreens

#: the profile key of the unified social credit code: it decides which enterprise's profile is read and written
CREDIT_CODE = "credit_code"
#: the profile key of the enterprise's name: where no code is asked, it tells one enterprise from another
COMPANY_NAME = "company_name"
#: how long applied Telegram update ids are kept (Telegram re-delivers for at most 24 hours)
UPDATE_ID_RETENTION = timedelta(days=7)
#: a SQLite service reads into its cache at start the active sessions touched this recently, newest first, in
#: pages, for at most this long (about 0.7 ms a session on a 2-core machine: a start stays short however many there
#: are; the newest are the likeliest to be answered first)
WARM_WITHIN = timedelta(days=2)
WARM_BUDGET = 0.6
WARM_PAGE = 250


def suggestions(form: Form, profile_data: Mapping[str, Any], today: date) -> dict[str, Answer]:
    """The profile values this form's items can offer, by item id (a value the item would refuse on `today` is not
    offered)."""
    offered: dict[str, Answer] = {}
    for item in form.items:
        stored = profile_data.get(item.profile) if item.profile else None
        if stored is None or stored.get("value") is None:
            continue
        try:
            answer = answer_from_value(item, stored["value"], today)
        except (AnswerError, KeyError, TypeError, ValueError):
            continue
        offered[item.id] = replace(answer, extra=stored.get("extra"))
    return offered


@dataclass(frozen=True)
class Opened:
    session_id: int
    form: Form
    state: State
    resumed: bool
    #: the service's date when it was opened (the screens check suggested values against it)
    today: date


@dataclass(frozen=True)
class _Cached:
    session_id: int
    owner_id: int
    form: Form
    version: int
    state: State
    status: str
    #: the owner's external id, and the staff member holding the session (only they may change it then)
    owner: str
    held_by: str | None = None
    #: when the owner asked the helpdesk for a person (None: not asked, or answered by a takeover)
    help_asked_at: datetime | None = None


#: kept for callers that compare with it; `apply` raises Redelivered instead of returning it
DUPLICATE = AnswerError("duplicate_update")


class Redelivered(Exception):
    """`apply` found the Telegram update already applied (a re-delivery): nothing was changed.  The channel shows
    the current screen again (bot/dialogs/telegram/middlewares.Redelivery catches it)."""

    def __init__(self, update_id: int) -> None:
        super().__init__(update_id)
        self.update_id = update_id


#: session numbers staff can type or a button can carry: the database's integers (a larger one finds nothing)
SESSION_ID_MAX = 2**31 - 1


def session_number(word: str) -> int | None:
    """The session number a person typed (any digits typed_int reads), None when it is not a number; one past
    what the database holds is 0, which finds no session."""
    n = typed_int(word)
    return None if n is None else n if n <= SESSION_ID_MAX else 0


#: what `refresh` asks the database before a person's update on PostgreSQL, in one round trip: whether the update
#: was handled, the person's row and language, the session they hold as staff, else their own latest active one
_REFRESH = text("""
SELECT EXISTS (SELECT 1 FROM processed_updates WHERE update_id = CAST(:update_id AS BIGINT)) AS handled,
       u.id AS user_id, u.lang AS lang, h.id AS held_id, h.version AS held_version, o.id AS own_id,
       o.version AS own_version
FROM (SELECT 1) AS one
LEFT JOIN users AS u ON u.external_id = :who
LEFT JOIN LATERAL (SELECT id, version FROM interview_sessions
                   WHERE held_by = :who AND status = 'active' ORDER BY updated_at DESC LIMIT 1) AS h ON true
LEFT JOIN LATERAL (SELECT id, version FROM interview_sessions
                   WHERE owner_id = u.id AND status = 'active' ORDER BY updated_at DESC, id DESC LIMIT 1) AS o ON true
""")


class Interviews:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], forms: dict[str, Form], *,
                 cache_size: int = 20_000, today: Callable[[], date] = date.today) -> None:
        self.sessionmaker = sessionmaker
        self.forms = forms
        #: the clock: the service reads today's date and passes it into the pure engine (dates not in the future,
        #: project periods); tests may pass a fixed one
        self.today = today
        self.writer = AnswerWriter(sessionmaker.kw["bind"])
        #: per-chat locks shared with the other processes on this database (PostgreSQL; no-ops on SQLite)
        self.locks = SharedLocks(sessionmaker.kw["bind"])
        #: which message of a chat shows a session's current screen (bot/service/shown.py)
        self.shown = ShownScreens(sessionmaker, shared=self.locks.enabled)
        #: update ids whose answer write recorded them (so `mark_handled` need not write them again)
        self._recorded: OrderedDict[int, None] = OrderedDict()
        #: on SQLite, every handled update id (loaded on first use; see bot/service/handled.py)
        self.handled = HandledIds(UPDATE_ID_RETENTION)
        self._sessions: OrderedDict[int, _Cached] = OrderedDict()
        self._current: OrderedDict[str, int | None] = OrderedDict()
        self._users: OrderedDict[str, int] = OrderedDict()
        self._langs: OrderedDict[str, str | None] = OrderedDict()
        self._cache_size = cache_size

    async def close(self) -> None:
        """Finish queued writes."""
        await self.writer.close()
        await self.shown.close()
        await self.locks.close()

    # --- cache ---------------------------------------------------------------------------------------------

    def _remember(self, cached: _Cached) -> None:
        self._sessions[cached.session_id] = cached
        self._sessions.move_to_end(cached.session_id)
        while len(self._sessions) > self._cache_size:
            self._sessions.popitem(last=False)

    def _remember_current(self, external_id: str, session_id: int | None) -> None:
        self._current[external_id] = session_id
        self._current.move_to_end(external_id)
        while len(self._current) > self._cache_size:
            self._current.popitem(last=False)

    def _remember_person(self, external_id: str, user_id: int, lang: str | None) -> None:
        """The person's row id and chosen language, known from a row just read (saves a query per new chat)."""
        self._users[external_id] = user_id
        self._langs[external_id] = lang
        self._users.move_to_end(external_id)
        self._langs.move_to_end(external_id)
        while len(self._users) > self._cache_size:
            self._users.popitem(last=False)
        while len(self._langs) > self._cache_size:
            self._langs.popitem(last=False)

    def forget(self, session_id: int | None = None) -> None:
        """Drop cached state (all of it, people included, without an id): the next read comes from the database."""
        if session_id is None:
            self._sessions.clear()
            self._current.clear()
            self._users.clear()
            self._langs.clear()
            self.shown.forget()
        else:
            self._sessions.pop(session_id, None)
            for key in [k for k, v in self._current.items() if v == session_id]:
                del self._current[key]

    async def _session(self, session_id: int, *, fresh: bool = False) -> _Cached:
        cached = None if fresh else self._sessions.get(session_id)
        if cached is not None:
            return cached
        if not 0 < session_id <= SESSION_ID_MAX:  # no such row, and the database could not even compare it
            raise LookupError(session_id)
        async with self.sessionmaker() as s:
            row = await s.get(InterviewSession, session_id)
            if row is None:
                raise LookupError(session_id)
            cached = await self._cached_of(s, row)
        self._remember(cached)
        return cached

    async def _cached_of(self, s: AsyncSession, row: InterviewSession) -> _Cached:
        owner = await s.get(User, row.owner_id)
        if owner is not None:  # the owner's row id and language, just read: their next answer need not ask again
            self._remember_person(owner.external_id, owner.id, owner.lang)
        return _Cached(row.id, row.owner_id, self.forms[row.form_id], row.version, repo.state_of(row), row.status,
                       owner.external_id if owner is not None else "", row.held_by, row.help_asked_at)

    async def _user_id(self, external_id: str) -> int:
        known = self._users.get(external_id)
        if known is not None:
            return known
        async with self.sessionmaker.begin() as s:
            user = await repo.get_or_create_user(s, external_id)
        self._remember_person(external_id, user.id, user.lang)
        return user.id

    # --- sessions ------------------------------------------------------------------------------------------

    async def open(self, external_id: str, form_id: str, *, lang: str | None = None,
                   display_name: str | None = None) -> Opened:
        """Resume the person's active session of this form, or start one."""
        form = self.forms[form_id]
        async with self.sessionmaker.begin() as s:
            user = await repo.get_or_create_user(s, external_id, display_name=display_name, lang=lang)
            row = await repo.latest_session(s, user.id, form_id)
            if row is not None:
                state = repo.state_of(row)
                if state.cursor is not None and state.cursor not in form.index:
                    state = engine.start(form, state.answers)
                opened = Opened(row.id, form, state, resumed=True, today=self.today())
            else:
                owner_id = user.id
                known = await s.run_sync(lambda sync: repo.profile(sync, owner_id))
                state = replace(engine.start(form), suggestions=suggestions(form, known.data if known else {},
                                                                                  self.today()))
                row = await repo.create_session(s, user, form.id, form.version, state)
                opened = Opened(row.id, form, state, resumed=False, today=self.today())
            # touching the session makes it the person's current one (for /resume and typed answers)
            row.updated_at = datetime.now(UTC)
            await s.flush()  # bumps the version column
            cached = _Cached(row.id, user.id, form, row.version, opened.state, row.status, external_id, row.held_by,
                             row.help_asked_at)
            person = (user.id, user.lang)
        self._remember(cached)
        self._remember_person(external_id, *person)
        self._remember_current(external_id, opened.session_id)
        return opened

    async def open_from(self, owner: str, form_id: str, origin: Mapping[str, Any],
                        offered: Mapping[str, Answer]) -> Opened:
        """The owner's session of `form_id` started from `origin` (a contract from a filing's
        provider): the active one, else the submitted one, else a new one offering `offered` (to confirm).  The
        origin is kept in the session's state; `_update_profile` reads its credit code."""
        form = self.forms[form_id]
        async with self.sessionmaker.begin() as s:
            user = await repo.get_or_create_user(s, owner)
            rows = (await s.scalars(select(InterviewSession).where(
                InterviewSession.owner_id == user.id, InterviewSession.form_id == form_id,
                InterviewSession.status.in_(("active", "submitted"))).order_by(InterviewSession.id.desc()))).all()
            # the same origin (the enterprise's credit code and the origin's answers aside: a corrected filing keeps
            # its contracts)
            def identity(given: Mapping[str, Any]) -> dict[str, Any]:
                return {k: v for k, v in given.items() if k not in (CREDIT_CODE, engine.ORIGIN_VALUES)}

            key = identity(origin)
            mine = [r for r in rows if identity((r.state or {}).get("origin") or {}) == key]
            row = next((r for r in mine if r.status == "active"), None) or next(iter(mine), None)
            if row is not None:
                state = repo.state_of(row)
                if engine.ORIGIN_VALUES in origin and state.origin.get(engine.ORIGIN_VALUES) != origin[
                        engine.ORIGIN_VALUES]:
                    # the origin's answers as they stand now (a filing corrected since): its checks read them
                    state = replace(state, origin={**state.origin, engine.ORIGIN_VALUES: origin[engine.ORIGIN_VALUES]})
                    row.state = state.to_json()
                opened = Opened(row.id, form, state, resumed=True, today=self.today())
            else:
                state = replace(engine.start(form), suggestions=dict(offered), origin=dict(origin))
                row = await repo.create_session(s, user, form.id, form.version, state)
                opened = Opened(row.id, form, state, resumed=False, today=self.today())
            row.updated_at = datetime.now(UTC)
            await s.flush()
            cached = _Cached(row.id, user.id, form, row.version, opened.state, row.status, owner, row.held_by,
                             row.help_asked_at)
            person = (user.id, user.lang)
        self._remember(cached)
        self._remember_person(owner, *person)
        if cached.status == "active":
            self._remember_current(owner, opened.session_id)
        return opened

    async def warm(self, budget: float = WARM_BUDGET) -> int:
        """On SQLite, before serving: read the recently touched active sessions into the cache, and each person's
        current one as `current` would find it (a session they hold as staff first, else their own latest), so a
        person's first answer after a restart reads nothing (five reads through the ORM otherwise).  One process
        owns the file, so what is read now stays true until this process changes it.  Returns how many."""
        if self.locks.enabled:
            return 0
        sessions = InterviewSession
        read: list[tuple[datetime, int, _Cached]] = []
        unknown_forms: set[int] = set()

        async def cache(s: AsyncSession, rows: list[InterviewSession]) -> None:
            if not rows:
                return
            owners = list({row.owner_id for row in rows})
            list(await s.scalars(select(User).where(User.id.in_(owners))))  # `_cached_of` finds them in the session
            for row in rows:
                if row.form_id in self.forms:
                    read.append((row.updated_at, row.id, await self._cached_of(s, row)))
                else:
                    unknown_forms.add(row.owner_id)

        async with self.sessionmaker() as s:
            held = list(await s.scalars(select(sessions).where(sessions.status == "active",
                                                               sessions.held_by.is_not(None))))
            for start in range(0, len(held), WARM_PAGE):
                await cache(s, held[start:start + WARM_PAGE])
            recent: list[InterviewSession] = []
            loop = asyncio.get_running_loop()
            deadline = loop.time() + budget
            since = datetime.now(UTC) - WARM_WITHIN
            while len(read) < self._cache_size and loop.time() < deadline:
                page = list(await s.scalars(
                    select(sessions).where(sessions.status == "active", sessions.held_by.is_(None),
                                           sessions.updated_at >= since)
                    .order_by(sessions.updated_at.desc(), sessions.id.desc())
                    .offset(len(recent)).limit(min(WARM_PAGE, self._cache_size - len(read)))))
                recent.extend(page)
                await cache(s, page)
                if len(page) < WARM_PAGE:
                    break
        read.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)  # newest first, as `current` orders them
        found = [cached for _, _, cached in read]
        # a person's own latest active session is known only when one of theirs is among the recent ones (the rest
        # are older, or held by staff and all read); else `current` asks the database
        owners_seen = {row.owner_id for row in recent} - unknown_forms
        holding: dict[str, _Cached] = {}
        own: dict[str, _Cached] = {}
        for cached in found:
            if cached.held_by is not None:
                holding.setdefault(cached.held_by, cached)
            if cached.owner_id in owners_seen:
                own.setdefault(cached.owner, cached)
        for cached in reversed(found):  # oldest first: the newest end up the most recently used
            self._remember(cached)
        for person in own.keys() | holding.keys():
            self._remember_current(person, (holding.get(person) or own[person]).session_id)
        return len(found)

    def focus(self, external_id: str, session_id: int | None) -> None:
        """Make a session the person's current one (staff taking one over), or (None) read it again next time."""
        if session_id is None:
            self._current.pop(external_id, None)
        else:
            self._remember_current(external_id, session_id)

    async def holder(self, session_id: int) -> tuple[str, str | None]:
        """(owner, staff holding it or None) of a session."""
        cached = await self._session(session_id)
        return cached.owner, cached.held_by

    async def help_asked(self, session_id: int) -> datetime | None:
        """When the owner asked the helpdesk for a person (None: not asked, or answered by a takeover); from the
        cache, which a request for help or a takeover in this process drops."""
        return (await self._session(session_id)).help_asked_at

    async def load(self, session_id: int) -> tuple[Form, State]:
        cached = await self._session(session_id)
        return cached.form, cached.state

    async def current(self, external_id: str) -> Opened | None:
        """The person's most recently touched active session of any form (for /resume), or None."""
        if external_id in self._current:
            session_id = self._current[external_id]
            if session_id is None:
                return None
            cached = await self._session(session_id)
            if cached.status == "active":
                return Opened(cached.session_id, cached.form, cached.state, resumed=True, today=self.today())
        async with self.sessionmaker() as s:
            row = await self._touched_last(s, external_id, ("active",))
            if row is None:
                self._remember_current(external_id, None)
                return None
            cached = await self._cached_of(s, row)
        self._remember(cached)
        self._remember_current(external_id, cached.session_id)
        return Opened(cached.session_id, cached.form, cached.state, resumed=True, today=self.today())

    @staticmethod
    async def _touched_last(s: AsyncSession, external_id: str, statuses: tuple[str, ...]) -> InterviewSession | None:
        """An active session the person holds as staff, touched last; else their own touched last with `statuses`."""
        row = await s.scalar(select(InterviewSession)
                             .where(InterviewSession.held_by == external_id, InterviewSession.status == "active")
                             .order_by(InterviewSession.updated_at.desc()).limit(1))
        if row is None:
            user = await repo.find_user(s, external_id)
            row = None if user is None else await repo.latest_session(s, user.id, status=statuses)
        return row

    async def latest(self, external_id: str) -> Opened | None:
        """The session the person touched last, active or submitted: a session they hold as staff first, else
        their own (the web chat shows it, so a reload after a submission shows its result), or None."""
        session_id = self._current.get(external_id)
        if session_id is not None:
            cached = await self._session(session_id)
            if cached.status in ("active", "submitted") and external_id in (cached.owner, cached.held_by):
                return Opened(cached.session_id, cached.form, cached.state, resumed=True, today=self.today())
        async with self.sessionmaker() as s:
            row = await self._touched_last(s, external_id, ("active", "submitted"))
            if row is None:
                return None
            cached = await self._cached_of(s, row)
        self._remember(cached)
        self._remember_current(external_id, cached.session_id)
        return Opened(cached.session_id, cached.form, cached.state, resumed=True, today=self.today())

    async def refresh(self, external_id: str, update_id: int | None = None) -> bool:
        """Make the cache agree with the database about this person before one of their updates is handled: their
        row and language, which session is current (one they hold as staff first, else their latest active one)
        and its version.  Another worker may have changed any of them since this process last looked.

        Returns whether `update_id` was handled before (read in the same session, see `was_handled`).

        On SQLite only the re-delivery check runs: one process owns the file (a second one exits at start,
        bot/db/locks.py), so nothing but this process changes people and sessions, and its cache is already the
        database's view.  The three reads cost that process four fifths of its answers per second."""
        if not self.locks.enabled:
            return update_id is not None and await self.was_handled(update_id)
        async with self.sessionmaker.kw["bind"].connect() as conn:
            row = (await conn.execute(_REFRESH, {"who": external_id, "update_id": update_id})).one()
        handled = bool(row.handled)
        if row.user_id is None:
            self._users.pop(external_id, None)
            self._langs.pop(external_id, None)
        else:
            self._remember_person(external_id, row.user_id, row.lang)
        current = (row.held_id, row.held_version) if row.held_id is not None else (row.own_id, row.own_version)
        if current[0] is None:
            self._remember_current(external_id, None)
            return handled
        cached = self._sessions.get(current[0])
        if cached is not None and cached.version != current[1]:
            self._sessions.pop(current[0], None)
        self._remember_current(external_id, current[0])
        return handled

    async def latest_submitted(self, external_id: str, form_id: str | None = None) -> int | None:
        """The id of the person's most recently submitted session (of `form_id`, or of any form), or None."""
        async with self.sessionmaker() as s:
            user = await repo.find_user(s, external_id)
            row = None if user is None else await repo.latest_session(s, user.id, form_id, status="submitted")
            return None if row is None else row.id

    async def was_handled(self, update_id: int) -> bool:
        """Whether a Telegram update was handled before (by any worker, before any restart): on SQLite from
        memory, else one read."""
        if not self.locks.enabled:
            if not self.handled.loaded:
                await self.handled.load(self._recorded_ids)
            return update_id in self.handled
        async with self.sessionmaker.kw["bind"].connect() as conn:
            found = await conn.scalar(select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id))
        return found is not None

    async def _recorded_ids(self) -> list[tuple[int, datetime]]:
        async with self.sessionmaker() as s:
            rows = await s.execute(select(ProcessedUpdate.update_id, ProcessedUpdate.processed_at)
                                   .order_by(ProcessedUpdate.processed_at))
            return [(row[0], row[1]) for row in rows]

    async def load_handled(self) -> None:
        """Read the handled update ids into memory now (SQLite; the service calls it at start, else the first
        check does)."""
        if not self.locks.enabled:
            await self.handled.load(self._recorded_ids)

    def _handled(self, update_id: int) -> None:
        """An update id whose recording committed."""
        if not self.locks.enabled:
            self.handled.add(update_id)

    async def mark_handled(self, update_id: int) -> None:
        """Record an update as handled (an answer's write recorded it already, in its own transaction; anything
        else goes with the answer writer's next batch, and this returns once that has committed)."""
        if update_id in self._recorded:
            del self._recorded[update_id]
            return
        await self.writer.mark(update_id)
        self._handled(update_id)

    async def forget_old_updates(self) -> int:
        async with self.sessionmaker.begin() as s:
            return await repo.forget_updates_before(s, datetime.now(UTC) - UPDATE_ID_RETENTION)

    # --- answering -----------------------------------------------------------------------------------------

    async def apply(self, session_id: int, event: Input, *, actor: str, by_staff: bool = False,
                    chat_id: int | None = None, update_id: int | None = None,
                    expect_cursor: str | None = None, expect_key: str | None = None) -> Step:
        """Apply one input and commit it.  A refused input changes nothing and is not written, but for an answer
        refused as a likely slip (engine: `State.unconfirmed`): that the next same answer is meant must survive a
        restart or another worker, so the state is written (no answer changes).

        `expect_cursor`: the item the input was meant for (a button's item); when the session has moved on, the
        input is refused as a stale button instead of being applied to another item.
        `expect_key`: the key of the screen the input was given on (bot.present.build.screen_key); when the
        session now asks something else, the input is refused as stale (a second tab, a late retry).
        """
        for attempt in range(4):
            cached = await self._session(session_id, fresh=attempt > 0)
            if cached.status != "active" and not cached.state.submitted:
                return Step(cached.state, error=AnswerError("no_such_item"))
            if cached.held_by is not None and actor != cached.held_by:
                return Step(cached.state, error=AnswerError("held_by_staff"))
            if cached.held_by is None and actor != cached.owner:
                return Step(cached.state, error=AnswerError("not_your_session"))
            if expect_cursor is not None and cached.state.cursor != expect_cursor:
                return Step(cached.state, error=AnswerError("stale_button"))
            if expect_key is not None and screen_key(cached.form, cached.state) != expect_key:
                return Step(cached.state, error=AnswerError("stale_screen"))
            by_staff = by_staff or (cached.held_by is not None and actor == cached.held_by)
            step = engine.apply(cached.form, cached.state, event, self.today())
            if step.error is not None and step.state.unconfirmed == cached.state.unconfirmed:
                return step
            if step.changes:
                changed = {c.item_id for c in step.changes}
                marked = step.state.staff_items - changed | (changed if by_staff else frozenset())
                step = replace(step, state=replace(step.state, staff_items=marked))
            job = StepWrite(
                session_id=session_id, expected_version=cached.version, state=step.state, changes=step.changes,
                actor_id=await self._user_id(actor), was_submitted=cached.state.submitted, by_staff=by_staff,
                chat_id=chat_id, update_id=update_id, prepare=self._profile_work(cached, step),
                shown_key=None if chat_id is None else screen_key(cached.form, cached.state),
            )
            try:
                version, state = await self.writer.write(job)
            except Conflict:
                self.forget(session_id)
                continue
            except Duplicate:
                assert update_id is not None
                self._handled(update_id)
                raise Redelivered(update_id) from None
            if update_id is not None:
                self._handled(update_id)
                self._recorded[update_id] = None
                while len(self._recorded) > 10_000:
                    self._recorded.popitem(last=False)
            status = "submitted" if state.submitted else cached.status
            self._remember(replace(cached, version=version, state=state, status=status))
            return replace(step, state=state)
        raise Conflict(session_id)

    def _profile_work(self, cached: _Cached, step: Step) -> Any:
        """The profile update this step needs inside the write transaction, or None (most steps)."""
        form = cached.form
        touches = any(form.item(c.item_id).profile for c in step.changes)
        rule = rule_of(form)
        scores = step.state.submitted and rule is not None and rule.level_profile(form)
        if not touches and not scores:
            return None

        def prepare(s: Session, state: State) -> State:
            return self._update_profile(s, cached, replace(step, state=state))

        return prepare

    def _update_profile(self, s: Session, cached: _Cached, step: Step) -> State:
        """Remember profile answers for the enterprise, one profile per enterprise (bot/db/repo.py): a form that
        asks the credit code writes to that code's profile, and its answers given before the code wait in the
        session until the code comes, which joins what the person said of the enterprise before (the ''
        profile) and offers what its profile held; a session started from a filing writes to the filing's
        enterprise; any other form to the enterprise it names, else to the one the person spoke of last.
        Returns the state with suggestions refreshed."""
        form, state = cached.form, step.state
        keyed: dict[str, Answer] = {}
        for change in step.changes:
            key = form.item(change.item_id).profile
            if key and change.new is not None and change.new.value is not None:
                keyed[key] = change.new
        reached = level_profile(form, state.answers) if state.submitted else None
        if reached is not None and reached[0]:
            keyed[reached[0]] = Answer(reached[1])
        if not keyed:
            return state
        owner = cached.owner_id
        named = next((state.answers[i.id].value for i in form.items
                      if i.profile == COMPANY_NAME and i.id in state.answers), None)
        company = str(named) if named else None
        code_item = next((i.id for i in form.items if i.profile == CREDIT_CODE), None)
        if code_item is None:
            # a session started from another (a contract): the enterprise of the filing; else the one it names
            code = str(state.origin.get(CREDIT_CODE) or "")
            if code:
                repo.remember(s, owner, code, keyed)
            else:
                repo.remember_uncoded(s, owner, company, keyed)
            return state
        code_answer = state.answers.get(code_item)
        code = str(code_answer.value) if code_answer is not None and code_answer.value else ""
        if not code:  # not known yet: the answers go with the code when it comes
            return state
        if CREDIT_CODE not in keyed:
            repo.remember(s, owner, code, keyed)
            return state
        # the enterprise is now known: one profile with what was said of it before, this session's answers carried
        # to it, its earlier values offered
        repo.join_unidentified(s, owner, code, company)
        before = repo.profile(s, owner, code)
        everything = {i.profile: state.answers[i.id] for i in form.items
                      if i.profile and i.id in state.answers and state.answers[i.id].value is not None}
        repo.remember(s, owner, code, everything)
        if before is not None:
            offered = suggestions(form, before.data, self.today())
            state = replace(state, suggestions={**state.suggestions, **offered})
        return state

    # --- people --------------------------------------------------------------------------------------------

    async def lang_of(self, external_id: str) -> str | None:
        """The language the person chose (None: not chosen), cached."""
        if external_id in self._langs:
            return self._langs[external_id]
        async with self.sessionmaker() as s:
            lang = await s.scalar(select(User.lang).where(User.external_id == external_id))
        self._langs[external_id] = lang
        while len(self._langs) > self._cache_size:
            self._langs.popitem(last=False)
        return lang

    async def set_lang(self, external_id: str, lang: str, *, display_name: str | None = None) -> None:
        async with self.sessionmaker.begin() as s:
            user = await repo.get_or_create_user(s, external_id, display_name=display_name, lang=lang)
            user.lang = lang
            user_id = user.id
        self._remember_person(external_id, user_id, lang)
