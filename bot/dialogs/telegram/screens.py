"""One message per screen: the screen model (bot/present/screen.py) as the chat's text and keyboard."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from aiogram.types import InlineKeyboardMarkup

from bot.dialogs.telegram import keyboards, texts
from bot.i18n import Translator
from bot.interview.errors import AnswerError
from bot.present import error_text
from bot.present.screen import Screen
from bot.service.sessions import Interviews, Opened
from bot.service.turn import current_screen


@dataclass(frozen=True)
class Outgoing:
    text: str
    markup: InlineKeyboardMarkup | None = None


def outgoing(scr: Screen, tr: Translator, *, before: str | None = None, buttons: bool = True) -> Outgoing:
    """A screen as a message; `before` (already HTML) is put above it, e.g. a refusal.  `buttons=False` shows
    it without its keyboard (a session held by the helpdesk: nothing to press meanwhile)."""
    text = texts.screen_text(scr, tr)
    if before:
        text = texts.clip(f"{before}\n\n{text}")
    return Outgoing(text, keyboards.for_screen(scr, tr) if buttons else None)


async def current(interviews: Interviews, opened: Opened, tr: Translator, *, before: str | None = None,
                  buttons: bool = True, viewer: str | None = None) -> Outgoing:
    """The screen the interview is on, as a message.  `viewer`: who will read it — while a helpdesk colleague
    holds the session, anyone else sees it without buttons, the reason above it."""
    if viewer is not None:
        _, held_by = await interviews.holder(opened.session_id)
        if held_by is not None and held_by != viewer:
            held = "🔒 " + escape(error_text(AnswerError("held_by_staff"), tr))
            before = f"{before}\n\n{held}" if before else held
            buttons = False
    return outgoing(await current_screen(interviews, opened, tr), tr, before=before, buttons=buttons)
