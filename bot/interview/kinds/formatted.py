"""What the kinds of a short text with a fixed format share (credit code, phones, e-mail, postal code): the text is
read by one validator of bot/interview/validators.py, stored as it returns it, and its format told in one line."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TypeVar

from bot.interview.answer import Answer
from bot.interview.kinds.base import ItemBase, Kind, Words


class FormattedItem(ItemBase):
    """A short text with a fixed format; each formatted kind's model narrows `type`."""

    type: str


F = TypeVar("F", bound=FormattedItem)


class FormattedKind(Kind[F]):
    """A formatted kind: `validator` reads the text (bot/interview/validators.py); `format_hint` tells how it is
    typed."""

    def validator(self, item: F) -> Callable[[str], str]:
        raise NotImplementedError

    def parse(self, item: F, text: str, answers: Mapping[str, Answer], today: date) -> Answer:
        return Answer(self.validator(item)(text))

    def format_hint(self, item: F, tr: Words, answers: Mapping[str, Answer]) -> str:
        raise NotImplementedError
