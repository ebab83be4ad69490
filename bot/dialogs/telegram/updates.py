"""getUpdates as raw JSON, each update decoded on its own.

aiogram's GetUpdates decodes the whole reply as one list of Update: one update the installed aiogram cannot
decode (a field it requires is missing, a kind it does not know) makes every poll fail, and nobody's update is
handled again.  Here the reply is a list of plain objects; each is decoded alone, and one that cannot be is
logged and skipped (its id is still confirmed), as webhook mode drops it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiogram import Bot
from aiogram.methods.base import TelegramMethod
from aiogram.types import Update
from pydantic import ValidationError

log = logging.getLogger(__name__)


class GetRawUpdates(TelegramMethod[list[Any]]):
    """Telegram's getUpdates, its result left undecoded (the parameters of aiogram's GetUpdates)."""

    __returning__ = list[Any]
    __api_method__ = "getUpdates"

    offset: int | None = None
    limit: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None

    if TYPE_CHECKING:
        def __init__(self, *, offset: int | None = None, limit: int | None = None, timeout: int | None = None,
                     allowed_updates: list[str] | None = None, **kwargs: Any) -> None: ...


@dataclass
class Decoded:
    """One getUpdates reply: the updates decoded, and the ids of those that could not be (to confirm)."""

    updates: list[Update] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def decode(bot: Bot, raw: list[Any]) -> Decoded:
    found = Decoded()
    for item in raw:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if not isinstance(update_id, int):
            log.warning("getUpdates returned something without an update id; ignored: %.200r", item)
            continue
        try:
            found.updates.append(Update.model_validate(item, context={"bot": bot}))
        except ValidationError as exc:
            log.warning("update %s cannot be decoded by this version of aiogram; skipped (%s)", update_id,
                        exc.errors(include_url=False)[:3])
            found.skipped.append(update_id)
    return found
