"""Outer middlewares on every update, in this order:

ChatOrder (one update of a chat at a time in this process, in arrival order) → Redelivery (the chat's lock
shared by every worker; an update handled before, by any worker or before a restart, re-shows the current screen
instead of being handled again; the cache is refreshed from the database; the update is recorded as handled) →
RateLimit (per chat, token bucket; only new updates count: a re-delivery, or a retry after a failed attempt,
is no new message of the person) → Locale (the Translator for the person).

Also ExpiredCallbacks, a Bot API request middleware: answering a button press too late ("query is too old")
is logged and ignored, never an exception that stops the handler.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from html import escape
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, TelegramObject, Update
from aiogram.types import User as TelegramUser

from bot.dialogs.telegram import screens
from bot.dialogs.telegram.people import external_id, first_lang, stored_lang
from bot.dialogs.telegram.sending import say, send
from bot.dialogs.telegram.texts import no_interview
from bot.i18n import Translator
from bot.present.build import screen_key
from bot.service.notices import Notices
from bot.service.sessions import Interviews, Redelivered

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def chat_key(data: dict[str, Any]) -> int | None:
    chat: Chat | None = data.get("event_chat")
    if chat is not None:
        return chat.id
    user: TelegramUser | None = data.get("event_from_user")
    return user.id if user is not None else None


async def acknowledge(event: TelegramObject) -> None:
    """Stop the spinner of a button whose update is dropped."""
    if isinstance(event, Update) and event.callback_query is not None:
        with suppress(TelegramAPIError):
            await event.callback_query.answer()


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


@dataclass
class RateLimit(BaseMiddleware):
    """At most `rate` updates a second per chat with bursts of `burst`; over it one polite notice, then silence."""

    rate: float = 5.0
    burst: float = 10.0
    default_lang: str = "zh"
    clock: Callable[[], float] = time.monotonic
    buckets: dict[int, _Bucket] = field(default_factory=dict)

    def allow(self, key: int) -> tuple[bool, bool]:
        """(allowed, warn): whether to handle the update and, if not, whether to say so."""
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) > 10_000:
                self._forget_idle(now)
            bucket = self.buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return True, False
        warn = not bucket.warned
        bucket.warned = True
        return False, warn

    def refund(self, key: int) -> None:
        bucket = self.buckets.get(key)
        if bucket is not None:
            bucket.tokens = min(self.burst, bucket.tokens + 1)

    def _forget_idle(self, now: float) -> None:
        full_after = self.burst / self.rate
        for key in [k for k, b in self.buckets.items() if now - b.at > full_after]:
            del self.buckets[key]

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        key = chat_key(data)
        if key is None:
            return await handler(event, data)
        allowed, warn = self.allow(key)
        if allowed:
            try:
                return await handler(event, data)
            except BaseException:
                self.refund(key)  # not handled (an outage, a crash): its next delivery is not a new message
                raise
        log.info("rate limit: dropped an update of chat %s", key)
        await acknowledge(event)
        if warn:
            bot: Bot = data["bot"]
            tr = Translator(first_lang(data.get("event_from_user"), self.default_lang))
            with suppress(TelegramAPIError):
                await bot.send_message(key, tr.ui("You are sending messages very quickly. Please wait a moment, "
                                                  "then continue."))
        return None


@dataclass
class _ChatLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class ChatOrder(BaseMiddleware):
    """Updates of one chat run one at a time, in the order they arrived; different chats run concurrently.

    Must be the first middleware that awaits anything, so that arrival order is lock order.  Also counts the
    updates in flight so that shutdown can wait for them.
    """

    def __init__(self) -> None:
        self._locks: dict[int, _ChatLock] = {}
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        self._in_flight += 1
        self._idle.clear()
        try:
            key = chat_key(data)
            if key is None:
                return await handler(event, data)
            entry = self._locks.setdefault(key, _ChatLock())
            entry.users += 1
            try:
                async with entry.lock:
                    return await handler(event, data)
            finally:
                entry.users -= 1
                if entry.users == 0:
                    self._locks.pop(key, None)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def wait_idle(self, timeout: float) -> bool:
        """Wait until no update is being handled; False when `timeout` passed first."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True


class Redelivery(BaseMiddleware):
    """Every update is handled once, whichever worker gets it and however often Telegram delivers it.

    Under the chat's lock (shared by all processes on PostgreSQL), before anything is parsed: an update id the
    database already holds is a re-delivery (a crash before the confirmation, a retried webhook, a second
    worker): nothing is applied again, and the person gets the current screen, which is what the first handling's
    reply would show now, unless the chat shows it already (bot/service/shown.py: after a restart, a chat gets at
    most one fresh copy, not one per re-delivered update).  Otherwise the cache is refreshed from the database,
    the update is handled, and its id is recorded (an answer records it in its own write transaction; anything
    else here, after the handler).
    """

    def __init__(self, interviews: Interviews, default_lang: str) -> None:
        self.interviews = interviews
        self.default_lang = default_lang

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        key = chat_key(data)
        user: TelegramUser | None = data.get("event_from_user")
        if key is None:
            if await self.interviews.was_handled(event.update_id):
                return None
            result = await handler(event, data)
            await self.interviews.mark_handled(event.update_id)
            return result
        async with self.interviews.locks.chat(key):
            if user is not None:
                handled = await self.interviews.refresh(external_id(user), event.update_id)
            else:
                handled = await self.interviews.was_handled(event.update_id)
            if handled:
                log.info("update %s was delivered again: the current screen is shown", event.update_id)
                await self.show_current(event, data, key, user)
                return None
            try:
                result = await handler(event, data)
            except Redelivered:
                await self.show_current(event, data, key, user)
                return None
            await self.interviews.mark_handled(event.update_id)
            return result

    async def show_current(self, event: Update, data: dict[str, Any], chat_id: int,
                           user: TelegramUser | None) -> None:
        bot: Bot = data["bot"]
        await acknowledge(event)
        if user is None:
            return
        who = external_id(user)
        tr = Translator(await self.interviews.lang_of(who) or first_lang(user, self.default_lang))
        opened = await self.interviews.current(who)
        if opened is None:
            await say(bot, chat_id, no_interview(tr))
            return
        shown = await self.interviews.shown.get(chat_id, opened.session_id)
        if shown is not None and shown.key == screen_key(opened.form, opened.state):
            # the chat shows it already (every re-delivered update after a restart would add a copy): nothing
            log.info("update %s: chat %s shows the current screen already", event.update_id, chat_id)
            return
        await send(bot, chat_id, await screens.current(self.interviews, opened, tr, viewer=who))


class ExpiredCallbacks(BaseRequestMiddleware):
    """A button answered too late (after a restart, a re-delivery, a slow outage) stops no handler."""

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not isinstance(method, AnswerCallbackQuery):
                raise
            log.info("a button press could not be answered any more: %s", exc.message)
            return True


class Locale(BaseMiddleware):
    """Puts `tr` (the person's Translator) into the handler data: stored choice, else Telegram's, else default."""

    def __init__(self, interviews: Interviews, default_lang: str) -> None:
        self.interviews = interviews
        self.default_lang = default_lang

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: TelegramUser | None = data.get("event_from_user")
        lang = await stored_lang(self.interviews, user) if user is not None else None
        data["tr"] = Translator(lang or first_lang(user, self.default_lang))
        return await handler(event, data)


class TelegramNotices(BaseMiddleware):
    """Notices to Telegram people (bot/service/notices.py) go out through the bot that handles the updates: bound
    on the first update, so a dispatcher fed directly (tests, benchmarks) tells people as the running service
    does."""

    def __init__(self, notices: Notices) -> None:
        self.notices = notices

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not self.notices.reaches("tg:"):
            self.notices.register("tg:", partial(tell_on_telegram, data["bot"]))
        return await handler(event, data)


async def tell_on_telegram(bot: Bot, external_id: str, text: str) -> None:
    """A notice to a Telegram person."""
    await say(bot, int(external_id[3:]), escape(text))
