"""Yes / no: a Yes and a No button; typed 是/否, yes/no, 1 (yes) or 2 (no)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.kinds.base import YES_NO_IDS, ItemBase, Kind, Widget, Words
from bot.interview.typed import typed_int

#: the numbers the two answers are typed as, in button order
_NUMBERS = {1: True, 2: False}


class YesNo(ItemBase):
    type: Literal["yesno"]


class YesNoKind(Kind[YesNo]):
    model = YesNo
    widget = Widget.YESNO
    longest_text = 20

    def parse(self, item: YesNo, text: str, answers: Mapping[str, Answer], today: date) -> Answer:
        number = typed_int(text)
        if number in _NUMBERS:
            return Answer(_NUMBERS[number])
        return Answer(v.parse_yes_no(text))

    def from_value(self, item: YesNo, value: Any, today: date) -> Answer:
        """True / False as given, or a text as typed."""
        if isinstance(value, bool):
            return Answer(value)
        return super().from_value(item, value, today)

    def button_ids(self, item: YesNo) -> tuple[str, ...]:
        return YES_NO_IDS

    def pick(self, item: YesNo, option_id: str) -> Answer:
        if option_id not in YES_NO_IDS:
            raise AnswerError("stale_button")
        return Answer(option_id == "yes")

    def display(self, item: YesNo, answer: Answer, tr: Words) -> str:
        return tr.ui("Yes") if answer.value else tr.ui("No")

    def hint(self, item: YesNo, tr: Words) -> str:
        return tr.ui("yes / no")


KIND = YesNoKind()
