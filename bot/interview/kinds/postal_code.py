"""A postal code (邮政编码): 6 digits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.kinds.base import Words
from bot.interview.kinds.formatted import FormattedItem, FormattedKind


class PostalCodeItem(FormattedItem):
    type: Literal["postal_code"]


class PostalCodeKind(FormattedKind[PostalCodeItem]):
    model = PostalCodeItem
    longest_text = 32

    def validator(self, item: PostalCodeItem) -> Callable[[str], str]:
        return v.parse_postal_code

    def format_hint(self, item: PostalCodeItem, tr: Words, answers: Mapping[str, Answer]) -> str:
        return tr.ui("Format: 6-digit postal code, e.g. 310052")


KIND = PostalCodeKind()
