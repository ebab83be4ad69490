"""The Telegram channel of the running service (bot/serve.py): Bot, Dispatcher, command menu, then long polling
or a webhook server.

Telegram delivers every update at least once and re-delivers what was not confirmed; this module confirms an
update only once its effect is committed:

- webhook: the HTTP answer (200) is given after the update was handled; when handling fails because of an outage
  (the database or the Bot API cannot be reached) the answer is 503, and Telegram delivers the update again;
- long polling: our own loop (not aiogram's, which confirms an update as soon as its handler is started) moves the
  offset past an update only when it and every earlier one are done; one that failed in an outage is taken again.

An update that fails for any other reason is given up at once, the person told in one line
(bot/dialogs/telegram/failures.py): it would fail again however often it was tried, and the offset must move past
it for everyone else's.  An update aiogram cannot decode is skipped (bot/dialogs/telegram/updates.py).

Re-deliveries are then recognised by the database (bot/dialogs/telegram/middlewares.Redelivery).  Several webhook
workers may serve one PostgreSQL database; long polling is one process per bot (Telegram allows one getUpdates
consumer) and a second poller on the same database refuses to start; a SQLite file is served by one process.

When the service stops (SIGTERM / SIGINT, bot/serve.py) no new updates are taken, the ones being handled finish
(and, when polling, are confirmed), and the HTTP session is closed.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from contextlib import suppress
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError, TelegramConflictError, TelegramRetryAfter
from aiogram.types import BotCommandScopeDefault, Update
from aiohttp import web
from pydantic import ValidationError

from bot.config import Settings
from bot.db.locks import POLLER_KEY, AlreadyRunning
from bot.db.outage import unreachable
from bot.dialogs.telegram.commands import menu
from bot.dialogs.telegram.dispatcher import create_dispatcher
from bot.dialogs.telegram.failures import Attempts, excuse, transient
from bot.dialogs.telegram.middlewares import ChatOrder, ExpiredCallbacks
from bot.dialogs.telegram.updates import GetRawUpdates, decode
from bot.i18n import DEFAULT_LANG, LANGUAGES, Translator
from bot.service.helpdesk import Helpdesk
from bot.service.notices import Notices
from bot.service.sessions import Interviews

__all__ = ["Poller", "create_bot", "run_telegram", "transient", "webhook_handler"]

log = logging.getLogger(__name__)

#: how long shutdown waits for updates that are being handled
DRAIN_SECONDS = 10.0
#: long-poll timeout of getUpdates (seconds)
POLL_TIMEOUT = 20
#: after an update failed in an outage, the pause before it is taken again
RETRY_PAUSE = 1.0
#: how long a new poller waits for the lock of one that is still running (or was killed a moment ago)
POLLER_WAIT = 15.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def create_bot(settings: Settings) -> Bot:
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is not set")
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(ExpiredCallbacks())
    return Bot(settings.bot_token.get_secret_value(), session=session,
               default=DefaultBotProperties(parse_mode=ParseMode.HTML))


async def register_commands(bot: Bot) -> None:
    """The command menu: in the default language (Chinese) for everyone (no language_code), and in each other language
    found under locales/ for the clients that speak it."""
    await bot.set_my_commands(menu(Translator(DEFAULT_LANG)), scope=BotCommandScopeDefault())
    for lang in LANGUAGES:
        if lang != DEFAULT_LANG:
            await bot.set_my_commands(menu(Translator(lang)), scope=BotCommandScopeDefault(), language_code=lang)




class Poller:
    """Long polling that confirms an update (moves getUpdates' offset past it) only when it and every earlier one
    were handled.  Updates of different chats are handled concurrently; those re-sent because an earlier one is
    still in flight are recognised by id and not started twice."""

    def __init__(self, dp: Dispatcher, bot: Bot, *, allowed_updates: list[str] | None = None) -> None:
        self.dp, self.bot = dp, bot
        self.allowed_updates = allowed_updates
        self.attempts = Attempts()
        self._running: dict[int, asyncio.Task[bool]] = {}
        #: handled ids at or above the confirmed offset
        self._done: set[int] = set()
        #: failed ids, to be taken again when getUpdates returns them
        self._retry: set[int] = set()
        #: every id taken so far is below this
        self._seen_below: int | None = None
        self._pause_until = 0.0

    async def _handle(self, update: Update) -> bool:
        """True when the update is done with (handled, or given up and the person told)."""
        try:
            await self.dp.feed_update(self.bot, update)
        except Exception as exc:
            if self.attempts.failed(update.update_id, exc):
                return False
            await excuse(self.bot, update, self.dp["interviews"], self.dp["default_lang"])
            return True
        self.attempts.done(update.update_id)
        return True

    def _finished(self, update_id: int, task: asyncio.Task[bool]) -> None:
        self._running.pop(update_id, None)
        if task.cancelled() or not task.result():
            # not done: taken again on a later poll (the offset stays at or below it)
            self._pause_until = asyncio.get_running_loop().time() + RETRY_PAUSE
            self._retry.add(update_id)
            return
        self._done.add(update_id)

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                pause = self._pause_until - loop.time()
                if pause > 0:
                    await asyncio.wait({stopping}, timeout=pause)
                    continue
                offset = self._confirmable()
                busy = bool(self._running)
                poll = asyncio.create_task(self.bot(GetRawUpdates(
                    offset=offset, timeout=0 if busy else POLL_TIMEOUT, allowed_updates=self.allowed_updates),
                    request_timeout=POLL_TIMEOUT + 10))
                await asyncio.wait({poll, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not poll.done():
                    poll.cancel()
                    with suppress(asyncio.CancelledError, Exception):
                        await poll
                    break
                try:
                    raw = poll.result()
                except TelegramConflictError:
                    log.error("Telegram says another getUpdates consumer is running for this bot; polling is one "
                              "process per bot (use webhook mode for several workers)")
                    self._pause_until = loop.time() + 5.0
                    continue
                except TelegramRetryAfter as exc:
                    self._pause_until = loop.time() + exc.retry_after
                    continue
                except Exception as exc:
                    log.warning("getUpdates failed (%s); trying again", exc)
                    self._pause_until = loop.time() + RETRY_PAUSE
                    continue
                self._confirmed(offset)
                decoded = decode(self.bot, raw)
                self._skip(decoded.skipped)
                fresh = self._take(decoded.updates)
                if not fresh and self._running:
                    # everything returned is already being handled: wait for one to finish, briefly
                    await asyncio.wait({*self._running.values(), stopping}, timeout=0.1,
                                       return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        await self._drain()

    def _take(self, updates: list[Update]) -> int:
        fresh = 0
        for update in updates:
            uid = update.update_id
            if uid in self._running or uid in self._done:
                continue
            self._retry.discard(uid)
            self._seen_below = max(self._seen_below or 0, uid + 1)
            task = asyncio.create_task(self._handle(update), name=f"update-{uid}")
            self._running[uid] = task
            task.add_done_callback(partial(self._finished, uid))
            fresh += 1
        return fresh

    def _skip(self, update_ids: list[int]) -> None:
        """Updates that cannot be decoded: done with (confirmed with the next offset), never handled."""
        for uid in update_ids:
            self._retry.discard(uid)
            self._seen_below = max(self._seen_below or 0, uid + 1)
            self._done.add(uid)

    def _confirmable(self) -> int | None:
        """The offset to send: below every update still running or to be retried, past everything done."""
        pending = set(self._running) | self._retry
        return min(pending) if pending else self._seen_below

    def _confirmed(self, offset: int | None) -> None:
        """Telegram accepted `offset`: the updates below it will not come back."""
        if offset is not None:
            self._done = {u for u in self._done if u >= offset}

    async def _drain(self) -> None:
        """Let running updates finish, then confirm what is done (a clean stop leaves nothing to re-deliver)."""
        if self._running:
            await asyncio.wait(set(self._running.values()), timeout=DRAIN_SECONDS)
        offset = self._confirmable()
        if offset is not None:
            with suppress(Exception):
                await self.bot(GetRawUpdates(offset=offset, limit=1, timeout=0), request_timeout=10)


async def _poll(dp: Dispatcher, bot: Bot, interviews: Interviews, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + POLLER_WAIT
    # a poller killed a moment ago may hold the lock until the server notices that its connection is gone
    while not await interviews.locks.try_lock(POLLER_KEY):
        if loop.time() > deadline:
            raise AlreadyRunning("another process is already long-polling on this database; Telegram allows one "
                                 "getUpdates consumer per bot: run one poller, or webhook mode with several "
                                 "workers")
        await asyncio.sleep(0.5)
    await bot.delete_webhook(drop_pending_updates=False)
    log.info("long polling")
    await Poller(dp, bot, allowed_updates=dp.resolve_used_update_types()).run(stop)


def webhook_handler(dp: Dispatcher, bot: Bot, secret: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The webhook endpoint: checks the secret and the update id first, handles the update, and only then
    answers 200; a failure answers 503 so that Telegram delivers the update again."""
    attempts = Attempts()

    async def receive(request: web.Request) -> web.Response:
        if not secrets.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
            return web.Response(status=401)
        try:
            payload: Any = await request.json()
        except ValueError:
            return web.Response(status=400)
        update_id = payload.get("update_id") if isinstance(payload, dict) else None
        if not isinstance(update_id, int):
            return web.Response(status=400)
        try:
            update = Update.model_validate(payload, context={"bot": bot})
        except ValidationError:
            log.warning("update %s is not an update this bot understands; dropped", update_id)
            return web.Response(status=200)
        try:
            await dp.feed_update(bot, update)
        except Exception as exc:
            if attempts.failed(update_id, exc):
                return web.Response(status=503, headers={"Retry-After": "1"})
            await excuse(bot, update, dp["interviews"], dp["default_lang"])
            return web.Response(status=200)
        attempts.done(update_id)
        return web.Response(status=200)

    return receive


async def _serve_webhook(dp: Dispatcher, bot: Bot, settings: Settings, stop: asyncio.Event) -> None:
    assert settings.webhook_url is not None
    # Telegram sends the secret with every update; without a configured one, a random one is made per start
    # (several workers need WEBHOOK_SECRET: each start would otherwise register its own)
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)
    path = urlsplit(settings.webhook_url).path or "/"
    app = web.Application()
    app.router.add_post(path, webhook_handler(dp, bot, secret))
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=DRAIN_SECONDS, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        await bot.set_webhook(settings.webhook_url, secret_token=secret,
                              allowed_updates=dp.resolve_used_update_types())
        log.info("webhook server on %s:%s%s", settings.webhook_host, settings.webhook_port, path)
        await stop.wait()
    finally:
        await runner.cleanup()


async def run_telegram(settings: Settings, interviews: Interviews, helpdesk: Helpdesk, notices: Notices,
                       stop: asyncio.Event) -> None:
    """The Telegram channel of a running service (bot/serve.py): long polling, or a webhook server, until `stop`;
    then the updates being handled finish."""
    try:
        dropped = await interviews.forget_old_updates()
    except Exception as exc:  # housekeeping: a database gone right after the start costs it, not the channel
        if not unreachable(exc):
            raise
        log.warning("could not forget old update ids now (the database cannot be reached); next start will")
        dropped = 0
    if dropped:
        log.info("forgot %d update ids older than a week", dropped)
    dp = create_dispatcher(interviews, default_lang=settings.default_lang, staff_ids=settings.staff_ids,
                           rate=settings.telegram_rate_per_chat, burst=settings.telegram_burst_per_chat,
                           helpdesk=helpdesk, notices=notices)
    bot = create_bot(settings)
    try:
        try:
            await register_commands(bot)
        except TelegramAPIError as exc:
            log.warning("could not register the command menu: %s", exc)
        if settings.webhook_url:
            await _serve_webhook(dp, bot, settings, stop)
        else:
            await _poll(dp, bot, interviews, stop)
        chat_order: ChatOrder = dp["chat_order"]
        if not await chat_order.wait_idle(DRAIN_SECONDS):
            log.warning("stopped with updates still being handled")
    finally:
        await bot.session.close()
