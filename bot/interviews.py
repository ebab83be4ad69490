"""The interview service: the one place where the pure engine meets the database.

Every channel (terminal, Telegram) calls `open` and `apply`.  An input is applied inside one transaction that
also writes the changed answers, their audit events and the new position; the transaction commits before
`apply` returns, so whatever the channel then shows the person is already durable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.db import repo
from bot.db.models import InterviewSession, User
from bot.interview import engine
from bot.interview.engine import Answer, Input, State, Step
from bot.interview.errors import AnswerError
from bot.interview.schema import Form, WeightedTreeScoring
from bot.scoring import evaluate
from bot.scoring.weighted_tree import TreeEvaluation

#: the profile key of the unified social credit code: it decides which enterprise's profile is read and written
CREDIT_CODE = "credit_code"


def suggestions(form: Form, profile_data: Mapping[str, Any]) -> dict[str, Answer]:
    """The profile values this form's items can offer, by item id (a value the item would refuse is not offered)."""
    offered: dict[str, Answer] = {}
    for item in form.items:
        stored = profile_data.get(item.profile) if item.profile else None
        if stored is None or stored.get("value") is None:
            continue
        try:
            answer = engine.answer_from_value(item, stored["value"])
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
            known = await repo.profile(s, user.id)
            state = replace(engine.start(form), suggestions=suggestions(form, known.data if known else {}))
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
            state = await self._update_profile(s, form, row, step)
            step = replace(step, state=state)
            repo.save_step(s, row, state, step.changes, actor=user, by_staff=who["by_staff"],
                           chat_id=who["chat_id"], update_id=who["update_id"])
        return step

    async def _update_profile(self, s: AsyncSession, form: Form, row: InterviewSession, step: Step) -> State:
        """Remember profile answers for the enterprise; once its credit code is known, offer what was said of it
        before.  Returns the state with suggestions refreshed."""
        state = step.state
        keyed = {form.item(c.item_id).profile: c.new for c in step.changes
                 if c.new is not None and c.new.value is not None and form.item(c.item_id).profile}
        if state.submitted and isinstance(form.scoring, WeightedTreeScoring) and form.scoring.profile:
            result = evaluate(form, state.answers)
            if isinstance(result, TreeEvaluation):
                keyed[form.scoring.profile] = Answer(f"level{result.level.level}")
        if not keyed:
            return state
        owner = await s.get(User, row.owner_id)
        assert owner is not None
        code_item = next((i.id for i in form.items if i.profile == CREDIT_CODE), None)
        code_answer = state.answers.get(code_item) if code_item else None
        code = str(code_answer.value) if code_answer is not None and code_answer.value else ""
        if code and CREDIT_CODE in keyed:
            # the enterprise is now known: carry this session's profile answers to it and offer its earlier ones
            before = await repo.profile(s, owner.id, code)
            everything = {i.profile: state.answers[i.id] for i in form.items
                          if i.profile and i.id in state.answers and state.answers[i.id].value is not None}
            await repo.remember(s, owner.id, code, everything)
            if before is not None:
                state = replace(state, suggestions={**state.suggestions, **suggestions(form, before.data)})
            return state
        # before the code is known (or in a form without one) answers go to the person's '' profile
        await repo.remember(s, owner.id, code, {k: a for k, a in keyed.items() if k})
        return state

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
