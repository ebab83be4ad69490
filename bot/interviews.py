"""The interview service: the one place where the pure engine meets the database.

Every channel (terminal, Telegram) calls `open` and `apply`.  An input is applied inside one transaction that
also writes the changed answers, their audit events and the new position; the transaction commits before
`apply` returns, so whatever the channel then shows the person is already durable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.db import repo
from bot.db.models import InterviewSession
from bot.interview import engine
from bot.interview.engine import Input, State, Step
from bot.interview.schema import Form


@dataclass(frozen=True)
class Opened:
    session_id: int
    form: Form
    state: State
    resumed: bool


class Interviews:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], forms: dict[str, Form]) -> None:
        self.sessionmaker = sessionmaker
        self.forms = forms

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
                return Opened(row.id, form, state, resumed=True)
            state = engine.start(form)
            row = await repo.create_session(s, user, form.id, form.version, state)
            return Opened(row.id, form, state, resumed=False)

    async def load(self, session_id: int) -> tuple[Form, State]:
        async with self.sessionmaker() as s:
            row = await s.get(InterviewSession, session_id)
            if row is None:
                raise LookupError(session_id)
            return self.forms[row.form_id], repo.state_of(row)

    async def apply(self, session_id: int, event: Input, *, actor: str, by_staff: bool = False,
                    chat_id: int | None = None, update_id: int | None = None) -> Step:
        """Apply one input and commit it.  A refused input changes nothing and is not written."""
        for attempt in range(3):
            try:
                return await self._apply_once(session_id, event, actor=actor, by_staff=by_staff,
                                              chat_id=chat_id, update_id=update_id)
            except StaleDataError:
                # another worker changed the session first: re-read it and apply the input to the new state
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _apply_once(self, session_id: int, event: Input, **who: Any) -> Step:
        async with self.sessionmaker.begin() as s:
            row = await s.get(InterviewSession, session_id)
            if row is None:
                raise LookupError(session_id)
            form = self.forms[row.form_id]
            step = engine.apply(form, repo.state_of(row), event)
            if step.error is not None:
                return step
            user = await repo.get_or_create_user(s, who["actor"])
            repo.save_step(s, row, step.state, step.changes, actor=user, by_staff=who["by_staff"],
                           chat_id=who["chat_id"], update_id=who["update_id"])
        return step

    async def current(self, external_id: str) -> Opened | None:
        """The person's most recently touched active session of any form (for /resume), or None."""
        async with self.sessionmaker() as s:
            user = await repo.find_user(s, external_id)
            if user is None:
                return None
            row = await repo.latest_session(s, user.id)
            if row is None:
                return None
            return Opened(row.id, self.forms[row.form_id], repo.state_of(row), resumed=True)
