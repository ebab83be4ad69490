"""A recording Bot API session and a simulated person, for handler tests over the real Dispatcher."""

from __future__ import annotations

import itertools
import time
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import EditMessageReplyMarkup, SendDocument, SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardMarkup, Update

from bot.dialogs.telegram.recording import RecordingSession


class Person:
    """One private chat: sends texts and presses buttons as real Update objects fed to the Dispatcher."""

    update_ids = itertools.count(1)

    def __init__(self, dp: Dispatcher, bot: Bot, user_id: int = 4242, language_code: str | None = "zh-hans") -> None:
        self.dp, self.bot = dp, bot
        self.user_id = user_id
        self.language_code = language_code

    def _message_id(self) -> int:
        """The chat's next message id (Telegram numbers a private chat's messages across both sides)."""
        return self.session.message_number(self.user_id)

    @property
    def session(self) -> RecordingSession:
        assert isinstance(self.bot.session, RecordingSession)
        return self.bot.session

    def _user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": "测试"}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def _chat(self) -> dict[str, Any]:
        return {"id": self.user_id, "type": "private", "first_name": "测试"}

    def message_update(self, text: str, update_id: int | None = None) -> Update:
        message: dict[str, Any] = {"message_id": self._message_id(), "date": int(time.time()),
                                   "chat": self._chat(), "from": self._user(), "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return Update.model_validate({"update_id": update_id or next(self.update_ids), "message": message},
                                     context={"bot": self.bot})

    def callback_update(self, data: str, message: SendMessage | None = None, update_id: int | None = None) -> Update:
        bot_message: dict[str, Any] = {"message_id": 1, "date": int(time.time()), "chat": self._chat(),
                                       "from": {"id": self.bot.id, "is_bot": True, "first_name": "Bot"},
                                       "text": message.text if message else "…"}
        callback = {"id": f"cb{next(self.update_ids)}", "from": self._user(), "chat_instance": "1",
                    "message": bot_message, "data": data}
        return Update.model_validate({"update_id": update_id or next(self.update_ids), "callback_query": callback},
                                     context={"bot": self.bot})

    async def feed(self, update: Update) -> list[TelegramMethod[Any]]:
        start = len(self.session.calls)
        await self.dp.feed_update(self.bot, update)
        return self.session.calls[start:]

    async def send(self, text: str) -> list[TelegramMethod[Any]]:
        return await self.feed(self.message_update(text))

    async def press(self, label: str) -> list[TelegramMethod[Any]]:
        """Press the button labelled `label` on the latest message that has a keyboard."""
        message = self.keyboard_message()
        return await self.feed(self.callback_update(button_data(message, label), message))

    async def press_data(self, data: str) -> list[TelegramMethod[Any]]:
        return await self.feed(self.callback_update(data))

    def keyboard_message(self) -> SendMessage:
        for call in reversed(self.session.calls):
            if isinstance(call, SendMessage) and isinstance(call.reply_markup, InlineKeyboardMarkup):
                return call
        raise AssertionError("no message with a keyboard was sent")

    def message_with(self, update_id: int | None = None, **content: Any) -> Update:
        """A message carrying something else than text (a document, photos), with an optional caption."""
        message: dict[str, Any] = {"message_id": self._message_id(), "date": int(time.time()),
                                   "chat": self._chat(), "from": self._user(), **content}
        return Update.model_validate({"update_id": update_id or next(self.update_ids), "message": message},
                                     context={"bot": self.bot})

    async def send_document(self, file_name: str, caption: str | None = None) -> list[TelegramMethod[Any]]:
        n = next(self.update_ids)
        document = {"file_id": f"BQACAgI{n}", "file_unique_id": f"AgAD{n}", "file_name": file_name,
                    "mime_type": "application/pdf", "file_size": 1234}
        return await self.feed(self.message_with(document=document, caption=caption))

    async def send_photo(self, caption: str | None = None) -> list[TelegramMethod[Any]]:
        n = next(self.update_ids)
        sizes = [{"file_id": f"small{n}", "file_unique_id": f"s{n}", "width": 90, "height": 60},
                 {"file_id": f"large{n}", "file_unique_id": f"l{n}", "width": 1280, "height": 853},
                 {"file_id": f"mid{n}", "file_unique_id": f"m{n}", "width": 320, "height": 213}]
        return await self.feed(self.message_with(photo=sizes, caption=caption))

    def documents(self) -> list[SendDocument]:
        return [c for c in self.session.calls if isinstance(c, SendDocument)]

    def texts(self) -> list[str]:
        return [c.text for c in self.session.calls if isinstance(c, SendMessage)]

    def last_text(self) -> str:
        return self.texts()[-1]


def buttons(message: SendMessage | EditMessageReplyMarkup) -> list[tuple[str, str]]:
    markup = message.reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    return [(b.text, b.callback_data or "") for row in markup.inline_keyboard for b in row]


def button_data(message: SendMessage | EditMessageReplyMarkup, label: str) -> str:
    for text, data in buttons(message):
        if text == label:
            return data
    raise AssertionError(f"no button {label!r}; buttons: {[t for t, _ in buttons(message)]}")


def sent(calls: list[TelegramMethod[Any]]) -> list[SendMessage]:
    return [c for c in calls if isinstance(c, SendMessage)]
