"""One message per screen: the screen model (bot/present/screen.py) as the chat's text and keyboard."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import InlineKeyboardMarkup

from bot.dialogs.telegram import keyboards, texts
from bot.i18n import Translator
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
                  buttons: bool = True) -> Outgoing:
    """The screen the interview is on, as a message."""
    return outgoing(await current_screen(interviews, opened, tr), tr, before=before, buttons=buttons)
