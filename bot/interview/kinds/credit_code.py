"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, its check character verified."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.kinds.base import Words
from bot.interview.kinds.formatted import FormattedItem, FormattedKind


class CreditCodeItem(FormattedItem):
    type: Literal["credit_code"]


class CreditCodeKind(FormattedKind[CreditCodeItem]):
    model = CreditCodeItem

    def validator(self, item: CreditCodeItem) -> Callable[[str], str]:
        return v.parse_credit_code

    def format_hint(self, item: CreditCodeItem, tr: Words, answers: Mapping[str, Answer]) -> str:
        return tr.ui("Format: 18-character unified social credit code")


KIND = CreditCodeKind()
