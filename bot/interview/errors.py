"""Errors raised by the pure interview core.

`AnswerError` is the one way a validator says "this input is not acceptable": a stable machine code plus the
parameters a translated message needs.  The channel turns it into text in the user's language
(see `bot.i18n.describe_error`), and keeps what the user typed so it can be corrected.
"""

from __future__ import annotations

from typing import Any


class AnswerError(ValueError):
    """An input was refused.  `code` names the reason; `params` fill the translated message's placeholders."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, Any] = params

    def __repr__(self) -> str:
        return f"AnswerError({self.code!r}, {self.params!r})"


class Doubt(AnswerError):
    """An answer that may well be a slip — 0.5 typed at a percentage (0.5% or 50%?), an amount far beyond what the
    enterprise's size makes plausible: refused once, the reason naming both readings, and taken when the very same
    answer is given again (the engine keeps it in `State.unconfirmed`).  `answer` is what would be stored."""

    def __init__(self, code: str, answer: Any, **params: Any) -> None:
        super().__init__(code, **params)
        self.answer = answer

    def __repr__(self) -> str:
        return f"Doubt({self.code!r}, {self.answer!r}, {self.params!r})"


class FormError(Exception):
    """A form definition is broken.  Raised at load time, never while a user is answering."""

    def __init__(self, path: str, message: str, item: str | None = None) -> None:
        where = f"{path}: item {item!r}" if item else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.item = item
        self.message = message
