"""Typed text (or data such as ANSWERS.json) → an answer for one item, or an AnswerError saying why not.

The front door of the field kinds (bot/interview/kinds/): each kind reads its own answers; the text passes the
boundary (bot.interview.typed.clean) and the kind's length limit first.  Today's date is always passed in (a
date's range and "not in the future"): the core never reads the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.interview.answer import Answer
from bot.interview.kinds import kind_of
from bot.interview.schema import Item


def parse_answer(item: Item, raw: str, answers: Mapping[str, Answer], today: date) -> Answer:
    """Turn typed text into an answer for `item`, or raise AnswerError.

    The text passes the boundary first (bot.interview.typed.clean) and is refused when it is longer than the item
    can take, before any pattern runs: every parser is linear in what is left.
    """
    return kind_of(item).read(item, raw, answers, today)


def answer_from_value(item: Item, value: Any, today: date) -> Answer:
    """Accept an answer given as data (ANSWERS.json, carried-over values): 1-based option numbers or ids."""
    return kind_of(item).from_value(item, value, today)
