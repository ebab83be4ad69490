"""Keep aiogram's parsed-response classes alive.

aiogram parses every Bot API reply as `Response[T]` (T the method's result type), a pydantic generic built on
each call.  Pydantic keeps such parametrised classes in a weak cache, so after a full garbage collection the class
is gone and the next call builds it again: about 4 ms of schema building each time.  How often depends on how much
the process holds (`python benchmarks/answer_path.py --untuned` counts them per run; the bigger the heap, the more
often).  One reference per result type keeps them built.
"""

from __future__ import annotations

from typing import Any, cast

from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    GetUpdates,
    SendDocument,
    SendMessage,
    SetMyCommands,
    SetWebhook,
)
from aiogram.methods.base import Response

from bot.dialogs.telegram.updates import GetRawUpdates

_METHODS = (AnswerCallbackQuery, DeleteMessage, DeleteWebhook, EditMessageReplyMarkup, EditMessageText, GetMe,
            GetRawUpdates, GetUpdates, SendDocument, SendMessage, SetMyCommands, SetWebhook)

#: the Response[T] classes, referenced for the life of the process
_GENERIC = cast(Any, Response)  # parametrised at run time with each method's result type
KEPT: tuple[Any, ...] = tuple({m.__returning__: _GENERIC[m.__returning__] for m in _METHODS}.values())
