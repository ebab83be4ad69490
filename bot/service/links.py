"""Signed links to a session's documents, for people who cannot carry a browser cookie to them (a WeChat
conversation, a link sent by the helpdesk).

A link names the session and the person it was made for, expires, and carries an HMAC-SHA256 of those under a key
every worker shares (bot/service/keys.py): it cannot be guessed or altered, and it opens only that session's
documents.  The web chat serves it (`/d/TOKEN`: the list of files with previews, `/d/TOKEN/N` a file).  Pure apart
from the clock passed in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

#: how long a document link stays valid (seconds)
LINK_TTL = 7 * 86400


@dataclass(frozen=True)
class Grant:
    """What a valid link opens: the session's documents, for that person."""

    session_id: int
    who: str
    expires: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, body.encode(), hashlib.sha256).digest()[:20])


def sign(key: bytes, session_id: int, who: str, now: float, ttl: int = LINK_TTL) -> str:
    """A token for `session_id`'s documents, made for `who`, valid `ttl` seconds from `now`."""
    body = f"{session_id}.{int(now) + ttl}.{_b64(who.encode())}"
    return f"{body}.{_mac(key, body)}"


def verify(key: bytes, token: str, now: float) -> Grant | None:
    """The grant a token carries, or None (altered, expired, malformed)."""
    if len(token) > 300:
        return None
    body, _, mac = token.rpartition(".")
    if not body or not hmac.compare_digest(mac, _mac(key, body)):
        return None
    parts = body.split(".")
    if len(parts) != 3 or not parts[0].isascii() or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    try:
        who = _unb64(parts[2]).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    session_id, expires = int(parts[0]), int(parts[1])
    if expires <= now or not 0 < session_id < 2**31:
        return None
    return Grant(session_id, who, expires)
