"""An e-mail address."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.kinds.base import Words
from bot.interview.kinds.formatted import FormattedItem, FormattedKind


class EmailItem(FormattedItem):
    type: Literal["email"]


class EmailKind(FormattedKind[EmailItem]):
    model = EmailItem
    longest_text = 320

    def validator(self, item: EmailItem) -> Callable[[str], str]:
        return v.parse_email

    def format_hint(self, item: EmailItem, tr: Words, answers: Mapping[str, Answer]) -> str:
        return tr.ui("Format: e-mail address, e.g. name@example.com")


KIND = EmailKind()
