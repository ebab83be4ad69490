"""Free text, with or without a file attached as evidence (its caption or name is the text)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Literal

from pydantic import Field

from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.kinds.base import ItemBase, Kind, Words

#: the longest free text of an item without its own max_length
TEXT_LONGEST = 2000


class TextItem(ItemBase):
    type: Literal["text"]
    max_length: int | None = Field(default=None, gt=0)
    min_length: int = Field(default=1, ge=1)
    #: a file sent instead of (or with) the text is attached as evidence; its caption or name is the text
    accepts_file: bool = False


class TextKind(Kind[TextItem]):
    model = TextItem
    lines = True

    def longest(self, item: TextItem) -> int:
        return item.max_length or TEXT_LONGEST

    def parse(self, item: TextItem, text: str, answers: Mapping[str, Answer], today: date) -> Answer:
        return Answer(v.parse_text(text, max_length=item.max_length, min_length=item.min_length))

    def takes_files(self, item: TextItem) -> bool:
        return item.accepts_file

    def attach(self, item: TextItem, note: str, files: str) -> Answer:
        if not item.accepts_file:
            return super().attach(item, note, files)
        return Answer(v.parse_text(note[: item.max_length] if item.max_length else note), files)

    def display(self, item: TextItem, answer: Answer, tr: Words) -> str:
        if not answer.extra:
            return str(answer.value)
        names = ("、" if tr.lang == "zh" else ", ").join(f["name"] for f in json.loads(answer.extra))
        return tr.ui("{text} (files: {names})", text=answer.value, names=names)

    def prompt(self, item: TextItem, tr: Words, answers: Mapping[str, Answer]) -> str:
        if item.accepts_file:
            return tr.ui("Type a short note, or send the evidence as a file or photo (a caption becomes the note).")
        return tr.ui("Please type your answer.")


KIND = TextKind()
