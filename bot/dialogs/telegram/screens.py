"""One message per screen: the current question, the review list or the result, with its keyboard."""

from __future__ import annotations

from dataclasses import dataclass

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


def current(form: Form, state: State, session_id: int, tr: Translator, *, before: str | None = None) -> Outgoing:
    """The screen the interview is on; `before` (already HTML) is put above it, e.g. a refusal."""
    scr = engine.screen(form, state)
    if isinstance(scr, Question):
        text, markup = texts.question(form, state, scr, tr), keyboards.question(form, scr, session_id, tr, state)
    elif isinstance(scr, ReviewScreen):
        text, markup = texts.review(form, state, scr, tr), keyboards.review(form, scr, session_id, tr)
    else:
        text, markup = texts.result(form, state, tr), None
    if before:
        text = texts.clip(f"{before}\n\n{text}")
    return Outgoing(text, markup)
