"""Sending and editing messages: always HTML, and edits of old messages never fail a handler."""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.dialogs.telegram.screens import Outgoing
from bot.dialogs.telegram.texts import clip


async def send(bot: Bot, chat_id: int, out: Outgoing) -> Message:
    """Every message goes out through here, clipped to what Telegram accepts (bot.dialogs.telegram.texts.clip);
    a screen's message is recorded as the one showing it."""
    message = await bot.send_message(chat_id, clip(out.text), reply_markup=out.markup, parse_mode=ParseMode.HTML)
    if out.shows is not None:
        await out.shows.sent(chat_id, message.message_id)
    return message


def pressed_message(cb: CallbackQuery) -> Message | None:
    """The message carrying the pressed button, when it can still be edited."""
    return cb.message if isinstance(cb.message, Message) else None


def chat_of(cb: CallbackQuery) -> int:
    message = cb.message
    return message.chat.id if message is not None else cb.from_user.id


async def replace_text(cb: CallbackQuery, text: str) -> None:
    """Turn the pressed message into a plain record (no buttons); an old or unchanged message is left alone."""
    message = pressed_message(cb)
    if message is not None:
        with suppress(TelegramBadRequest):
            await message.edit_text(clip(text), parse_mode=ParseMode.HTML, reply_markup=None)


async def replace_keyboard(cb: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    message = pressed_message(cb)
    if message is not None:
        with suppress(TelegramBadRequest):
            await message.edit_reply_markup(reply_markup=markup)


async def say(bot: Bot, chat_id: int, html_text: str) -> Message:
    """A message without buttons (`html_text` is already escaped HTML)."""
    return await send(bot, chat_id, Outgoing(html_text))
