"""What the web chat's and the desk's handlers use, made once per process and kept on the aiohttp application."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.dialogs.web.documents import Documents
from bot.dialogs.web.visitors import Visitors
from bot.service.events import Events
from bot.service.helpdesk import Helpdesk
from bot.service.notices import Notices
from bot.service.sessions import Interviews
from bot.service.throttle import Throttle


@dataclass
class Services:
    settings: Any
    interviews: Interviews
    helpdesk: Helpdesk
    events: Events
    notices: Notices
    visitors: Visitors
    throttle: Throttle
    documents: Documents
    #: signs document links (bot/service/links.py)
    link_key: bytes
    #: the address people reach the service by ("https://…", no trailing slash)
    public_url: str
    #: work started by a request that outlives it (documents rendered after a submission)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)


SERVICES: web.AppKey[Services] = web.AppKey("services", Services)


def services(request: web.Request) -> Services:
    return request.app[SERVICES]
