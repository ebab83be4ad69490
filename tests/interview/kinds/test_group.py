"""A repeatable group: typed text is refused (its menu answers it), entries given as data, display."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.kinds import Widget, kind_of
from bot.interview.parsing import answer_from_value
from tests.interview.kinds.helpers import EN, item, refusal
from tests.today import TODAY

FIELDS = [{"id": "name", "type": "text", "text": "名称"}, {"id": "amount", "type": "money", "text": "金额"}]


def test_a_group_is_answered_by_its_menu_or_as_data() -> None:
    group = item("group", entry="服务商", fields=FIELDS)
    assert refusal(group, "add")[0] == "group_use_menu"
    answer = answer_from_value(group, [{"name": "甲公司", "amount": "1.2亿"}], TODAY)
    assert answer.value == [{"name": "甲公司", "amount": "12000"}]
    with pytest.raises(AnswerError, match="group_use_menu"):
        answer_from_value(group, "甲公司", TODAY)
    kind = kind_of(group)
    assert kind.widget is Widget.GROUP
    assert kind.typed_value(group, answer.value) == [{"name": "甲公司", "amount": Decimal(12000)}]
    assert kind.display(group, Answer([{}, {}]), EN) == "2 × Service provider"
