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
class Shows:
    """The screen a message shows: recorded once sent (bot/service/shown.py), for the typed-too-early check and
    the copies shown on a re-delivery."""

    interviews: Interviews
    session_id: int
    key: str

    async def sent(self, chat_id: int, message_id: int) -> None:
        await self.interviews.shown.record(chat_id, self.session_id, self.key, message_id)


@dataclass(frozen=True)
class Outgoing:
    text: str
    markup: InlineKeyboardMarkup | None = None
    #: set when the message shows a session's screen
    shows: Shows | None = None


def outgoing(scr: Screen, tr: Translator, interviews: Interviews | None, *, before: str | None = None,
             buttons: bool = True) -> Outgoing:
    """A screen as a message; `before` (already HTML) is put above it, e.g. a refusal.  `buttons=False` shows
    it without its keyboard (a session held by the helpdesk: nothing to press meanwhile).  Once sent, the
    message is recorded as the one showing the screen (in `interviews`; None: not recorded, a benchmark's
    prebuilt messages)."""
    text = texts.screen_text(scr, tr)
    if before:
        text = texts.clip(f"{before}\n\n{text}")
    return Outgoing(text, keyboards.for_screen(scr, tr) if buttons else None,
                    None if interviews is None else Shows(interviews, scr.session_id, scr.key))


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
    return outgoing(await current_screen(interviews, opened, tr), tr, interviews, before=before, buttons=buttons)
