"""A fake WeChat Official Account platform for end-to-end tests, on 127.0.0.1.

It plays both of WeChat's sides:
- the platform delivering a person's messages to the service's server URL: each one signed (sha1 of the token,
  timestamp and nonce) and, in safe mode, encrypted with the EncodingAESKey; it waits `timeout` seconds (5, as
  WeChat does) for the answer, and tries again with the same MsgId when none came (3 tries in all), then shows the
  person WeChat's error.  It can also lose an answer on the way (`lose_next`), which makes it try again too.
- the API the service calls: /cgi-bin/token (access tokens that expire, or that the test expires at once), and
  /cgi-bin/message/custom/send, which enforces the quota (5 customer-service messages per message of the person,
  within 48 hours; 3 within a minute after a subscription or a menu click) and the 2,048-byte limit, and can be
  told to refuse calls (-1 busy, 45009 rate limit …).

What the person would see is recorded in order (`FakeUser.seen`), each message with how it came ("passive",
"api", "error"); anything the real platform would refuse or not show is recorded in `violations`.

    async with FakeWeChat(token="t", app_id="wx…", app_secret="s", aes_key=None) as wx:
        wx.service_url = "http://127.0.0.1:PORT/wechat"
        person = wx.user("oPERSON")
        got = await person.say("1")          # the messages this one brought
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import re
import secrets
import socket
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

#: what WeChat shows when the account's server never answered
SERVICE_ERROR = "该公众号提供的服务出现故障，请稍后再试"
MAX_BYTES = 2048


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


@dataclass
class Seen:
    text: str
    how: str
    msg_id: int | None = None


@dataclass
class Exchange:
    """One message's delivery: each try's seconds and what it answered, and the passive reply (if any)."""

    msg_id: int
    tries: list[tuple[float, str]] = field(default_factory=list)
    passive: str | None = None


@dataclass
class _Quota:
    left: int
    until: float


class FakeUser:
    def __init__(self, wx: FakeWeChat, openid: str) -> None:
        self.wx = wx
        self.openid = openid
        self.seen: list[Seen] = []
        self.exchanges: list[Exchange] = []
        self.quota = _Quota(0, 0.0)
        self._lose = 0
        self._arrived = asyncio.Event()

    def lose_next(self, count: int = 1) -> None:
        """Lose the service's next `count` answers on the way back (WeChat then tries again)."""
        self._lose += count

    def record(self, text: str, how: str, msg_id: int | None = None) -> None:
        self.seen.append(Seen(text, how, msg_id))
        self._arrived.set()

    async def send(self, text: str) -> Exchange:
        self.quota = _Quota(5, time.time() + 48 * 3600)
        fields = f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>"
        return await self._deliver(fields, with_id=True)

    async def event(self, event: str, key: str = "") -> Exchange:
        if event in ("subscribe", "CLICK", "SCAN"):
            self.quota = _Quota(3, time.time() + 60)
        fields = (f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>"
                  f"<EventKey><![CDATA[{key}]]></EventKey>")
        return await self._deliver(fields, with_id=False)

    async def _deliver(self, fields: str, *, with_id: bool) -> Exchange:
        msg_id = next(self.wx.msg_ids)
        created = int(time.time())
        xml = (f"<xml><ToUserName><![CDATA[{self.wx.account}]]></ToUserName>"
               f"<FromUserName><![CDATA[{self.openid}]]></FromUserName><CreateTime>{created}</CreateTime>{fields}"
               + (f"<MsgId>{msg_id}</MsgId>" if with_id else "") + "</xml>")
        exchange = Exchange(msg_id)
        self.exchanges.append(exchange)
        for _ in range(self.wx.tries):
            started = time.monotonic()
            try:
                status, body = await self.wx.post(xml)
            except TimeoutError:
                exchange.tries.append((time.monotonic() - started, "timeout"))
                continue
            exchange.tries.append((time.monotonic() - started, f"{status}"))
            if self._lose:
                self._lose -= 1
                continue
            if status != 200:
                self.wx.violations.append(f"message {msg_id}: HTTP {status}")
                break
            reply = self.wx.read_reply(body, self.openid)
            if reply is not None:
                exchange.passive = reply
                self.record(reply, "passive", msg_id)
            return exchange
        self.record(SERVICE_ERROR, "error", msg_id)
        return exchange

    async def say(self, text: str, *, settle: float = 0.4, timeout: float = 20.0) -> list[str]:
        """Send `text` and return the messages it brought: the passive reply, or the customer-service messages
        once none has come for `settle` seconds (at least one is waited for, up to `timeout`)."""
        before = len(self.seen)
        exchange = await self.send(text)
        if exchange.passive is None:
            await self.wait_quiet(before, settle=settle, timeout=timeout)
        return [s.text for s in self.seen[before:]]

    async def wait_quiet(self, before: int, *, settle: float = 0.4, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            count = len(self.seen)
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), settle if count > before else
                                       max(0.01, deadline - time.monotonic()))
            except TimeoutError:
                if len(self.seen) > before:
                    return
        raise AssertionError(f"nothing arrived for {self.openid} within {timeout} s")

    def texts(self) -> list[str]:
        return [s.text for s in self.seen]


class FakeWeChat:
    def __init__(self, *, token: str, app_id: str, app_secret: str, aes_key: str | None = None,
                 account: str = "gh_fakeaccount01", timeout: float = 5.0, tries: int = 3,
                 token_ttl: int = 7200) -> None:
        self.token = token
        self.app_id = app_id
        self.app_secret = app_secret
        self.aes_key = aes_key
        self.account = account
        self.timeout = timeout
        self.tries = tries
        self.token_ttl = token_ttl
        self.service_url = ""
        self.port = free_port()
        self.users: dict[str, FakeUser] = {}
        #: MsgIds as WeChat's look (17 digits), never the same twice across fakes on one service
        self.msg_ids = itertools.count(24_100_000_000_000_000 + secrets.randbelow(10**15) * 1000)
        #: access tokens issued: token → expires at
        self.tokens: dict[str, float] = {}
        self.token_fetches = 0
        #: errcodes to answer the next API calls with, in order
        self.refusals: list[int] = []
        self.api_calls: list[dict[str, Any]] = []
        self.menus: list[dict[str, Any]] = []
        self.violations: list[str] = []
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._crypto: Any = None
        if aes_key:
            from wechatpy.crypto import WeChatCrypto

            self._crypto = WeChatCrypto(token, aes_key, app_id)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def user(self, openid: str) -> FakeUser:
        return self.users.setdefault(openid, FakeUser(self, openid))

    def expire_tokens(self) -> None:
        for token in self.tokens:
            self.tokens[token] = 0.0

    async def __aenter__(self) -> FakeWeChat:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/message/custom/send", self._custom_send)
        app.router.add_post("/cgi-bin/menu/create", self._menu)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self._http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the platform delivering messages -------------------------------------------------------------------

    def signed_query(self, body: str) -> tuple[dict[str, str], str]:
        timestamp, nonce = str(int(time.time())), secrets.token_hex(5)
        query = {"timestamp": timestamp, "nonce": nonce, "signature": sign(self.token, timestamp, nonce)}
        if self._crypto is None:
            return query, body
        wrapped = self._crypto.encrypt_message(body, nonce, timestamp)
        encrypt = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>", wrapped).group(1)  # type: ignore[union-attr]
        query.update(encrypt_type="aes", msg_signature=sign(self.token, timestamp, nonce, encrypt))
        return query, (f"<xml><ToUserName><![CDATA[{self.account}]]></ToUserName>"
                       f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")

    async def post(self, xml: str, *, query: dict[str, str] | None = None) -> tuple[int, str]:
        """One try: POST to the service, signed (and encrypted); (status, body) or TimeoutError."""
        assert self._http is not None and self.service_url
        signed, body = self.signed_query(xml)
        async with self._http.post(self.service_url, params=query or signed, data=body.encode(),
                                   headers={"Content-Type": "text/xml"},
                                   timeout=aiohttp.ClientTimeout(total=self.timeout)) as response:
            return response.status, await response.text()

    def read_reply(self, body: str, openid: str) -> str | None:
        """What the person sees of a passive reply (None for "success" or an empty answer)."""
        if body in ("", "success"):
            return None
        if self._crypto is not None:
            encrypt = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>", body)
            found = re.search(r"<MsgSignature><!\[CDATA\[(\w+)\]\]></MsgSignature>", body)
            stamp = re.search(r"<TimeStamp>(\d+)</TimeStamp>", body)
            nonce = re.search(r"<Nonce><!\[CDATA\[(\w+)\]\]></Nonce>", body)
            if not (encrypt and found and stamp and nonce):
                self.violations.append(f"a reply in safe mode that is not encrypted: {body[:200]}")
                return SERVICE_ERROR
            body = self._crypto.decrypt_message(body, found.group(1), stamp.group(1), nonce.group(1))
        from wechatpy import parse_message

        try:
            reply = parse_message(body)
        except Exception:
            self.violations.append(f"a reply that is not WeChat's XML: {body[:200]}")
            return SERVICE_ERROR
        data = reply._data
        if data.get("ToUserName") != openid or data.get("FromUserName") != self.account:
            self.violations.append(f"a reply to the wrong person: {data}")
        content = str(data.get("Content") or "")
        if len(content.encode()) > MAX_BYTES:
            self.violations.append(f"a passive reply of {len(content.encode())} bytes")
        return content

    # --- the API ---------------------------------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("appid") != self.app_id or q.get("secret") != self.app_secret:
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        self.token_fetches += 1
        token = secrets.token_urlsafe(32)
        self.tokens[token] = time.time() + self.token_ttl
        return web.json_response({"access_token": token, "expires_in": self.token_ttl})

    def _refused(self, request: web.Request) -> dict[str, Any] | None:
        token = request.query.get("access_token", "")
        if token not in self.tokens:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        if self.tokens[token] <= time.time():
            return {"errcode": 42001, "errmsg": "access_token expired"}
        if self.refusals:
            code = self.refusals.pop(0)
            return {"errcode": code, "errmsg": "refused by the test"}
        return None

    async def _custom_send(self, request: web.Request) -> web.Response:
        raw = await request.read()
        payload = await request.json()
        self.api_calls.append(payload)
        refused = self._refused(request)
        if refused is not None:
            return web.json_response(refused)
        user = self.users.get(str(payload.get("touser")))
        content = str((payload.get("text") or {}).get("content") or "")
        if user is None or payload.get("msgtype") != "text":
            return web.json_response({"errcode": 40003, "errmsg": "invalid openid"})
        if len(content.encode()) > MAX_BYTES:
            self.violations.append(f"a customer-service message of {len(content.encode())} bytes")
            return web.json_response({"errcode": 45002, "errmsg": "content size out of limit"})
        if user.quota.until < time.time():
            self.violations.append("a customer-service message after the time allowed")
            return web.json_response({"errcode": 45015, "errmsg": "response out of time limit"})
        if user.quota.left <= 0:
            self.violations.append("a customer-service message over the quota")
            return web.json_response({"errcode": 45047, "errmsg": "out of response count limit"})
        user.quota.left -= 1
        del raw
        user.record(content, "api")
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _menu(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return web.json_response(refused)
        self.menus.append(await request.json())
        return web.json_response({"errcode": 0, "errmsg": "ok"})


def text_xml(openid: str, account: str, text: str, msg_id: int) -> str:
    return (f"<xml><ToUserName><![CDATA[{account}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")
