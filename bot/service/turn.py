"""One turn of an interview, the same for every channel: an input applied and committed, and what to show.

`take_turn` applies an input through `Interviews.apply` (committed before it returns) and builds one `Turn`: a
refusal (its reason, and the text typed, kept to show) or what was saved, the warnings, and the next screen
(bot/present/screen.py, built once here, running score included); after a submission, what follows it (the
documents, a contract's total against its filing, the interviews that come next, the contracts to draft).
`current_screen` builds the screen of a session as it stands (a resume, a page reload, a stale input).

A channel marks a Turn up in its own way (web templates, Telegram HTML, WeChat text, the terminal) and builds
nothing of it itself.  Texts are plain, in the person's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.interview.answer import Answer
from bot.interview.engine import GroupRemove, Input, State, Step
from bot.interview.errors import AnswerError
from bot.interview.groups import GroupView, group_view
from bot.interview.schema import Form, GroupItem
from bot.present import answer_text, colon, entry_text, error_text, item_label, step_warnings
from bot.present.build import build_screen, entry_name, opening
from bot.present.screen import Row, Screen, ScreenKind
from bot.scoring import offers_next
from bot.service.sessions import Interviews, Opened

if TYPE_CHECKING:
    from bot.service.contracts import Filing


@dataclass(frozen=True)
class Refusal:
    """An input the interview did not take: the reason in the person's words, and what they typed (to show)."""

    error: AnswerError
    reason: str
    typed: str | None = None

    @property
    def stale(self) -> bool:
        """The input was given on an earlier screen (a button of an old message, a second tab, a late retry)."""
        return self.error.code in ("stale_button", "stale_screen")


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
    #: the next screen (on a refusal, the same one again)
    screen: Screen
    refusal: Refusal | None = None
    #: the accepted answer as shown ("Saved: …"); a group field typed: "field: value"; None when nothing was saved
    saved: str | None = None
    #: the question or field just answered, as a record (what an answered message of the chat becomes)
    answered: Row | None = None
    #: an entry just removed from a repeatable group ("供应商 2: …")
    removed: str | None = None
    #: warnings about the accepted answer (cross-field checks, a gated group that can no longer score)
    warnings: tuple[str, ...] = ()
    #: set once, by the turn that submitted the interview
    after: AfterSubmission | None = None
    #: the service's date for this turn
    today: date = field(kw_only=True)


async def service_warnings(interviews: Interviews, form: Form, state: State, session_id: int,
                           tr: Translator) -> tuple[str, ...]:
    """What the service knows is still wrong besides the form's own checks, for the review and the confirmation:
    a contract's total against its filing's expected investment (read from the database)."""
    if state.submitted or state.cursor is not None:
        return ()
    from bot.service.contracts import CONTRACT_DOCUMENT  # the contract rules import the document writers

    if CONTRACT_DOCUMENT not in form.documents:
        return ()
    from bot.service.contracts import comparison, comparison_text

    try:
        found = await comparison(interviews.sessionmaker, session_id)
    except LookupError:
        return ()
    return () if found is None else tuple(comparison_text(found, tr))


async def screen_of(interviews: Interviews, form: Form, state: State, session_id: int, today: date,
                    tr: Translator) -> Screen:
    warnings = await service_warnings(interviews, form, state, session_id, tr)
    return build_screen(form, state, today, tr, session_id=session_id, warnings=warnings)


async def current_screen(interviews: Interviews, opened: Opened, tr: Translator) -> Screen:
    """The screen of a session as it stands (a resume, a reload, the answer to a stale input)."""
    return await screen_of(interviews, opened.form, opened.state, opened.session_id, opened.today, tr)


def opening_lines(opened: Opened, tr: Translator) -> tuple[str, ...]:
    """What opening (or resuming) an interview says above its screen."""
    return opening(opened.form, opened.state, opened.resumed, tr)


async def take_turn(interviews: Interviews, opened: Opened, event: Input, tr: Translator, *, actor: str,
                    chat_id: int | None = None, update_id: int | None = None, expect_cursor: str | None = None,
                    expect_key: str | None = None, typed: str | None = None) -> Turn:
    """Apply `event` to the session `opened` (its state as the channel last read it) and build the Turn.
    `expect_key`: the key of the screen the input was given on (bot.present.screen.Screen.key): when the session
    now asks something else, nothing is applied and the refusal says so.  `typed`: the text the person typed (or
    a file's caption), shown with a refusal when the engine kept none."""
    step = await interviews.apply(opened.session_id, event, actor=actor, chat_id=chat_id, update_id=update_id,
                                  expect_cursor=expect_cursor, expect_key=expect_key)
    form, before = opened.form, opened.state
    screen = await screen_of(interviews, form, step.state, opened.session_id, opened.today, tr)
    if step.error is not None:
        refusal = Refusal(step.error, error_text(step.error, tr), step.typed or typed)
        return Turn(opened.session_id, form, step.state, screen, refusal, today=opened.today)
    after = None
    if step.state.submitted and not before.submitted:
        after = await after_submission(interviews, form, opened.session_id, step.state, tr)
    saved, answered = _saved(form, before, step, tr)
    return Turn(opened.session_id, form, step.state, screen, today=opened.today, saved=saved, answered=answered,
                removed=_removed(form, before, event, tr), warnings=tuple(step_warnings(form, step, tr)),
                after=after)


def _saved(form: Form, before: State, step: Step, tr: Translator) -> tuple[str | None, Row | None]:
    """What was saved, as shown, and the record of the question answered (None when it was no plain question)."""
    if step.changes:
        change = step.changes[-1]
        item = form.item(change.item_id)
        shown = answer_text(item, change.new, tr)
        if before.cursor != item.id or isinstance(item, GroupItem):
            return shown, None
        return shown, Row(item_label(form, item), item.id, form.position(item.id), tr.form(item.text), shown,
                          change.new is not None)
    if before.cursor is not None and isinstance(item := form.item(before.cursor), GroupItem):
        return _group_saved(item, group_view(item, before), group_view(item, step.state), tr)
    return None, None


def _group_saved(item: GroupItem, before: GroupView, after: GroupView, tr: Translator
                 ) -> tuple[str | None, Row | None]:
    """"field: value" for a group field answered, and its record (None when `before` was not asking a field)."""
    if before.field is None:
        return None, None
    asked = item.fields[before.field]
    if after.field is not None and after.editing == before.editing:
        values = after.current
    elif 0 < before.number <= len(after.entries):
        values = after.entries[before.number - 1]
    else:
        return None, None
    shown = answer_text(asked, Answer(values.get(asked.id)), tr)
    record = Row(entry_name(item, before.number, tr), item.id, -1, tr.form(asked.text), shown, True)
    return f"{tr.form(asked.text)}{colon(tr)}{shown}", record


def _removed(form: Form, before: State, event: Input, tr: Translator) -> str | None:
    if not isinstance(event, GroupRemove) or before.cursor is None:
        return None
    item = form.item(before.cursor)
    if not isinstance(item, GroupItem):
        return None
    view = group_view(item, before)
    if not 1 <= event.index <= len(view.entries):
        return None
    return tr.ui("Removed {entry}: {text}", entry=entry_name(item, event.index, tr),
                 text=entry_text(item, view.entries[event.index - 1], tr))


async def after_submission(interviews: Interviews, form: Form, session_id: int, state: State,
                           tr: Translator) -> AfterSubmission:
    """What follows the submission of a session (also for a result page shown again later)."""
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


__all__ = ["AfterSubmission", "Refusal", "ScreenKind", "Turn", "after_submission", "current_screen",
           "opening_lines", "screen_of", "take_turn"]
