"""A person's name (法定代表人, 联系人): letters of any script with the marks names carry, never a number."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Literal

from pydantic import Field

from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.kinds.base import Words
from bot.interview.kinds.formatted import FormattedItem, FormattedKind


class PersonNameItem(FormattedItem):
    type: Literal["person_name"]
    max_length: int = Field(default=50, gt=0)


class PersonNameKind(FormattedKind[PersonNameItem]):
    model = PersonNameItem

    def longest(self, item: PersonNameItem) -> int:
        return item.max_length

    def validator(self, item: PersonNameItem) -> Callable[[str], str]:
        return partial(v.parse_person_name, max_length=item.max_length)

    def format_hint(self, item: PersonNameItem, tr: Words, answers: Mapping[str, Answer]) -> str:
        return tr.ui("Type the person's name, e.g. Zhang Wei")


KIND = PersonNameKind()
