"""Live updates for a page: server-sent events (aiohttp-sse) with Last-Event-ID replay and a ping, and a long poll
for browsers (or proxies) where an event stream does not get through.  A page that slept asks again with the last
id it saw and gets what it missed: nothing is pushed that is not also in the database (bot/service/events.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from aiohttp import web
from aiohttp_sse import sse_response

from bot.service.events import Event, Events

#: a long poll waits at most this long (seconds) before answering "nothing new"
LONG_POLL = 25.0
#: an event stream is closed after this long (the browser reconnects with its Last-Event-ID): no stream lives
#: forever on a worker that is being replaced
STREAM_SECONDS = 600.0
PING = 15.0


def _after(request: web.Request, header: str | None = None) -> int:
    """The last event id a page saw (Last-Event-ID, or ?after=N): bounded, 0 when absent or malformed."""
    text = header or request.query.get("after", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 15 else 0


def event_json(event: Event) -> str:
    return json.dumps({"id": event.id, "kind": event.kind, **event.data}, ensure_ascii=False)


async def stream(request: web.Request, events: Events, audience: str) -> web.StreamResponse:
    """An event stream of `audience` from the last event the browser saw."""
    async with sse_response(request, ping_interval=PING, headers={"X-Accel-Buffering": "no",
                                                                   "Cache-Control": "no-cache"}) as sse:
        last = _after(request, sse.last_event_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STREAM_SECONDS
        with contextlib.suppress(ConnectionResetError, asyncio.CancelledError):
            while sse.is_connected() and not events.closing and loop.time() < deadline:
                for event in await events.wait(audience, last, min(PING * 2, deadline - loop.time())):
                    await sse.send(event_json(event), id=str(event.id), event="update")
                    last = event.id
    return sse


async def long_poll(request: web.Request, events: Events, audience: str) -> web.Response:
    """The events after ?after=N, waiting up to LONG_POLL seconds for one."""
    found = await events.wait(audience, _after(request), LONG_POLL)
    body = {"events": [json.loads(event_json(e)) for e in found],
            "last": found[-1].id if found else _after(request)}
    return web.json_response(body, headers={"Cache-Control": "no-store"})
