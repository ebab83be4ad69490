"""The Official Account's server URL (GET: WeChat's check of the URL; POST: a person's message or event).

WeChat waits 5 seconds for the answer to a POST, then tries again (three times in all) and finally shows the person
an error.  So each message is handled in a task of its own, and the request waits for it at most
`WECHAT_REPLY_BUDGET` seconds (4 by default): a reply that is ready in time and fits one message goes back as the
passive reply; otherwise the request answers "success" at once and the reply goes out as customer-service messages
(bot/dialogs/wechat/client.py), in order, once ready.

One message is handled once, however often it arrives:
- in this process, a retry of a message being handled (or handled a minute ago) joins it: it gets the passive
  reply again when that was the way (the first answer was lost), "success" when the reply goes by the API;
- across workers and restarts, its MsgId is the update id the service records with the answer
  (bot/service/sessions.py), checked under the person's lock shared by every worker; a message found handled
  before gets the current screen — or nothing, when its reply was sent by the API (that is recorded too).
A person's messages are handled one at a time, in the order they arrived (the customer-service messages of one
reply are sent before the next message is handled).

The answers are WeChat's, not the web chat's: 403 for a bad signature, "success" or XML otherwise; the web's
middleware leaves this path alone (bot/dialogs/web/security.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.dialogs.web.services import Services
from bot.dialogs.wechat import ids, texts
from bot.dialogs.wechat.client import WeChatClient, WeChatError
from bot.dialogs.wechat.conversation import Conversation
from bot.dialogs.wechat.protocol import Forbidden, Incoming, Protocol, Unreadable
from bot.i18n import Translator
from bot.service.sessions import Interviews

log = logging.getLogger(__name__)

#: how long a handled message is remembered in this process for WeChat's retries (they come within ~15 s)
REMEMBER = 60.0
#: how long a finished reply waits for its request to take it as the passive reply
CLAIM_WAIT = 1.0


@dataclass
class Delivery:
    """One message's reply: its texts once built, and how they go out ("passive" or "api"), decided once."""

    texts: asyncio.Future[list[str]]
    decided: asyncio.Event = field(default_factory=asyncio.Event)
    how: str | None = None

    def decide(self, how: str) -> str:
        """The first decision stands."""
        if self.how is None:
            self.how = how
            self.decided.set()
        return self.how


@dataclass
class _Order:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class WeChatChannel:
    def __init__(self, services: Services, protocol: Protocol, client: WeChatClient, *, budget: float) -> None:
        self.svc = services
        self.protocol = protocol
        self.client = client
        self.budget = budget
        self.conversation = Conversation(services)
        self._deliveries: dict[tuple[str, int], Delivery] = {}
        self._orders: dict[str, _Order] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def interviews(self) -> Interviews:
        return self.svc.interviews

    # --- HTTP ----------------------------------------------------------------------------------------------

    async def verify(self, request: web.Request) -> web.Response:
        """WeChat checks the server URL: echo `echostr` when the signature is right."""
        try:
            self.protocol.check(request.query)
        except Forbidden:
            return web.Response(status=403, text="forbidden")
        return web.Response(text=request.query.get("echostr", ""))

    async def receive(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        try:
            incoming = self.protocol.read(request.query, await request.read())
        except Forbidden:
            log.warning("WeChat endpoint: a request with a wrong signature from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        except Unreadable as exc:
            log.warning("WeChat endpoint: %s", exc)
            return _success()
        delivery = self._deliveries.get((incoming.openid, incoming.msg_id))
        if delivery is None:
            delivery = self._start(incoming)
        try:
            found = await asyncio.wait_for(asyncio.shield(delivery.texts), max(0.0, arrived + self.budget
                                                                                - time.monotonic()))
        except TimeoutError:
            delivery.decide("api")
            return _success()
        except asyncio.CancelledError:
            delivery.decide("api")
            raise
        if len(found) == 1 and delivery.decide("passive") == "passive":
            return web.Response(text=self.protocol.reply(incoming, found[0], request.query, int(time.time())),
                                content_type="application/xml")
        delivery.decide("api")
        return _success()

    # --- one message ---------------------------------------------------------------------------------------

    def _start(self, incoming: Incoming) -> Delivery:
        delivery = Delivery(asyncio.get_running_loop().create_future())
        key = (incoming.openid, incoming.msg_id)
        self._deliveries[key] = delivery
        task = asyncio.create_task(self._handle(incoming, delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        asyncio.get_running_loop().call_later(REMEMBER, self._deliveries.pop, key, None)
        return delivery

    async def _handle(self, incoming: Incoming, delivery: Delivery) -> None:
        """Answer a message (in order with the person's others, under their lock shared by every worker), then
        send the reply by the API unless its request took it as the passive reply."""
        who = incoming.who
        order = self._orders.setdefault(who, _Order())
        order.users += 1
        try:
            async with order.lock, self.interviews.locks.chat(ids.lock_number(incoming.openid)):
                found = await self._answer(incoming)
                if not delivery.texts.done():
                    delivery.texts.set_result(found)
                if len(found) != 1:
                    delivery.decide("api")
                try:
                    await asyncio.wait_for(delivery.decided.wait(), CLAIM_WAIT)
                except TimeoutError:
                    delivery.decide("api")
                if delivery.how == "api" and found:
                    await self.interviews.mark_handled(ids.sent_by_api(incoming.msg_id))
                    await self.send(who, found)
        except Exception:
            log.exception("WeChat: the message %s of %s failed", incoming.msg_id, who)
            if not delivery.texts.done():
                delivery.texts.set_result([await self._sorry(who)])
        finally:
            order.users -= 1
            if order.users == 0:
                self._orders.pop(who, None)

    async def _answer(self, incoming: Incoming) -> list[str]:
        """The reply's texts; a message handled before (by any worker) gets the current screen, or nothing when
        its reply went by the API."""
        number = ids.message_number(incoming.msg_id)
        if await self.interviews.refresh(incoming.who, number):
            if await self.interviews.was_handled(ids.sent_by_api(incoming.msg_id)):
                return []
            log.info("WeChat message %s was delivered again: the current screen is shown", incoming.msg_id)
            tr = await self.conversation.translator(incoming.who)
            found = texts.pack([await self.conversation.screen_or_list(incoming.who, tr)])
            await self.conversation.shown(incoming.who)
            return found
        try:
            found = await self.conversation.answer(incoming, number)
        except Exception:
            log.exception("WeChat: could not answer message %s", incoming.msg_id)
            found = [await self._sorry(incoming.who)]
        if found:
            await self.conversation.shown(incoming.who)
        await self.interviews.mark_handled(number)
        return found

    async def _sorry(self, who: str) -> str:
        tr = Translator(await self.interviews.lang_of(who) or self.svc.settings.default_lang)
        return tr.ui("Something went wrong on our side. Your answers are kept; please try again in a moment.")

    async def send(self, who: str, messages: list[str]) -> None:
        """Customer-service messages to a person, in order; a refusal (no quota left, the person unsubscribed)
        is logged, and the rest are not sent (they would be refused the same way)."""
        openid = ids.openid_of(who)
        if openid is None:
            return
        for message in messages:
            try:
                await self.client.send_text(openid, message)
            except (WeChatError, OSError, TimeoutError) as exc:
                log.warning("WeChat: could not send to %s: %s", who, exc)
                return

    async def notice(self, who: str, text: str) -> None:
        """A notice of the service (bot/service/notices.py) to a WeChat person."""
        await self.send(who, texts.pack([text]))

    async def set_menu(self) -> None:
        """Post the custom menu (every worker at start: the same menu, so the last one changes nothing)."""
        from bot.dialogs.wechat.menu import menu

        try:
            await self.client.create_menu(menu(Translator(self.svc.settings.default_lang)))
        except (WeChatError, OSError, TimeoutError) as exc:
            log.warning("WeChat: the custom menu was not set: %s", exc)

    async def close(self) -> None:
        for task in list(self._tasks):
            if not task.done():
                try:
                    await asyncio.wait_for(asyncio.shield(task), 5.0)
                except (TimeoutError, Exception):
                    task.cancel()
        await self.client.close()


def _success() -> web.Response:
    return web.Response(text="success")
