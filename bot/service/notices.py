"""Telling a person something on the channel they use, in their language: a helpdesk colleague took over their
interview or handed it back (with what changed), it was reopened or moved to another account, a staff message,
their documents are ready.

Every notice is a pushed event of the person (bot/service/events.py), which their web pages show at once; a chat
channel registers a sender for its people ("tg:" Telegram, "wx:" WeChat) and receives the same text.  A person the
channel cannot reach (blocked the bot, no quota left) is logged, never an error for the one who told them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.i18n import Translator
from bot.service.events import Events, person
from bot.service.sessions import Interviews

log = logging.getLogger(__name__)

#: (external id, the notice as plain text) → delivered
Sender = Callable[[str, str], Awaitable[None]]


class Notices:
    def __init__(self, interviews: Interviews, events: Events, *, default_lang: str = "zh") -> None:
        self.interviews = interviews
        self.events = events
        self.default_lang = default_lang
        self._senders: dict[str, Sender] = {}

    def register(self, prefix: str, sender: Sender) -> None:
        """Deliver the notices of people whose external id starts with `prefix` ("tg:") through `sender`."""
        self._senders[prefix] = sender

    def reaches(self, prefix: str) -> bool:
        """A sender is registered for `prefix`."""
        return prefix in self._senders

    async def translator(self, external_id: str) -> Translator:
        return Translator(await self.interviews.lang_of(external_id) or self.default_lang)

    async def tell(self, external_id: str, message: str, *, kind: str = "notice",
                   data: Mapping[str, Any] | None = None, **params: Any) -> str:
        """Tell `external_id` the interface message `message` (an English msgid, filled with `params`) in their
        language; returns the text told."""
        tr = await self.translator(external_id)
        text = tr.ui(message, **params)
        await self.say(external_id, text, kind=kind, data=data)
        return text

    async def say(self, external_id: str, text: str, *, kind: str = "notice",
                  data: Mapping[str, Any] | None = None) -> None:
        """Tell `external_id` a text already in their language (a staff member's own words)."""
        try:
            await self.events.publish(person(external_id), kind, {"text": text, **(data or {})})
        except Exception:
            log.exception("could not record a notice for %s", external_id)
        for prefix, sender in self._senders.items():
            if external_id.startswith(prefix):
                try:
                    await sender(external_id, text)
                except Exception as exc:  # the person may have blocked the bot; nothing else to do
                    log.info("could not tell %s (%s)", external_id, exc.__class__.__name__)
                return
