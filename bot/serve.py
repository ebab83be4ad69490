"""The running service (`python -m bot run`): one process serving the web chat (and the staff desk) and, when a
BOT_TOKEN is configured, Telegram, on one database.

Start: the database is prepared (migrated under a lock, checked writable; a SQLite file is held by this process
alone), then the channels start; the web chat's address is printed with a QR code of it.  SIGTERM / SIGINT stop
it cleanly: no new requests or updates are taken, those in flight finish, the database is closed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.db.engine import create_engine, normalise_url, sessionmaker
from bot.db.locks import AlreadyRunning, hold_sqlite_file
from bot.db.migrate import DatabaseUnwritable, prepare
from bot.db.outage import unreachable
from bot.interview.loader import load_forms
from bot.runtime import tune_garbage_collector
from bot.service.events import Events
from bot.service.helpdesk import Helpdesk
from bot.service.notices import Notices
from bot.service.sessions import Interviews

log = logging.getLogger(__name__)

#: how long a starting process waits for a database it cannot reach (a supervisor restarts it after that)
START_DB_WAIT = 60.0


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)


def _sqlite_file(url: str) -> str | None:
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return parsed.database
    return None


def public_url(settings: Settings) -> str:
    """The address people reach the web chat by (no trailing slash)."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = "127.0.0.1" if settings.web_host in ("0.0.0.0", "::", "") else settings.web_host
    return f"http://{host}:{settings.web_port}"


def announce(url: str) -> None:
    """The web chat's address and a QR code of it, in the terminal (scan it with WeChat or a phone's camera)."""
    import segno

    print(f"网页问卷 / web chat: {url}", flush=True)
    with suppress(OSError, ValueError, UnicodeError):  # a terminal that cannot show it: the address is printed
        segno.make(url, error="m").terminal(compact=True)
    print("Ctrl+C 停止 / stops the service", flush=True)
    sys.stdout.flush()


async def _waiting_out_outages(step: Callable[[], Awaitable[None]], wait: float, pause: float = 1.0) -> None:
    """`step`, tried again while the database cannot be reached (an outage that began right after `prepare`), for
    up to `wait` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        try:
            await step()
            return
        except Exception as exc:
            if not unreachable(exc) or loop.time() >= deadline:
                raise
            log.warning("the database cannot be reached (%s); trying again", str(exc).splitlines()[0])
            await asyncio.sleep(pause)


async def serve(settings: Settings) -> None:
    started = time.monotonic()
    database = _sqlite_file(settings.database_url)
    engine = create_engine(settings.database_url)
    held = hold_sqlite_file(database) if database else None
    interviews: Interviews | None = None
    events: Events | None = None
    try:
        await prepare(engine, wait=START_DB_WAIT)
        maker = sessionmaker(engine)
        interviews = Interviews(maker, load_forms())
        await interviews.load_handled()  # SQLite: the re-delivery check answered from memory from the first update
        warmed = await interviews.warm()  # SQLite: the sessions people are in, read once (not one by one)
        if warmed:
            log.info("read %d recent sessions into the cache", warmed)
        events = Events(maker)
        await _waiting_out_outages(events.start, START_DB_WAIT)
        notices = Notices(interviews, events, default_lang=settings.default_lang)
        helpdesk = Helpdesk(interviews, frozenset(f"tg:{i}" for i in settings.staff_ids))
        stop = asyncio.Event()
        _stop_on_signals(stop)
        channels: list[Any] = []
        web_ready = asyncio.Event()
        if settings.web_port:
            from bot.dialogs.web.run import web_channel

            channels.append(await web_channel(settings, interviews, helpdesk, events, notices, stop, web_ready,
                                              public_url(settings)))
        if not channels and settings.bot_token is None:
            raise NoChannel("WEB_PORT is 0 and no BOT_TOKEN is set: there is nothing to serve")
        tune_garbage_collector()  # after start-up built forms, catalogs and routers; see bot/runtime.py
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c) for c in channels]
            if settings.web_port:
                await asyncio.wait({asyncio.ensure_future(web_ready.wait()), *tasks},
                                   return_when=asyncio.FIRST_COMPLETED)
                if web_ready.is_set():
                    log.info("serving after %.2f s", time.monotonic() - started)
                    announce(public_url(settings))
            if settings.bot_token is not None and not stop.is_set() and not any(t.done() for t in tasks):
                # imports aiogram: only with a token, and once the web chat serves (its pages do not wait for it)
                from bot.dialogs.telegram.app import run_telegram

                group.create_task(run_telegram(settings, interviews, helpdesk, notices, stop))
                tune_garbage_collector()  # what the Telegram channel built at import is start-up too
    finally:
        if events is not None:
            await events.close()
        if interviews is not None:
            await interviews.close()
        await engine.dispose()
        if held is not None:
            held.close()  # type: ignore[attr-defined]


class NoChannel(RuntimeError):
    """Nothing to serve."""


#: failures that stop the start with one sentence (a port already taken is an OSError)
EXPECTED = (AlreadyRunning, DatabaseUnwritable, NoChannel, OSError)


def _flat(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [e for inner in exc.exceptions for e in _flat(inner)]
    return [exc]


def run(settings: Settings) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # seven lines of its set-up at every start
    try:
        asyncio.run(serve(settings))
    except (*EXPECTED, BaseExceptionGroup) as exc:
        found = _flat(exc)
        if not all(isinstance(e, EXPECTED) for e in found):
            raise
        for reason in found:
            log.error("%s", reason)
            print(f"cannot start: {reason}", file=sys.stderr)
        return 2
    log.info("stopped")
    return 0
