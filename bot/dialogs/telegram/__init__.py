"""The Telegram channel (aiogram 3): the same interviews as the web chat and the terminal, one item per message.

`run_telegram(...)` runs it inside the service (bot/serve.py: long polling, or a webhook server when WEBHOOK_URL is
set); `create_dispatcher(interviews, ...)` builds the routers and middlewares (used by the tests as they are).
"""

from bot.dialogs.telegram import lazy_types

lazy_types.load()  # before anything imports aiogram: its types are built when first used

from bot.dialogs.telegram.app import run_telegram  # noqa: E402
from bot.dialogs.telegram.dispatcher import create_dispatcher  # noqa: E402

__all__ = ["create_dispatcher", "run_telegram"]
