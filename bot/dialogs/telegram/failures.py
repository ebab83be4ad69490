"""When handling an update fails: wait out an outage, give up on anything else.

`transient` says whether a failure is an outage — the database or the Bot API cannot be reached for now
(bot.db.outage.unreachable; Telegram's network errors, 5xx and flood waits) — after which the same update succeeds
once the outage is over, so it is taken again.  Any other failure (a value the database refuses, a bug, Telegram
refusing a request) fails again however often it is tried: the update is given up at once and the person gets
one line in their language (`excuse`), so that no update is retried forever and none holds back the other chats
(long polling moves its offset past it; a webhook answers 200).

An "outage" that only one update meets while the others are handled is no outage: after `MAX_LONELY_FAILURES`
such failures, with at least as many other updates handled meanwhile, that update is given up too.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.types import Update

from bot.db.outage import unreachable
from bot.i18n import Translator
from bot.service.sessions import Interviews

log = logging.getLogger(__name__)

#: an update failing "transiently" this often while others are handled is given up
MAX_LONELY_FAILURES = 5
#: how long the excuse waits for the person's stored language
LANG_WAIT = 2.0


def transient(exc: BaseException) -> bool:
    """A failure that says nothing about the update: the database or the Bot API is unavailable for now."""
    if isinstance(exc, TelegramAPIError):
        return isinstance(exc, TelegramNetworkError | TelegramServerError | TelegramRetryAfter)
    return unreachable(exc)


@dataclass
class _Failing:
    failures: int
    #: updates handled by then
    handled_at_first: int


class Attempts:
    """What to do with an update that failed: take it again (an outage) or give it up.  Counts the updates handled
    meanwhile, so that one meeting an "outage" nobody else meets is given up as well."""

    def __init__(self) -> None:
        self._failing: dict[int, _Failing] = {}
        self._handled = 0

    def failed(self, update_id: int, exc: BaseException) -> bool:
        """Record a failure; True when the update should be taken again, False when it is given up."""
        if transient(exc):
            failing = self._failing.setdefault(update_id, _Failing(0, self._handled))
            failing.failures += 1
            others = self._handled - failing.handled_at_first
            if failing.failures < MAX_LONELY_FAILURES or others < MAX_LONELY_FAILURES:
                log.warning("update %s failed (%s: %s); it will be taken again", update_id,
                            exc.__class__.__name__, exc)
                while len(self._failing) > 10_000:
                    self._failing.pop(next(iter(self._failing)))
                return True
            log.error("update %s failed %d times while %d others were handled; given up", update_id,
                      failing.failures, others, exc_info=exc)
        else:
            log.error("update %s failed; given up (an outage is the only failure worth trying again)", update_id,
                      exc_info=exc)
        self._failing.pop(update_id, None)
        return False

    def done(self, update_id: int) -> None:
        self._handled += 1
        self._failing.pop(update_id, None)


def excuse_text(tr: Translator) -> str:
    return tr.ui("Sorry, that could not be handled. Send /resume to see where you are.")


async def excuse(bot: Bot, update: Update, interviews: Interviews, default_lang: str) -> None:
    """One line to the person whose update was given up, in their language (the one they chose, else Telegram's,
    else the default); nothing when the update has no person (or the line cannot be sent)."""
    from bot.dialogs.telegram.people import external_id, first_lang

    user = update.callback_query.from_user if update.callback_query else (
        update.message.from_user if update.message else None)
    if user is None:
        return
    lang: str | None = None
    with suppress(Exception):
        lang = await asyncio.wait_for(interviews.lang_of(external_id(user)), LANG_WAIT)
    text = excuse_text(Translator(lang or first_lang(user, default_lang)))
    with suppress(TelegramAPIError):
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await bot.send_message(update.message.chat.id, text, parse_mode=None)
