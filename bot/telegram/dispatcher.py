"""create_dispatcher: routers plus outer middlewares; dependencies travel in the dispatcher's workflow data."""

from __future__ import annotations

from aiogram import Dispatcher

from bot.interviews import Interviews
from bot.telegram.middlewares import ChatOrder, Locale, OnceOnly, RateLimit
from bot.telegram.router import root_router


def create_dispatcher(interviews: Interviews, *, default_lang: str = "zh", rate: float = 5.0,
                      burst: float = 10.0) -> Dispatcher:
    """Handlers receive `interviews`, `tr` (the person's Translator) and `chat_order` by name."""
    chat_order = ChatOrder()
    dp = Dispatcher(interviews=interviews, default_lang=default_lang, chat_order=chat_order)
    dp.update.outer_middleware(RateLimit(rate=rate, burst=burst, default_lang=default_lang))
    dp.update.outer_middleware(chat_order)
    dp.update.outer_middleware(OnceOnly())
    dp.update.outer_middleware(Locale(interviews, default_lang))
    dp.include_router(root_router())
    return dp
