"""Free text: its length, line breaks kept, a file attached as evidence."""

from __future__ import annotations

import json

import pytest

from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.kinds import Widget, kind_of
from bot.interview.kinds.text import TEXT_LONGEST
from tests.interview.kinds.helpers import EN, item, read, refusal


def test_text_keeps_lines_and_refuses_what_is_too_long() -> None:
    text = item("text", max_length=10)
    assert read(text, " 第一行\n第二行 ") == "第一行\n第二行"
    assert refusal(text, "字" * 11) == ("text_too_long", {"max": 10, "length": 11})
    assert refusal(item("text"), "字" * (TEXT_LONGEST + 1))[0] == "text_too_long"
    assert refusal(item("text", min_length=3), "ab")[0] == "text_too_short"


def test_a_file_is_taken_only_where_the_item_says_so() -> None:
    evidence, plain = item("text", accepts_file=True, max_length=5), item("text")
    kind = kind_of(evidence)
    files = json.dumps([{"file_id": "f1", "name": "证明.pdf"}], ensure_ascii=False)
    assert kind.takes_files(evidence) and not kind.takes_files(plain)
    assert kind.attach(evidence, "营业执照扫描件", files) == Answer("营业执照扫", files)
    with pytest.raises(AnswerError, match="no_files_here"):
        kind.attach(plain, "x", files)
    assert kind.display(evidence, Answer("执照", files), EN) == "执照 (files: 证明.pdf)"
    assert kind.prompt(plain, EN, {}) == "Please type your answer."
    assert kind.widget is Widget.TYPED and kind.hint(plain, EN) == ""
