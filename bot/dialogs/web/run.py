"""The web chat as a channel of the running service (bot/serve.py): its services made once, then served."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from aiohttp import web

from bot.dialogs.web.app import create_app, serve_web
from bot.dialogs.web.documents import Documents
from bot.dialogs.web.services import Services
from bot.dialogs.web.visitors import Visitors
from bot.service.events import Events
from bot.service.helpdesk import Helpdesk
from bot.service.keys import shared_key
from bot.service.notices import Notices
from bot.service.sessions import Interviews
from bot.service.throttle import Throttle


async def web_app(settings: Any, interviews: Interviews, helpdesk: Helpdesk, events: Events, notices: Notices,
                  public_url: str) -> web.Application:
    """The web application over the process's services (its keys read from the database, or made)."""
    maker = interviews.sessionmaker
    services = Services(settings=settings, interviews=interviews, helpdesk=helpdesk, events=events,
                        notices=notices, visitors=Visitors(maker), throttle=Throttle(maker),
                        documents=Documents(interviews), link_key=await shared_key(maker, "links"),
                        public_url=public_url)
    return create_app(services, await shared_key(maker, "csrf"))


async def web_channel(settings: Any, interviews: Interviews, helpdesk: Helpdesk, events: Events, notices: Notices,
                      stop: asyncio.Event, ready: asyncio.Event, public_url: str) -> Coroutine[Any, Any, None]:
    """The web chat, ready to serve; await the result to serve until `stop`."""
    app = await web_app(settings, interviews, helpdesk, events, notices, public_url)
    return serve_web(app, settings.web_host, settings.web_port, stop, ready)
