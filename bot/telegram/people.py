"""Who a Telegram account is in the database, and the language it reads."""

from __future__ import annotations

from aiogram.types import User as TelegramUser
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import repo
from bot.i18n import normalise_lang


def external_id(user: TelegramUser) -> str:
    return f"tg:{user.id}"


async def stored_lang(sessionmaker: async_sessionmaker[AsyncSession], user: TelegramUser) -> str | None:
    async with sessionmaker() as s:
        row = await repo.find_user(s, external_id(user))
        return row.lang if row is not None else None


def first_lang(user: TelegramUser | None, default_lang: str) -> str:
    """The language before the person chose one: Telegram's language_code, else the configured default."""
    if user is not None and user.language_code:
        return normalise_lang(user.language_code)
    return normalise_lang(default_lang)


async def store_lang(sessionmaker: async_sessionmaker[AsyncSession], user: TelegramUser, lang: str) -> None:
    async with sessionmaker.begin() as s:
        row = await repo.get_or_create_user(s, external_id(user), display_name=user.full_name, lang=lang)
        row.lang = lang
