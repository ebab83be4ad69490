"""A person on the web chat without a browser: the real aiohttp application over the real service, spoken to over
HTTP by an aiohttp client (cookies kept as a browser keeps them).  Used by the channel contract and the web
chat's own tests; the browser tests (tests/web) drive Chromium instead."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.dialogs.web.run import web_app
from bot.service.events import Events
from bot.service.helpdesk import Helpdesk
from bot.service.notices import Notices
from bot.service.sessions import Interviews

_FIELD = re.compile(r'<input type="hidden" name="(csrf|session|key|nonce)" value="([^"]*)">')
_NOTE = re.compile(r'<p class="note (\w+)">(.*?)</p>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def settings(**changes: Any) -> Settings:
    base = Settings(_env_file=None, bot_token=None, web_rate_per_visitor=10_000, web_rate_per_address=100_000)
    return base.model_copy(update=changes)


@asynccontextmanager
async def web_server(interviews: Interviews, *, helpdesk: Helpdesk | None = None,
                     **changes: Any) -> AsyncIterator[TestServer]:
    """The web chat on a free port of 127.0.0.1, over `interviews` (the caller's database)."""
    events = Events(interviews.sessionmaker)
    notices = Notices(interviews, events)
    desk = helpdesk or Helpdesk(interviews)
    app = await web_app(settings(**changes), interviews, desk, events, notices, "http://127.0.0.1")
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()
        await events.close()


class WebPerson:
    """One browser: its own cookies; `page` is the last page it got."""

    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.http = ClientSession(cookie_jar=CookieJar(unsafe=True))
        self.page = ""
        self.status = 0

    async def close(self) -> None:
        await self.http.close()

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def get(self, path: str) -> str:
        async with self.http.get(self.url(path)) as answer:
            self.status = answer.status
            self.page = await answer.text()
        return self.page

    def fields(self) -> dict[str, str]:
        return {name: html.unescape(value) for name, value in _FIELD.findall(self.page)}

    async def post(self, path: str, data: dict[str, str] | list[tuple[str, str]], *,
                   chat_fields: bool = True) -> str:
        fields = self.fields()
        body: list[tuple[str, str]] = [("csrf", fields.get("csrf", ""))]
        if chat_fields:
            body += [(k, fields[k]) for k in ("session", "key", "nonce") if k in fields]
        body += list(data.items()) if isinstance(data, dict) else data
        async with self.http.post(self.url(path), data=body) as answer:
            self.status = answer.status
            self.page = await answer.text()
        return self.page

    async def agree(self) -> None:
        await self.get("/")
        await self.post("/consent", {}, chat_fields=False)

    async def start(self, form_id: str) -> None:
        await self.post(f"/start/{form_id}", {}, chat_fields=False)

    async def type(self, text: str) -> str:
        return await self.post("/chat", {"do": "text", "text": text})

    async def press(self, do: str, **more: str) -> str:
        return await self.post("/chat", {"do": do, **more})

    def notes(self, kind: str) -> list[str]:
        """The notes of one kind ("refusal", "saved", "stale", "warning", "held"…) on the page, as plain text."""
        return [html.unescape(_TAGS.sub("", body)).strip() for k, body in _NOTE.findall(self.page) if k == kind]
