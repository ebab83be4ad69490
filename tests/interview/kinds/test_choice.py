"""Single and multiple choices: numbers as printed, labels, banded numbers, the exclusive option, display."""

from __future__ import annotations

import pytest

from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.kinds import Widget, kind_of
from bot.interview.parsing import answer_from_value
from tests.interview.kinds.helpers import EN, OPTIONS, ZH, item, read, refusal
from tests.today import TODAY

BANDS = [{"id": "low", "label": "低", "below": "10"}, {"id": "mid", "label": "中", "at_least": "10", "upto": "50"},
         {"id": "high", "label": "高", "above": "50"}]


def test_single_reads_a_number_a_label_or_an_id() -> None:
    single = item("single", options=OPTIONS)
    assert [read(single, t) for t in ("1", "２", "乙", "乙短", "c")] == ["a", "b", "b", "b", "c"]
    assert refusal(single, "4") == ("option_out_of_range", {"max": 3})
    assert refusal(single, "丁") == ("choose_one", {"max": 3})
    assert refusal(single, "x" * 301)[0] == "text_too_long"


def test_a_banded_single_takes_a_number_and_keeps_it() -> None:
    single = item("single", options=BANDS, accepts_number="percent")
    kind = kind_of(single)
    assert kind.read(single, "50%", {}, TODAY) == Answer("mid", extra="50")
    assert kind.read(single, "50.5", {}, TODAY) == Answer("high", extra="50.5")
    assert read(single, "2") == "mid"  # an option number first
    assert kind.display(single, Answer("mid", extra="50"), EN) == "中 (typed: 50%)"
    assert kind.prompt(single, EN, {}) == "…or type the exact percentage, e.g. 15%"
    # neither an option nor a number: the refusal names both ways to answer; a number out of range stays as it is
    assert refusal(single, "1 2") == ("choose_one_or_number", {"max": 3})
    assert refusal(single, "150%")[0] == "number_too_large"


def test_multi_reads_several_in_printed_order_and_refuses_exclusive_with_others() -> None:
    multi = item("multi", options=[*OPTIONS, {"id": "none", "label": "以上均无", "exclusive": True}])
    assert read(multi, "3，1、3") == ["a", "c"]
    assert read(multi, "4") == ["none"]
    assert refusal(multi, "1 4") == ("exclusive_with_others", {"option": "以上均无"})
    assert refusal(multi, "1 x") == ("choose_some", {"max": 4})
    assert answer_from_value(multi, [], TODAY).value == ["none"]
    assert answer_from_value(multi, [3, "甲"], TODAY).value == ["a", "c"]
    with pytest.raises(AnswerError):
        answer_from_value(multi, "1", TODAY)


def test_display_hint_widget_and_buttons() -> None:
    single, multi = item("single", options=OPTIONS), item("multi", options=OPTIONS)
    assert kind_of(multi).display(multi, Answer(["a", "b"]), ZH) == "甲；乙短"
    assert kind_of(multi).display(multi, Answer(["a", "b"]), EN) == "甲; 乙短"
    assert (kind_of(single).hint(single, EN), kind_of(multi).hint(multi, EN)) == ("single choice", "multiple choice")
    assert (kind_of(single).widget, kind_of(multi).widget) == (Widget.OPTIONS, Widget.TOGGLES)
    assert kind_of(single).button_ids(single) == ("a", "b", "c")
    assert kind_of(single).pick(single, "b") == Answer("b")
    for it, option in ((single, "z"), (multi, "a")):
        with pytest.raises(AnswerError, match="stale_button"):
            kind_of(it).pick(it, option)


def test_the_other_option_shows_its_text() -> None:
    single = item("single", options=[*OPTIONS, {"id": "o", "label": "其他", "other": True}])
    assert kind_of(single).display(single, Answer("o", extra="自研"), ZH) == "其他：自研"
    assert answer_from_value(single, 2, TODAY).value == "b"
