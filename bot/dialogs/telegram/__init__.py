"""The Telegram channel (aiogram 3): the same interviews as the terminal, one item per message.

`run_bot(settings)` runs it (long polling, or a webhook server when WEBHOOK_URL is set);
`create_dispatcher(interviews, ...)` builds the routers and middlewares (used by the tests as they are).
"""

from bot.dialogs.telegram.app import run_bot
from bot.dialogs.telegram.dispatcher import create_dispatcher

__all__ = ["create_dispatcher", "run_bot"]
