"""One message per screen: the current question, the review list or the result, with its keyboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from aiogram.types import InlineKeyboardMarkup

from bot.dialogs.telegram import keyboards, texts
from bot.i18n import Translator
from bot.interview import engine
from bot.interview.engine import Question, ReviewScreen, State
from bot.interview.schema import Form


@dataclass(frozen=True)
class Outgoing:
    text: str
    markup: InlineKeyboardMarkup | None = None


class At(Protocol):
    """Where an interview stands: an opened session (bot.service.sessions.Opened) or a turn's outcome (Turn)."""

    @property
    def session_id(self) -> int: ...
    @property
    def form(self) -> Form: ...
    @property
    def state(self) -> State: ...
    @property
    def today(self) -> date: ...


def current(at: At, tr: Translator, *, before: str | None = None) -> Outgoing:
    """The screen the interview is on; `before` (already HTML) is put above it, e.g. a refusal."""
    form, state, session_id = at.form, at.state, at.session_id
    scr = engine.screen(form, state, at.today)
    if isinstance(scr, Question):
        text, markup = texts.question(form, state, scr, tr), keyboards.question(form, scr, session_id, tr, state)
    elif isinstance(scr, ReviewScreen):
        text, markup = texts.review(form, state, scr, tr), keyboards.review(form, scr, session_id, tr)
    else:
        text, markup = texts.result(form, state, tr), None
    if before:
        text = texts.clip(f"{before}\n\n{text}")
    return Outgoing(text, markup)
