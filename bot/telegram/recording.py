"""A Bot API session that records calls instead of sending them, for handler tests and benchmarks."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message


class RecordingSession(BaseSession):
    """Records every method the bot calls and returns a plausible result (a Message for sends and edits)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self._message_ids = itertools.count(5000)

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None) -> Any:
        self.calls.append(method)
        if isinstance(method, SendMessage):
            return Message(message_id=next(self._message_ids), date=datetime.now(UTC),
                           chat=Chat(id=int(method.chat_id), type="private"), text=method.text,
                           reply_markup=method.reply_markup)
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            return Message(message_id=method.message_id or 0, date=datetime.now(UTC),
                           chat=Chat(id=int(method.chat_id or 0), type="private"),
                           text=getattr(method, "text", None) or "…", reply_markup=method.reply_markup)
        return True

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
                             chunk_size: int = 65536, raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError
        yield b""  # pragma: no cover

    async def close(self) -> None:
        return None
