"""A repeatable group of fields (one or more service providers): the answer is a list of entries, each a mapping
of field id to value; the fields are of the other kinds.  Typed text does not answer a group: its menu does."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator

from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.kinds import FieldItem, kind_of
from bot.interview.kinds.base import ItemBase, Kind, Widget, Words


class GroupItem(ItemBase):
    """A repeatable group of fields (one or more service providers): the answer is a list of entries."""

    type: Literal["group"]
    #: what one entry is called ("服务商")
    entry: str
    fields: tuple[FieldItem, ...] = Field(min_length=1)
    min_entries: int = Field(default=1, ge=0)
    max_entries: int = Field(default=10, ge=1)

    def field(self, field_id: str) -> FieldItem:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    @model_validator(mode="after")
    def _fields(self) -> GroupItem:
        ids = [f.id for f in self.fields]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate field ids")
        if any(f.show_if for f in self.fields):
            raise ValueError("fields of a group cannot have show_if")
        return self


class GroupKind(Kind[GroupItem]):
    model = GroupItem
    widget = Widget.GROUP
    longest_text = None
    #: its fields may be dates
    dated = True

    def parse(self, item: GroupItem, text: str, answers: Mapping[str, Answer], today: date) -> Answer:
        raise AnswerError("group_use_menu")

    def from_value(self, item: GroupItem, value: Any, today: date) -> Answer:
        """A list of entries, each a mapping of field id to a value as its field's kind reads it."""
        if not isinstance(value, list):
            raise AnswerError("group_use_menu")
        return Answer([{f.id: kind_of(f).read(f, str(entry[f.id]), {}, today).value
                        for f in item.fields if f.id in entry} for entry in value])

    def typed_value(self, item: GroupItem, value: Any) -> Any:
        return [{f.id: typed_value(f, entry.get(f.id)) for f in item.fields} for entry in value]

    def display(self, item: GroupItem, answer: Answer, tr: Words) -> str:
        return tr.ui("{count} × {entry}", count=len(answer.value), entry=tr.form(item.entry))


def typed_value(item: FieldItem, value: Any) -> Any:
    return None if value is None else kind_of(item).typed_value(item, value)


KIND: GroupKind = GroupKind()
