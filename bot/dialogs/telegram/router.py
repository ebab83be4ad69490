"""The bot's routers in the order they are asked: the interview flow first (typed answers and its buttons, the
most frequent updates: aiogram's propagation through each router it passes costs about as much as handling a
command), then the commands, then a command none of them knows."""

from __future__ import annotations

from aiogram import Router

from bot.dialogs.telegram.commands import commands_router
from bot.dialogs.telegram.contract import contract_router
from bot.dialogs.telegram.flow import flow_router, unknown_commands_router
from bot.dialogs.telegram.guard import fallback_router
from bot.dialogs.telegram.reports import reports_router
from bot.dialogs.telegram.staff import staff_router


def root_router() -> Router:
    """A fresh router tree (a router can belong to one dispatcher only, so none is built at import time)."""
    root = Router(name="root")
    # the flow's handlers take no command (PlainText) and only its own buttons' prefixes: asked first, they take
    # nothing the command routers would
    root.include_routers(flow_router(), staff_router(), commands_router(), contract_router(), reports_router(),
                         unknown_commands_router(), fallback_router())
    return root
