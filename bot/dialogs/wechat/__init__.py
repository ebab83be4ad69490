"""WeChat: the interviews in the conversation with a district's Official Account (服务号), on the same screens and
Turn as the web chat, Telegram and the terminal.

  endpoint.py      the server URL WeChat posts to: signatures, the 5-second budget, passive reply or
                   customer-service messages, retries recognised by MsgId
  protocol.py      signature, safe mode, message XML and the passive reply (wechatpy)
  conversation.py  one message answered: the grammar, the Turn, documents as links, codes, contracts, erasure
  texts.py         the screen model as text with numbered options, split at WeChat's 2,048 bytes
  client.py        the outbound calls (aiohttp): the access token shared in the database, customer-service messages
  menu.py          the custom menu
  ids.py           who is who: "wx:" + OpenID, MsgId as the service's update id

Served by the web chat's aiohttp application when WECHAT_TOKEN is set (`add_routes`); wechatpy is imported only
then.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from bot.dialogs.web.security import RAW_PATHS
from bot.dialogs.web.services import SERVICES


def add_routes(app: web.Application) -> None:
    """GET and POST on WECHAT_PATH (default /wechat), when WECHAT_TOKEN is set; nothing otherwise."""
    settings = app[SERVICES].settings
    if getattr(settings, "wechat_token", None) is None:
        return
    from bot.dialogs.wechat.client import WeChatClient
    from bot.dialogs.wechat.endpoint import WeChatChannel
    from bot.dialogs.wechat.protocol import Protocol

    services = app[SERVICES]
    aes_key = settings.wechat_aes_key.get_secret_value() if settings.wechat_aes_key else None
    protocol = Protocol(settings.wechat_token.get_secret_value(), settings.wechat_app_id, aes_key)
    secret = settings.wechat_app_secret.get_secret_value() if settings.wechat_app_secret else ""
    client = WeChatClient(settings.wechat_api_url, settings.wechat_app_id, secret, services.interviews.sessionmaker)
    channel = WeChatChannel(services, protocol, client, budget=settings.wechat_reply_budget)

    async def running(app: web.Application) -> AsyncIterator[None]:
        services.notices.register("wx:", channel.notice)
        menu = asyncio.create_task(channel.set_menu())  # in the background: the endpoint serves meanwhile
        yield
        menu.cancel()
        await channel.close()

    app.cleanup_ctx.append(running)
    app[RAW_PATHS] = app.get(RAW_PATHS, frozenset()) | {settings.wechat_path}
    app.router.add_get(settings.wechat_path, channel.verify)
    app.router.add_post(settings.wechat_path, channel.receive)
