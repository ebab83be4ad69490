"""Yes / no: typed words and numbers, buttons, display."""

from __future__ import annotations

import pytest

from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.kinds import Widget, kind_of
from bot.interview.parsing import answer_from_value
from tests.interview.kinds.helpers import EN, ZH, item, read, refusal
from tests.today import TODAY


def test_yes_no_reads_words_and_the_numbers_1_and_2() -> None:
    yn = item("yesno")
    assert [read(yn, t) for t in ("是", "否", "yes", "No", "1", "2")] == [True, False, True, False, True, False]
    assert refusal(yn, "3")[0] == "not_yes_no"
    assert refusal(yn, "x" * 21)[0] == "text_too_long"
    assert answer_from_value(yn, False, TODAY).value is False


def test_yes_no_buttons_and_display() -> None:
    yn = item("yesno")
    kind = kind_of(yn)
    assert kind.widget is Widget.YESNO and kind.button_ids(yn) == ("yes", "no")
    assert kind.pick(yn, "no") == Answer(False)
    with pytest.raises(AnswerError, match="stale_button"):
        kind.pick(yn, "maybe")
    assert (kind.display(yn, Answer(True), EN), kind.display(yn, Answer(False), ZH)) == ("Yes", "否")
    assert kind.hint(yn, EN) == "yes / no"
