"""Running the bot: database, Bot, Dispatcher, command menu, then long polling or a webhook server.

SIGTERM / SIGINT stop it cleanly: no new updates are taken, the ones being handled finish, the HTTP session is
closed and the database engine disposed.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from contextlib import suppress
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommandScopeDefault
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.config import Settings
from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.i18n import Translator
from bot.interview.loader import load_forms
from bot.interviews import Interviews
from bot.runtime import tune_garbage_collector
from bot.telegram.commands import menu
from bot.telegram.dispatcher import create_dispatcher
from bot.telegram.middlewares import ChatOrder

log = logging.getLogger(__name__)

#: how long shutdown waits for updates that are being handled
DRAIN_SECONDS = 10.0


def create_bot(settings: Settings) -> Bot:
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is not set")
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(settings.bot_token.get_secret_value(), session=session,
               default=DefaultBotProperties(parse_mode=ParseMode.HTML))


async def register_commands(bot: Bot) -> None:
    """The command menu: Chinese for everyone (no language_code), English for English-speaking clients."""
    await bot.set_my_commands(menu(Translator("zh")), scope=BotCommandScopeDefault())
    await bot.set_my_commands(menu(Translator("en")), scope=BotCommandScopeDefault(), language_code="en")


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)


async def _poll(dp: Dispatcher, bot: Bot, stop: asyncio.Event) -> None:
    await bot.delete_webhook(drop_pending_updates=False)
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, close_bot_session=False,
                                                   allowed_updates=dp.resolve_used_update_types()))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not polling.done():
        await dp.stop_polling()
    stopping.cancel()
    await polling


async def _serve_webhook(dp: Dispatcher, bot: Bot, settings: Settings, stop: asyncio.Event) -> None:
    assert settings.webhook_url is not None
    # Telegram sends the secret with every update; without a configured one, a random one is made per start
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)
    path = urlsplit(settings.webhook_url).path or "/"
    app = web.Application()
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(app, path=path)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        await bot.set_webhook(settings.webhook_url, secret_token=secret,
                              allowed_updates=dp.resolve_used_update_types())
        log.info("webhook server on %s:%s%s", settings.webhook_host, settings.webhook_port, path)
        await stop.wait()
    finally:
        await runner.cleanup()


async def serve(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    bot: Bot | None = None
    interviews: Interviews | None = None
    try:
        await upgrade(engine)
        interviews = Interviews(sessionmaker(engine), load_forms())
        dropped = await interviews.forget_old_updates()
        if dropped:
            log.info("forgot %d update ids older than a week", dropped)
        dp = create_dispatcher(interviews, default_lang=settings.default_lang, staff_ids=settings.staff_ids)
        bot = create_bot(settings)
        stop = asyncio.Event()
        _stop_on_signals(stop)
        tune_garbage_collector()  # after start-up built forms, catalogs and routers; see bot/runtime.py
        try:
            await register_commands(bot)
        except TelegramAPIError as exc:
            log.warning("could not register the command menu: %s", exc)
        if settings.webhook_url:
            await _serve_webhook(dp, bot, settings, stop)
        else:
            await _poll(dp, bot, stop)
        chat_order: ChatOrder = dp["chat_order"]
        if not await chat_order.wait_idle(DRAIN_SECONDS):
            log.warning("stopped with updates still being handled")
    finally:
        if interviews is not None:
            await interviews.close()
        if bot is not None:
            await bot.session.close()
        await engine.dispose()


def run_bot(settings: Settings) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(settings))
    log.info("stopped")
    return 0
