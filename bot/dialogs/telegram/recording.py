"""A Bot API session that records calls instead of sending them, for handler tests and benchmarks.

It does what aiogram's real session does on each call except the network: the request is serialised into the
form data that would be posted, and a plausible JSON response is parsed and validated by aiogram exactly as a
real one would be.  A benchmark against it therefore measures the bot's own work on each message.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncGenerator
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendDocument,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import BufferedInputFile


class RecordingSession(AiohttpSession):
    """Records every method the bot calls and answers it like the Bot API (a Message for sends and edits)."""

    def __init__(self, *, keep_calls: bool = True) -> None:
        """`keep_calls=False` (benchmarks): nothing is kept, as with a real session."""
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self.keep_calls = keep_calls
        self._message_ids: dict[int, itertools.count[int]] = {}

    def message_number(self, chat_id: int) -> int:
        """The next message id of a private chat: Telegram numbers a chat's messages in the order they were
        written, the person's and the bot's together (a simulated person takes its messages' ids here too)."""
        counter = self._message_ids.get(chat_id)
        if counter is None:
            counter = self._message_ids[chat_id] = itertools.count(1)
        return next(counter)

    def _result(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, SendMessage | EditMessageText | EditMessageReplyMarkup):
            message_id = method.message_id if not isinstance(method, SendMessage) else self.message_number(
                int(method.chat_id or 0))
            message: dict[str, Any] = {
                "message_id": message_id or 0,
                "date": int(time.time()),
                "chat": {"id": int(method.chat_id or 0), "type": "private"},
                "from": {"id": bot.id, "is_bot": True, "first_name": "Bot"},
                "text": getattr(method, "text", None) or "…",
            }
            if method.reply_markup is not None:
                message["reply_markup"] = method.reply_markup.model_dump(mode="json", exclude_none=True)
            return message
        if isinstance(method, GetMe):
            return {"id": bot.id, "is_bot": True, "first_name": "Bot", "username": "recording_bot"}
        if isinstance(method, SendDocument):
            name = method.document.filename if isinstance(method.document, BufferedInputFile) else "file"
            return {"message_id": self.message_number(int(method.chat_id or 0)), "date": int(time.time()),
                    "chat": {"id": int(method.chat_id or 0), "type": "private"},
                    "from": {"id": bot.id, "is_bot": True, "first_name": "Bot"},
                    "document": {"file_id": f"doc{id(method)}", "file_unique_id": f"u{id(method)}",
                                 "file_name": name}}
        return True

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None) -> Any:
        if self.keep_calls:
            self.calls.append(method)
        self.build_form_data(bot=bot, method=method)  # what would be posted
        content = json.dumps({"ok": True, "result": self._result(bot, method)})
        response = self.check_response(bot=bot, method=method, status_code=200, content=content)
        return response.result

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
                             chunk_size: int = 65536, raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError
        yield b""  # pragma: no cover

    async def close(self) -> None:
        await super().close()
