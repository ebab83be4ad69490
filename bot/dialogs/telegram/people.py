"""Who a Telegram account is in the database, and the language it reads."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import Message
from aiogram.types import User as TelegramUser

from bot.dialogs.telegram.sending import say
from bot.dialogs.telegram.texts import no_interview
from bot.i18n import Translator, normalise_lang
from bot.service.sessions import Interviews, Opened


def external_id(user: TelegramUser) -> str:
    return f"tg:{user.id}"


async def stored_lang(interviews: Interviews, user: TelegramUser) -> str | None:
    return await interviews.lang_of(external_id(user))


def first_lang(user: TelegramUser | None, default_lang: str) -> str:
    """The language before the person chose one: Telegram's language_code, else the configured default."""
    if user is not None and user.language_code:
        return normalise_lang(user.language_code)
    return normalise_lang(default_lang)


async def store_lang(interviews: Interviews, user: TelegramUser, lang: str) -> None:
    await interviews.set_lang(external_id(user), lang, display_name=user.full_name)


async def current_or_tell(message: Message, bot: Bot, interviews: Interviews,
                          tr: Translator) -> tuple[str, Opened] | None:
    """Who wrote and their current interview; when they have none, they are told so and None comes back."""
    if message.from_user is None:
        return None
    who = external_id(message.from_user)
    opened = await interviews.current(who)
    if opened is None:
        await say(bot, message.chat.id, no_interview(tr))
        return None
    return who, opened
