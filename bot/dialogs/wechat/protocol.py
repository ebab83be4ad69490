"""WeChat's message protocol, through wechatpy: the signature on every request, safe mode (AES with the
account's EncodingAESKey), the XML of a message or event, and the passive reply.  No I/O, no clock of its own
(the reply's timestamp is passed in)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.dialogs.wechat import ids


class Forbidden(Exception):
    """A request that is not WeChat's: a missing or wrong signature (answered 403)."""


class Unreadable(Exception):
    """A signed request whose body cannot be read (answered "success": WeChat must not retry it)."""


@dataclass(frozen=True)
class Incoming:
    """One message or event of a person, as the channel needs it."""

    openid: str
    #: the account's id (the reply comes from it)
    account: str
    #: "text", "event", or another message type (image, voice …)
    kind: str
    #: MsgId, or a stand-in for an event (bot/dialogs/wechat/ids.py)
    msg_id: int
    text: str = ""
    #: for events: subscribe, unsubscribe, CLICK, SCAN …; and its key (a menu item's)
    event: str = ""
    key: str = ""
    #: CreateTime: when WeChat received it, in whole seconds (0: not given)
    created: int = 0

    @property
    def who(self) -> str:
        return ids.external_id(self.openid)


class Protocol:
    def __init__(self, token: str, app_id: str, aes_key: str | None) -> None:
        self.token = token
        self.app_id = app_id
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key else None

    def check(self, query: Mapping[str, str]) -> None:
        """The request's signature (sha1 of the token, timestamp and nonce), or Forbidden."""
        signature, timestamp, nonce = (query.get(k, "") for k in ("signature", "timestamp", "nonce"))
        if not signature or not timestamp or not nonce or len(signature) > 64 or len(nonce) > 64:
            raise Forbidden()
        try:
            check_signature(self.token, signature, timestamp, nonce)
        except InvalidSignatureException:
            raise Forbidden() from None

    def encrypted(self, query: Mapping[str, str]) -> bool:
        return query.get("encrypt_type", "raw") == "aes"

    def read(self, query: Mapping[str, str], body: bytes) -> Incoming:
        """The message of a signed POST (decrypted in safe mode: a wrong msg_signature is Forbidden)."""
        self.check(query)
        xml: str | bytes = body
        if self.encrypted(query):
            if self.crypto is None:
                raise Unreadable("an encrypted message, and no WECHAT_AES_KEY is set")
            try:
                xml = self.crypto.decrypt_message(body, query.get("msg_signature", ""), query["timestamp"],
                                                  query["nonce"])
            except InvalidSignatureException:
                raise Forbidden() from None
            except (InvalidAppIdException, KeyError, ValueError) as exc:
                raise Unreadable(f"cannot decrypt: {exc.__class__.__name__}") from None
        try:
            message = parse_message(xml)
        except Exception as exc:  # malformed XML of any kind
            raise Unreadable(f"cannot parse: {exc.__class__.__name__}") from None
        data = message._data  # the raw fields (wechatpy keeps them)
        openid, account = str(data.get("FromUserName") or ""), str(data.get("ToUserName") or "")
        if not openid:
            raise Unreadable("no sender")
        kind = str(data.get("MsgType") or "")
        if kind == "event":
            event, key = str(data.get("Event") or ""), str(data.get("EventKey") or "")
            msg_id = ids.event_msg_id(openid, str(data.get("CreateTime") or ""), event, key)
            return Incoming(openid, account, kind, msg_id, event=event, key=key)
        raw_id = str(data.get("MsgId") or "")
        msg_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 20 else ids.event_msg_id(
            openid, str(data.get("CreateTime") or ""), kind)
        text = str(data.get("Content") or "") if kind == "text" else str(data.get("Recognition") or "")
        raw_time = str(data.get("CreateTime") or "")
        created = int(raw_time) if raw_time.isdigit() and len(raw_time) < 12 else 0
        return Incoming(openid, account, "text" if text else kind, msg_id, text=text, created=created)

    def reply(self, incoming: Incoming, text: str, query: Mapping[str, str], now: int) -> str:
        """The passive reply (XML; encrypted when the message was)."""
        xml = TextReply(source=incoming.account, target=incoming.openid, content=text, time=now).render()
        if self.crypto is not None and self.encrypted(query):
            return str(self.crypto.encrypt_message(xml, secrets.token_hex(8), str(now)))
        return str(xml)
