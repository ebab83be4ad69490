"""Outer middlewares on every update, in this order:

RateLimit (per chat, token bucket) → ChatOrder (one update of a chat at a time, in arrival order) →
OnceOnly (an update_id is handled at most once) → Locale (the Translator for the person).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, TelegramObject, Update
from aiogram.types import User as TelegramUser

from bot.i18n import Translator
from bot.interviews import Interviews
from bot.telegram.people import first_lang, stored_lang

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
            return await handler(event, data)
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


class OnceOnly(BaseMiddleware):
    """A re-delivered update is acknowledged and dropped.

    Two layers: update ids this process has already handled are remembered in memory (a bounded window); and an
    update that carried an answer is recorded in the same transaction as that answer, so after a restart
    Interviews.apply recognises its re-delivery (DUPLICATE) and nothing is applied twice.  Updates that change
    nothing (a /help, a screen shown again) are harmless to handle twice.
    """

    def __init__(self, window: int = 100_000) -> None:
        self.window = window
        self._seen: OrderedDict[int, None] = OrderedDict()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update):
            if event.update_id in self._seen:
                log.info("update %s was delivered again: dropped", event.update_id)
                await acknowledge(event)
                return None
            self._seen[event.update_id] = None
            if len(self._seen) > self.window:
                self._seen.popitem(last=False)
        return await handler(event, data)


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
