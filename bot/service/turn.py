"""One turn of an interview, the same for every channel: an input applied and committed, and what to tell.

`take_turn` applies an input through `Interviews.apply` (committed before it returns) and builds one `Turn`:
a refusal (its reason, and the text typed, kept to show) or what was saved, the warnings, the running score,
the next screen; after a submission, what follows it (the documents to send, a contract's total against its
filing, the interviews that come next, the contracts to draft).  A channel renders a Turn in its own markup
(bot/dialogs/telegram/flow.py, bot/dialogs/console.py) and builds nothing of it itself.  Texts are plain, in the
person's language (bot/present.py's words).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.interview import engine
from bot.interview.answer import Answer
from bot.interview.engine import Input, Screen, State, Step
from bot.interview.errors import AnswerError
from bot.interview.groups import GroupView, group_view
from bot.interview.schema import Form, GroupItem
from bot.present import answer_text, colon, error_text, score_line, step_warnings
from bot.scoring import offers_next, running, scored_items
from bot.service.sessions import Interviews, Opened

if TYPE_CHECKING:
    from bot.service.contracts import Filing


@dataclass(frozen=True)
class Refusal:
    """An input the interview did not take: the reason in the person's words, and what they typed (to show)."""

    error: AnswerError
    reason: str
    typed: str | None = None


@dataclass(frozen=True)
class AfterSubmission:
    """What follows a submission, in the order a channel tells it."""

    #: the session whose documents are sent (rendered by the channel, off the event loop)
    documents: int
    #: a contract's total against its filing's expected investment, told before its files (None: not a contract)
    contract_check: tuple[str, ...] | None = None
    #: whether that total differs (the lines are then a warning)
    contract_differs: bool = False
    #: the filing whose providers' contracts can be drafted now (None: the form is not a filing)
    filing: Filing | None = None
    #: the interviews offered next (an eligible check), by form id
    next_forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Turn:
    """What one input did, for any channel to render."""

    session_id: int
    form: Form
    #: the state whose screen comes next (on a refusal, the screen asked again)
    state: State
    refusal: Refusal | None = None
    #: the accepted answer as shown ("Saved: …"); a group field typed: "field: value"; None when nothing was saved
    saved: str | None = None
    #: warnings about the accepted answer (cross-field checks, a gated group that can no longer score)
    warnings: tuple[str, ...] = ()
    #: the running score after a scored answer ("" never: None when there is none to tell)
    score: str | None = None
    #: set once, by the turn that submitted the interview
    after: AfterSubmission | None = None
    #: the service's date for this turn (the next screen checks suggested values against it)
    today: date = field(kw_only=True)

    @property
    def screen(self) -> Screen:
        return engine.screen(self.form, self.state, self.today)


async def take_turn(interviews: Interviews, opened: Opened, event: Input, tr: Translator, *, actor: str,
                    chat_id: int | None = None, update_id: int | None = None, expect_cursor: str | None = None,
                    typed: str | None = None) -> Turn:
    """Apply `event` to the session `opened` (its state as the channel last read it) and build the Turn.
    `typed`: the text the person typed (or a file's caption), shown with a refusal when the engine kept none."""
    step = await interviews.apply(opened.session_id, event, actor=actor, chat_id=chat_id, update_id=update_id,
                                  expect_cursor=expect_cursor)
    form, before = opened.form, opened.state
    if step.error is not None:
        refusal = Refusal(step.error, error_text(step.error, tr), step.typed or typed)
        return Turn(opened.session_id, form, step.state, refusal, today=opened.today)
    after = None
    if step.state.submitted and not before.submitted:
        after = await _after_submission(interviews, form, opened.session_id, step.state, tr)
    return Turn(opened.session_id, form, step.state, today=opened.today, saved=_saved(form, before, step, tr),
                warnings=tuple(step_warnings(form, step, tr)), score=_score(form, step, tr), after=after)


def _saved(form: Form, before: State, step: Step, tr: Translator) -> str | None:
    if step.changes:
        change = step.changes[-1]
        return answer_text(form.item(change.item_id), change.new, tr)
    if before.cursor is not None and isinstance(item := form.item(before.cursor), GroupItem):
        return _group_saved(item, group_view(item, before), group_view(item, step.state), tr)
    return None


def _group_saved(item: GroupItem, before: GroupView, after: GroupView, tr: Translator) -> str | None:
    """"field: value" for a group field answered (None when `before` was not asking a field)."""
    if before.field is None:
        return None
    asked = item.fields[before.field]
    if after.field is not None and after.editing == before.editing:
        values = after.current
    elif 0 < before.number <= len(after.entries):
        values = after.entries[before.number - 1]
    else:
        return None
    return f"{tr.form(asked.text)}{colon(tr)}{answer_text(asked, Answer(values.get(asked.id)), tr)}"


def _score(form: Form, step: Step, tr: Translator) -> str | None:
    """The running score when the answer saved was a scored one."""
    if not step.changes or step.changes[-1].item_id not in scored_items(form):
        return None
    figures = running(form, step.state.answers)
    return (score_line(figures, tr) if figures is not None else "") or None


async def _after_submission(interviews: Interviews, form: Form, session_id: int, state: State,
                            tr: Translator) -> AfterSubmission:
    # the contract rules import the document writers: only a submission needs them
    from bot.service.contracts import NoSuchFiling, comparison, comparison_text, load_filing, makes_contracts

    check: tuple[str, ...] | None = None
    differs = False
    if makes_contracts(form):
        found = await comparison(interviews.sessionmaker, session_id)
        if found is not None:
            check, differs = tuple(comparison_text(found, tr)), bool(found.difference)
    filing = None
    if any(f.starts_from == form.id for f in interviews.forms.values()):
        try:
            filing = await load_filing(interviews.sessionmaker, session_id)
        except NoSuchFiling:
            filing = None
    next_forms = tuple(form.next) if offers_next(form, state.answers) else ()
    return AfterSubmission(session_id, check, differs, filing, next_forms)
