"""create_dispatcher: routers plus outer middlewares; dependencies travel in the dispatcher's workflow data."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram import Dispatcher

from bot.dialogs.telegram.guard import PrivateOnly
from bot.dialogs.telegram.middlewares import ChatOrder, Locale, RateLimit, Redelivery, TelegramNotices
from bot.dialogs.telegram.responses import KEPT
from bot.dialogs.telegram.router import root_router
from bot.service.events import Events
from bot.service.helpdesk import Helpdesk
from bot.service.notices import Notices
from bot.service.sessions import Interviews


def create_dispatcher(interviews: Interviews, *, default_lang: str = "zh", rate: float = 5.0,
                      burst: float = 10.0, staff_ids: Iterable[int] = (), helpdesk: Helpdesk | None = None,
                      notices: Notices | None = None) -> Dispatcher:
    """Handlers receive `interviews`, `helpdesk`, `notices`, `tr` (the person's Translator) and `chat_order` by
    name.  `helpdesk` and `notices` are the process's (shared with the web chat and the desk); made here when the
    dispatcher runs alone (tests)."""
    chat_order = ChatOrder()
    if helpdesk is None:
        helpdesk = Helpdesk(interviews, frozenset(f"tg:{i}" for i in staff_ids))
    if notices is None:
        notices = Notices(interviews, Events(interviews.sessionmaker), default_lang=default_lang)
    # no aiogram FSM: the interview state lives in the database (disable_fsm drops its per-update middleware)
    dp = Dispatcher(disable_fsm=True, interviews=interviews, helpdesk=helpdesk, notices=notices,
                    default_lang=default_lang, chat_order=chat_order, kept_responses=KEPT)
    dp.update.outer_middleware(TelegramNotices(notices))
    dp.update.outer_middleware(chat_order)
    dp.update.outer_middleware(Redelivery(interviews, default_lang))
    # after the re-delivery check: Telegram's re-deliveries and retries are not the person typing fast
    dp.update.outer_middleware(RateLimit(rate=rate, burst=burst, default_lang=default_lang))
    dp.update.outer_middleware(Locale(interviews, default_lang))
    dp.update.outer_middleware(PrivateOnly())  # interviews, codes and staff commands in private chats only
    dp.include_router(root_router())
    return dp
