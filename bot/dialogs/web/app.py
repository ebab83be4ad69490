"""The web application: the web chat for people (chat.py), the staff desk (bot/dialogs/desk/), static files, and
the middlewares every request passes (bot/dialogs/web/security.py).  `serve_web` runs it until `stop` is set."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.dialogs import desk, wechat
from bot.dialogs.web import chat
from bot.dialogs.web.pages import static_file
from bot.dialogs.web.security import KEY, MAX_BODY, SETTINGS, protect
from bot.dialogs.web.services import SERVICES, Services

log = logging.getLogger(__name__)

#: how long shutdown lets requests finish (event streams are closed at once: the browser reconnects)
SHUTDOWN_SECONDS = 5.0


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok", headers={"Cache-Control": "no-store"})


async def no_icon(request: web.Request) -> web.Response:
    """Browsers ask for /favicon.ico on their own: nothing, said quietly."""
    return web.Response(status=204, headers={"Cache-Control": "public, max-age=86400"})


def create_app(services: Services, csrf_key: bytes) -> web.Application:
    app = web.Application(middlewares=[protect], client_max_size=MAX_BODY)
    app[SERVICES] = services
    app[SETTINGS] = services.settings
    app[KEY] = csrf_key
    app.router.add_get("/static/{name}", static_file)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/favicon.ico", no_icon)
    chat.add_routes(app)
    desk.add_routes(app)
    wechat.add_routes(app)  # only when WECHAT_TOKEN is set
    return app


async def serve_web(app: web.Application, host: str, port: int, stop: asyncio.Event,
                    ready: asyncio.Event | None = None) -> None:
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=SHUTDOWN_SECONDS, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, reuse_address=True).start()
        log.info("web chat on http://%s:%s", host, port)
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        services = app[SERVICES]
        services.events.close_streams()  # open event streams end now, not at the shutdown timeout
        for task in list(services.tasks):
            task.cancel()
        await runner.cleanup()
