"""The bot's routers in the order they are asked: commands first, then the interview flow."""

from __future__ import annotations

from aiogram import Router

from bot.dialogs.telegram.commands import commands_router
from bot.dialogs.telegram.contract import contract_router
from bot.dialogs.telegram.flow import flow_router
from bot.dialogs.telegram.guard import fallback_router
from bot.dialogs.telegram.reports import reports_router
from bot.dialogs.telegram.staff import staff_router


def root_router() -> Router:
    """A fresh router tree (a router can belong to one dispatcher only, so none is built at import time)."""
    root = Router(name="root")
    root.include_routers(staff_router(), commands_router(), contract_router(), reports_router(), flow_router(),
                         fallback_router())
    return root
