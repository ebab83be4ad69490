"""Every item of every form against hostile text: the engine accepts or refuses with a reason (a message exists
for the refusal), never raises; what it accepts holds no control character and survives JSON; no validator reads
more than the item's cap.  (Speed: benchmarks/fuzz.py runs 100,000 inputs and prints the slowest.)

Bounded for CI: a few hundred examples per form, a few seconds each."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.interview import engine, parsing, validators
from bot.interview.errors import AnswerError
from bot.interview.kinds.text import TEXT_LONGEST
from bot.interview.loader import load_forms
from bot.interview.schema import Form, GroupItem, Item
from bot.texts import ERRORS
from tests.interview.hostile import hostile_text

TODAY = date(2026, 11, 27)
FORMS = load_forms()
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def every_item(form: Form) -> list[tuple[Item, GroupItem | None]]:
    found: list[tuple[Item, GroupItem | None]] = []
    for item in form.items:
        found.append((item, None))
        if isinstance(item, GroupItem):
            found.extend((f, item) for f in item.fields)
    return found


def stored(value: Any) -> None:
    json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        assert not _CONTROL.search(value.replace("\n", "").replace("\t", "")), repr(value)
    elif isinstance(value, list):
        for v in value:
            stored(v)
    elif isinstance(value, dict):
        for v in value.values():
            stored(v)


@pytest.fixture(autouse=True)
def capped_validators(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record how long a text any validator gets: never more than the longest cap (a 4 KB free text)."""
    seen: list[int] = []
    for name in validators.__all__:
        if name.startswith("parse_"):
            original = getattr(validators, name)
            monkeypatch.setattr(validators, name,
                                lambda text, *a, _f=original, **k: (seen.append(len(text)), _f(text, *a, **k))[1])
    return seen


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_every_item_accepts_or_refuses_with_a_reason(form_id: str, capped_validators: list[int]) -> None:
    form = FORMS[form_id]
    items = every_item(form)
    start = engine.start(form)

    @settings(max_examples=400, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        item, group = data.draw(st.sampled_from(items), label="item")
        text = data.draw(hostile_text(item), label="text")
        try:
            answer = parsing.parse_answer(item, text, start.answers, TODAY)
        except AnswerError as exc:
            assert exc.code in ERRORS or exc.code == "check_failed", exc.code
        else:
            stored(answer.value)
            stored(answer.extra)
        if group is None:  # the same text through the engine, at that item
            step = engine.apply(form, replace(start, cursor=item.id), engine.Text(text), TODAY)
            if step.error is not None:
                assert step.error.code in ERRORS or step.error.code == "check_failed", step.error.code
            else:
                for a in step.state.answers.values():
                    stored(a.value)
        assert max(capped_validators, default=0) <= TEXT_LONGEST
        capped_validators.clear()

    check()
