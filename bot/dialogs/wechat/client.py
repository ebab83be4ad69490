"""The few calls this service makes to WeChat's API, with aiohttp (every call has a time limit; nothing blocks the
event loop): the access token, and customer-service text messages.

The access token is shared by every worker through the database (`service_keys`, bot/db/models.py ServiceKey):
read from there while it is valid, refreshed ahead of its expiry by the one worker that wins a lease (a
compare-and-set on a second row), so two workers never both fetch one — WeChat keeps the previous token valid a
few minutes after a new one is issued, so the others go on with theirs meanwhile.  A call refused for the token
(40001, 40014, 42001) drops that token (only if it is still the stored one) and is tried once more with a fresh
one; a call refused as busy or over a rate (-1, 45009, 45011) is tried again after a pause, a bounded number of
times; anything else is raised as WeChatError.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import ServiceKey

log = logging.getLogger(__name__)

#: refresh the token when less than this is left of it (WeChat's live 7,200 s)
REFRESH_AHEAD = 600.0
#: how long a worker may take to fetch a token before another may try
LEASE_SECONDS = 15.0
#: one call's time limit
CALL_TIMEOUT = 8.0
#: errors meaning "this token is no good": drop it and fetch another
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
#: errors meaning "not now": wait, then try again
BUSY_ERRORS = frozenset({-1, 45009, 45011})
#: the pauses before the retries of a busy call (seconds)
BUSY_PAUSES = (0.5, 1.5, 3.0)


class WeChatError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message


class WeChatClient:
    def __init__(self, api_url: str, app_id: str, app_secret: str,
                 sessionmaker: async_sessionmaker[AsyncSession], *, timeout: float = CALL_TIMEOUT,
                 clock: Callable[[], float] = time.time, pauses: tuple[float, ...] = BUSY_PAUSES) -> None:
        self.api_url = api_url.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret
        self.sessionmaker = sessionmaker
        self.timeout = timeout
        self.clock = clock
        self.pauses = pauses
        self.token_name = f"wechat-token:{app_id}"[:64]
        self.lease_name = f"wechat-lease:{app_id}"[:64]
        self._http: aiohttp.ClientSession | None = None
        #: this process's copy: (token, expires at)
        self._token: tuple[str, float] | None = None
        self._fetching: asyncio.Lock | None = None

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    # --- the access token ------------------------------------------------------------------------------------

    async def token(self) -> str:
        """A valid access token: this process's, the database's, or a fresh one."""
        now = self.clock()
        if self._token is not None and self._token[1] - now > REFRESH_AHEAD:
            return self._token[0]
        if self._fetching is None:
            self._fetching = asyncio.Lock()
        async with self._fetching:  # one refresh at a time in this process
            return await self._shared_token()

    async def _stored(self) -> tuple[str, float] | None:
        async with self.sessionmaker() as s:
            row = (await s.execute(select(ServiceKey.value, ServiceKey.expires_at)
                                   .where(ServiceKey.name == self.token_name))).first()
        if row is None or row.expires_at is None:
            return None
        return row.value, _aware(row.expires_at).timestamp()

    async def _shared_token(self) -> str:
        deadline = self.clock() + 2 * LEASE_SECONDS
        while True:
            now = self.clock()
            stored = await self._stored()
            if stored is not None and stored[1] - now > REFRESH_AHEAD:
                self._token = stored
                return stored[0]
            if await self._lease(now):
                try:
                    stored = await self._stored()  # the lease's last holder may have stored one just now
                    if stored is not None and stored[1] - self.clock() > REFRESH_AHEAD:
                        self._token = stored
                        return stored[0]
                    return await self._fetch()
                finally:
                    await self._release()
            if stored is not None and stored[1] > now + 5:
                self._token = stored  # another worker is refreshing it; this one still works meanwhile
                return stored[0]
            if now > deadline:  # (the lease of a worker that died expires within LEASE_SECONDS)
                raise WeChatError(-2, "no access token: another worker holds the refresh and has none yet")
            await asyncio.sleep(0.1)

    async def _lease(self, now: float) -> bool:
        """Take the refresh lease when nobody holds it (compare-and-set on its expiry)."""
        until = datetime.fromtimestamp(now + LEASE_SECONDS, UTC)
        try:
            async with self.sessionmaker.begin() as s:
                if await s.get(ServiceKey, self.lease_name) is None:
                    s.add(ServiceKey(name=self.lease_name, value="", expires_at=datetime.fromtimestamp(0, UTC)))
        except IntegrityError:
            pass  # another worker made the row at the same moment
        async with self.sessionmaker.begin() as s:
            result = await s.execute(update(ServiceKey)
                                     .where(ServiceKey.name == self.lease_name,
                                            ServiceKey.expires_at < datetime.fromtimestamp(now, UTC))
                                     .values(expires_at=until, value=str(id(self))))
        return bool(getattr(result, "rowcount", 0) == 1)

    async def _release(self) -> None:
        async with self.sessionmaker.begin() as s:
            await s.execute(update(ServiceKey).where(ServiceKey.name == self.lease_name)
                            .values(expires_at=datetime.fromtimestamp(0, UTC)))

    async def _fetch(self) -> str:
        params = {"grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret}
        data = await self._request("GET", "/cgi-bin/token", params=params)
        token = str(data.get("access_token") or "")
        if not token:
            raise WeChatError(int(data.get("errcode") or -2), str(data.get("errmsg") or "no access_token"))
        expires = self.clock() + float(data.get("expires_in") or 7200)
        async with self.sessionmaker.begin() as s:
            row = await s.get(ServiceKey, self.token_name)
            when = datetime.fromtimestamp(expires, UTC)
            if row is None:
                s.add(ServiceKey(name=self.token_name, value=token, expires_at=when))
            else:
                row.value, row.expires_at = token, when
        self._token = (token, expires)
        log.info("WeChat access token refreshed (valid %s s)", data.get("expires_in"))
        return token

    async def drop(self, token: str) -> None:
        """WeChat refused `token`: forget it (in the database only while it is still the stored one)."""
        if self._token is not None and self._token[0] == token:
            self._token = None
        async with self.sessionmaker.begin() as s:
            await s.execute(update(ServiceKey).where(ServiceKey.name == self.token_name, ServiceKey.value == token)
                            .values(expires_at=datetime.fromtimestamp(0, UTC)))

    # --- calls -----------------------------------------------------------------------------------------------

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        async with self.http.request(method, self.api_url + path, **kwargs) as response:
            data = await response.json(content_type=None)
        if not isinstance(data, dict):
            raise WeChatError(-2, "not a JSON object")
        return data

    async def call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST `payload` to an API path with the access token, retried as the platform asks."""
        refreshed = False
        pauses = iter(self.pauses)
        while True:
            token = await self.token()
            body = json.dumps(payload, ensure_ascii=False).encode()  # Chinese as UTF-8, as WeChat counts it
            data = await self._request("POST", path, params={"access_token": token}, data=body,
                                       headers={"Content-Type": "application/json; charset=utf-8"})
            code = int(data.get("errcode") or 0)
            if code == 0:
                return data
            if code in TOKEN_ERRORS and not refreshed:
                refreshed = True
                await self.drop(token)
                continue
            pause = next(pauses, None) if code in BUSY_ERRORS else None
            if pause is None:
                raise WeChatError(code, str(data.get("errmsg") or ""))
            log.info("WeChat answered %s to %s; trying again in %.1f s", code, path, pause)
            await asyncio.sleep(pause)

    async def send_text(self, openid: str, content: str) -> None:
        """A customer-service text message (at most 2,048 bytes: the caller splits)."""
        await self.call("/cgi-bin/message/custom/send",
                        {"touser": openid, "msgtype": "text", "text": {"content": content}})

    async def create_menu(self, menu: dict[str, Any]) -> None:
        await self.call("/cgi-bin/menu/create", menu)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


__all__ = ["WeChatClient", "WeChatError"]
