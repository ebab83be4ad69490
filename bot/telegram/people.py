"""Who a Telegram account is in the database, and the language it reads."""

from __future__ import annotations

from aiogram.types import User as TelegramUser

from bot.i18n import normalise_lang
from bot.interviews import Interviews


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
