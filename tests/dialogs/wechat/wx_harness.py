"""The WeChat endpoint in this process: the web application (create_app) with WECHAT_* set, served by aiohttp's
test server on 127.0.0.1, against the fake WeChat platform (tests/e2e/fake_wechat.py) on the same event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.dialogs.web.app import create_app
from bot.dialogs.web.documents import Documents
from bot.dialogs.web.services import Services
from bot.dialogs.web.visitors import Visitors
from bot.service.events import Events
from bot.service.helpdesk import Helpdesk
from bot.service.keys import shared_key
from bot.service.notices import Notices
from bot.service.sessions import Interviews
from bot.service.throttle import Throttle
from tests.e2e.fake_wechat import FakeWeChat, text_xml
from tests.e2e.fake_wechat import _Quota as Quota

__all__ = ["FakeWeChat", "Quota", "text_xml", "wechat"]

TOKEN = "contracttoken"
APP_ID = "wx0123456789abcdef"
SECRET = "contractsecret"


@asynccontextmanager
async def wechat(interviews: Interviews, *, aes_key: str | None = None, budget: float = 4.0,
                 staff: frozenset[str] = frozenset(), **fake: Any) -> AsyncIterator[tuple[FakeWeChat, Services]]:
    """The fake platform and the service's web application with its WeChat endpoint, both running."""
    async with FakeWeChat(token=TOKEN, app_id=APP_ID, app_secret=SECRET, aes_key=aes_key, **fake) as wx:
        settings = Settings(_env_file=None, wechat_token=TOKEN, wechat_app_id=APP_ID, wechat_app_secret=SECRET,
                            wechat_aes_key=aes_key, wechat_api_url=wx.base_url, wechat_reply_budget=budget,
                            default_lang="zh")
        maker = interviews.sessionmaker
        events = Events(maker)
        services = Services(settings=settings, interviews=interviews, helpdesk=Helpdesk(interviews, staff),
                            events=events, notices=Notices(interviews, events), visitors=Visitors(maker),
                            throttle=Throttle(maker), documents=Documents(interviews),
                            link_key=await shared_key(maker, "links"), public_url="http://127.0.0.1:9")
        server = TestServer(create_app(services, await shared_key(maker, "csrf")), host="127.0.0.1")
        await server.start_server()
        wx.service_url = str(server.make_url("/wechat"))
        try:
            yield wx, services
        finally:
            await server.close()
