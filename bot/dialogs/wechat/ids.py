"""Who a WeChat person is and which of their messages is which, in the service's terms.  Pure.

A person is "wx:" + their OpenID (unique per Official Account).  A message's MsgId becomes the update id the
service records (bot.service.sessions: a repeat raises Redelivered and changes nothing), in a range of its own:
Telegram's update ids are positive and the web chat's one-time numbers lie in [-2^62, -1], so WeChat's messages
take [-(2^62 + 2^61), -(2^62 + 1)] and the marks "this message's reply went out as customer-service messages"
the range below it, down to -2^63.  An event has no MsgId: a stable number from its sender, CreateTime, event and
key stands in for it (WeChat retries an event with the same CreateTime).
"""

from __future__ import annotations

import hashlib

PREFIX = "wx:"
_SPAN = 2**61
_MESSAGES = 2**62 + 1
_SENT_BY_API = 2**62 + _SPAN + 1
#: per-person lock numbers (bot.db.locks: chat ids within ±2^52): below every Telegram chat id in use
_LOCKS = 2**51


def external_id(openid: str) -> str:
    return PREFIX + openid


def openid_of(external: str) -> str | None:
    return external[len(PREFIX):] if external.startswith(PREFIX) else None


def message_number(msg_id: int) -> int:
    """The number a MsgId stands for (kept apart from Telegram's and the web's)."""
    return -(_MESSAGES + msg_id % _SPAN)


def sent_by_api(msg_id: int) -> int:
    """The number that marks the reply to MsgId `msg_id` as sent through the customer-service API."""
    return -(_SENT_BY_API + msg_id % _SPAN)


def event_msg_id(openid: str, create_time: str, event: str, key: str = "") -> int:
    """A stand-in MsgId for an event: the same for WeChat's retries of it, different for another event."""
    digest = hashlib.sha256(f"{openid}\0{create_time}\0{event}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % _SPAN


def lock_number(openid: str) -> int:
    """The person's number for the per-chat locks every worker shares."""
    digest = hashlib.sha256(openid.encode()).digest()
    return -(_LOCKS + int.from_bytes(digest[:6], "big") % 2**50)


def chat_number(openid: str) -> int:
    """The person's chat as the service numbers chats (bot/service/shown.py): the lock number, below every
    Telegram private chat's id (those are positive)."""
    return lock_number(openid)
