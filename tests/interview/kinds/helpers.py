"""Building one item of a kind from its YAML-like data, and reading answers as the engine does (tests only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import TypeAdapter

from bot.i18n import Translator
from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.parsing import parse_answer
from bot.interview.schema import Item
from tests.today import TODAY

EN = Translator("en")
ZH = Translator("zh")
_ITEM: TypeAdapter[Any] = TypeAdapter(Item)


def item(type_: str, **fields: Any) -> Any:
    """An item of `type_` as a form would declare it (id "x", text "问题")."""
    return _ITEM.validate_python({"id": "x", "text": "问题", "type": type_, **fields})


def read(it: Any, text: str, answers: Mapping[str, Answer] | None = None) -> Any:
    return parse_answer(it, text, answers or {}, TODAY).value


def refusal(it: Any, text: str, answers: Mapping[str, Answer] | None = None) -> tuple[str, dict[str, Any]]:
    with pytest.raises(AnswerError) as caught:
        parse_answer(it, text, answers or {}, TODAY)
    return caught.value.code, dict(caught.value.params)


OPTIONS = [{"id": "a", "label": "甲"}, {"id": "b", "label": "乙", "short": "乙短"}, {"id": "c", "label": "丙"}]
