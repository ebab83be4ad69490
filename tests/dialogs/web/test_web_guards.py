"""The web chat's guards, through its real application over HTTP on the real service (SQLite, and PostgreSQL when
configured): headers and cookies, CSRF, the body limit, rate limits, the first page's weight, pushed events with
replay, help requests, resume codes and links, signed document links, a session held by the helpdesk, erasure."""

from __future__ import annotations

import asyncio
import gzip
import time
from typing import Any

import pytest
from aiohttp import ClientSession
from sqlalchemy import func, select

from bot.db.models import AnswerRow, InterviewSession, WebVisitor
from bot.dialogs.web.services import SERVICES
from bot.i18n import Translator
from bot.interview.errors import AnswerError
from bot.present import error_text
from bot.service import links
from bot.service.events import DESK, Events, person
from bot.service.helpdesk import Helpdesk
from bot.service.keys import shared_key
from bot.service.sessions import Interviews
from tests.webclient import WebPerson, web_server

ZH = Translator("zh")
pytestmark = pytest.mark.asyncio


async def count(service: Interviews, model: Any) -> int:
    async with service.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def started(server: Any, form_id: str = "hangzhou-eligibility") -> WebPerson:
    person = WebPerson(server)
    await person.agree()
    await person.start(form_id)
    await person.get("/chat")
    return person


async def test_headers_cookies_and_csrf(service: Interviews) -> None:
    async with web_server(service, trust_proxy=True) as server:
        async with ClientSession() as http, http.get(server.make_url("/"),
                                                      headers={"X-Forwarded-Proto": "https"}) as answer:
            csp = answer.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp
            assert answer.headers["X-Frame-Options"] == "DENY"
            cookie = answer.cookies["csrf"]
            assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["secure"]
        person = WebPerson(server)
        try:
            await person.agree()
            sid = next(c for c in person.http.cookie_jar if c.key == "sid")
            assert sid["httponly"] and sid["samesite"] == "Lax" and not sid["secure"]  # plain HTTP here
            await person.start("hangzhou-eligibility")
            await person.get("/chat")
            fields = person.fields()
            async with person.http.post(person.url("/chat"), data={**fields, "csrf": "forged", "do": "pick:yes"}) \
                    as answer:
                assert answer.status == 403
                assert ZH.ui("This page has expired. Please reload it and try again.") in await answer.text()
            assert await count(service, AnswerRow) == 0
        finally:
            await person.close()


async def test_a_body_too_long_gets_a_page_and_a_flood_is_slowed(service: Interviews) -> None:
    async with web_server(service, web_rate_per_visitor=5) as server:
        person = await started(server)
        try:
            await person.press("text", text="x" * 70_000)
            assert person.status == 413
            assert ZH.ui("That was too long to send. Please shorten it and try again.") in person.page
            assert "Traceback" not in person.page
            await person.get("/chat")
            statuses = []
            for _ in range(12):  # at most 5 per 10-second window: however the windows cut 12, one holds 6
                await person.type("是")
                statuses.append(person.status)
            assert 429 in statuses
            assert ZH.ui("You are sending very quickly. Please wait a moment, then continue.") in person.page
        finally:
            await person.close()


async def test_the_first_page_weighs_at_most_60_kb_compressed(service: Interviews) -> None:
    async with web_server(service) as server:
        person = await started(server)
        try:
            total = 0
            async with person.http.get(person.url("/chat"), headers={"Accept-Encoding": "gzip"}) as answer:
                body = await answer.read()  # aiohttp decompresses; measure the compressed size again
                total += len(gzip.compress(body))
                page = body.decode()
            for asset in ("chat.css", "chat.js"):
                start = page.index(f"/static/{asset}")
                url = page[start:page.index('"', start)]
                async with person.http.get(person.url(url), headers={"Accept-Encoding": "gzip"},
                                           auto_decompress=False) as answer:
                    assert answer.headers["Content-Encoding"] == "gzip"
                    total += len(await answer.read())
            assert total <= 60 * 1024, total
        finally:
            await person.close()


async def test_stale_and_forged_presses_change_nothing(service: Interviews) -> None:
    async with web_server(service) as server:
        person = await started(server)
        try:
            await person.press("pick:yes")
            stored = await count(service, AnswerRow)
            await person.post("/chat", {"do": "pick:yes", "key": "q:registered_in_hangzhou"})  # an older screen
            assert person.notes("stale")
            for forged in ("pick:nonsense", "edit:q1", "remove_entry:1", "toggle:yes", "bogus", "pick:" + "9" * 90):
                await person.press(forged)
                assert person.notes("stale"), forged
            assert await count(service, AnswerRow) == stored
        finally:
            await person.close()


async def test_pushed_events_replay_from_the_last_id_and_a_long_poll_wakes(service: Interviews) -> None:
    async with web_server(service) as server:
        web = await started(server)
        try:
            events = server.app[SERVICES].events  # the server's own: a push wakes the waits of its process
            person_audience = person(await _first_visitor(service))
            first = await events.publish(person_audience, "notice", {"text": "一"})
            await events.publish(person_audience, "notice", {"text": "二"})
            await events.publish(person_audience, "taken", {"text": "三"})
            async with web.http.get(web.url("/events"), headers={"Last-Event-ID": str(first)}) as stream:
                seen = b""
                while seen.count(b"event: update") < 2:
                    seen += await asyncio.wait_for(stream.content.readany(), 5)
            assert "二".encode() in seen and "三".encode() in seen and "一".encode() not in seen
            newest = await events.newest(person_audience)

            async def later() -> None:
                await asyncio.sleep(0.3)
                await events.publish(person_audience, "notice", {"text": "四"})

            started_at = time.monotonic()
            task = asyncio.create_task(later())
            async with web.http.get(web.url(f"/poll?after={newest}")) as answer:
                body = await answer.json()
            await task
            assert [e["text"] for e in body["events"]] == ["四"] and time.monotonic() - started_at < 5
        finally:
            await web.close()


async def test_help_resume_codes_and_moving_a_session(service: Interviews) -> None:
    async with web_server(service) as server:
        owner = await started(server)
        stranger = WebPerson(server)
        try:
            await owner.press("pick:yes")
            await owner.post("/help", {}, chat_fields=False)
            assert ZH.ui("You asked the helpdesk for help; someone will take over shortly.") in owner.page
            events = Events(service.sessionmaker)
            assert [e.kind for e in await events.after(DESK, 0)] == ["help"]
            await owner.post("/code", {}, chat_fields=False)
            code = owner.page.split("/r/")[1].split('"')[0]
            await stranger.get(f"/r/{code}")
            assert 'name="agree"' in stranger.page  # a new browser agrees to the notice first
            await stranger.post(f"/r/{code}", {"agree": "1"}, chat_fields=False)
            assert "data-kind=\"question\"" in stranger.page
            await stranger.type("杭州搬家测试有限公司")
            assert stranger.notes("saved")
            owner_id = await _first_visitor(service)
            kinds = [e.kind for e in await events.after(person(owner_id), 0)]
            assert "moved" in kinds  # the owner is told at once that the interview moved
            await owner.get("/chat")
            assert 'data-kind="question"' not in owner.page  # it is no longer theirs
            # a used code does not move it again, and guessing codes is slowed down
            other = WebPerson(server)
            try:
                await other.agree()
                for _ in range(6):
                    await other.get(f"/r/{code}")
                    await other.post(f"/r/{code}", {}, chat_fields=False)
                assert other.status == 429
            finally:
                await other.close()
        finally:
            await owner.close()
            await stranger.close()


async def _first_visitor(service: Interviews) -> str:
    async with service.sessionmaker() as s:
        return str(await s.scalar(select(WebVisitor.external_id).order_by(WebVisitor.created_at).limit(1)))


async def test_while_the_helpdesk_holds_the_session_the_page_says_so_and_takes_nothing(service: Interviews) -> None:
    desk = Helpdesk(service, frozenset({"tg:900"}))
    async with web_server(service, helpdesk=desk) as server:
        person = await started(server)
        try:
            async with service.sessionmaker() as s:
                session_id = int(await s.scalar(select(func.max(InterviewSession.id))) or 0)
            await desk.take(session_id, "tg:900")
            await person.get("/chat")
            held = error_text(AnswerError("held_by_staff"), ZH)
            assert any(held in n for n in person.notes("held"))
            assert 'class="answer"' not in person.page  # no answer buttons meanwhile
            await person.post("/chat", {"do": "pick:yes"})
            assert await count(service, AnswerRow) == 0
            await desk.handback(session_id, "tg:900")
            await person.get("/chat")
            await person.press("pick:yes")
            assert await count(service, AnswerRow) == 1
        finally:
            await person.close()


async def test_signed_links_and_erasure(service: Interviews) -> None:
    async with web_server(service) as server:
        person = await started(server)
        try:
            async with service.sessionmaker() as s:
                session_id = int(await s.scalar(select(func.max(InterviewSession.id))) or 0)
            who = await _first_visitor(service)
            key = await shared_key(service.sessionmaker, "links")
            token = links.sign(key, session_id, who, time.time())
            async with ClientSession() as http:  # no cookie: the link alone opens the list
                async with http.get(server.make_url(f"/d/{token}")) as answer:
                    assert answer.status == 200
                for bad in (token[:-2] + "xx", links.sign(key, session_id, who, time.time() - 10 * 86400)):
                    async with http.get(server.make_url(f"/d/{bad}")) as answer:
                        assert answer.status == 404
            await person.get("/erase")
            await person.post("/erase", {}, chat_fields=False)
            assert ZH.ui("Your data has been erased.") in person.page
            assert await count(service, WebVisitor) == 0 and await count(service, InterviewSession) == 0
            await person.get("/chat")
            assert 'action="/consent"' in person.page
        finally:
            await person.close()
