"""Where the bot works, and the last word on anything no handler took.

PrivateOnly (an outer middleware after Locale): interviews, resume codes and staff commands live in private chats
only.  In a group, supergroup or channel nothing reaches the handlers: a command gets one line saying so, a button
is answered with the same line, anything else (the group's own conversation) is left alone — a group's text is
never anyone's answer and no session is ever shown there.

fallback_router (included last): a button whose data no handler understood (malformed, forged, from an older
version) is answered so its spinner stops, and a message of a kind the interview does not read (sticker, voice,
location…) gets one line saying what is read.  Every private message gets an answer.
"""

from __future__ import annotations

from contextlib import suppress
from html import escape
from typing import Any

from aiogram import BaseMiddleware, Bot, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, Update

from bot.dialogs.telegram.middlewares import Handler
from bot.dialogs.telegram.sending import say
from bot.i18n import Translator


def private_only_line(tr: Translator) -> str:
    return tr.ui("I work in private chats only: open a chat with me to fill in a questionnaire.")


class PrivateOnly(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        if chat is None or chat.type == ChatType.PRIVATE or not isinstance(event, Update):
            return await handler(event, data)
        tr: Translator = data.get("tr") or Translator("zh")
        bot: Bot | None = data.get("bot")
        if event.callback_query is not None:
            with suppress(TelegramAPIError):
                await event.callback_query.answer(private_only_line(tr), show_alert=True)
        elif event.message is not None and bot is not None and (event.message.text or "").startswith("/"):
            with suppress(TelegramAPIError):
                await say(bot, event.message.chat.id, escape(private_only_line(tr)))
        return None


def fallback_router() -> Router:
    router = Router(name="fallback")
    router.callback_query.register(on_unknown_button)
    router.message.register(on_other_message)
    return router


async def on_unknown_button(cb: CallbackQuery, tr: Translator) -> None:
    with suppress(TelegramAPIError):
        await cb.answer(tr.ui("This button no longer works. Send /resume to see the current question."))


async def on_other_message(message: Message, bot: Bot, tr: Translator) -> None:
    await say(bot, message.chat.id, escape(tr.ui("I read typed answers, documents and photos. Send /help to see "
                                                 "what I understand.")))
