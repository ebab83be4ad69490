"""Properties of the miit-2022 rubric, over answer sets and answering orders drawn by hypothesis."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.interview import engine
from bot.interview.answer import Answer
from bot.interview.dump import answers_from_json
from bot.interview.engine import Edit, Skip, Text
from bot.interview.loader import load_forms
from bot.interview.schema import MultiChoice, SingleChoice
from bot.scoring import evaluate
from tests.today import TODAY

MIIT = load_forms()["miit-2022"]
SCORED = [i for i in MIIT.items if isinstance(i, SingleChoice | MultiChoice)]


def typed(item: SingleChoice | MultiChoice, value: Any) -> str:
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


@st.composite
def answer_for(draw: st.DrawFn, item: SingleChoice | MultiChoice) -> Any:
    if isinstance(item, SingleChoice):
        return draw(st.integers(1, len(item.options)))
    substantive = [n for n, o in enumerate(item.options, 1) if not o.exclusive]
    return sorted(draw(st.sets(st.sampled_from(substantive))))  # [] = 以上均无


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    return {item.id: draw(answer_for(item)) for item in SCORED}


def as_text(item_id: str, value: Any) -> str:
    item = MIIT.item(item_id)
    if isinstance(item, MultiChoice) and value == []:
        return str(next(n for n, o in enumerate(item.options, 1) if o.exclusive))
    return typed(item, value)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(final=answer_sets(), first=answer_sets(), data=st.data())
def test_any_order_and_edits_give_the_same_total(final: dict[str, Any], first: dict[str, Any],
                                                 data: st.DataObject) -> None:
    """Answer some items with throw-away values, everything in a random order through the engine's review-edit
    path, then the final values: the total equals scoring the final answers given once."""
    once = evaluate(MIIT, answers_from_json(MIIT, final, TODAY))
    assert once is not None
    state = engine.start(MIIT)
    # walk the interview once linearly with the throw-away answers (skipping optional follow-ups)
    while state.cursor is not None:
        item_id = state.cursor
        event = Skip() if not MIIT.item(item_id).required else Text(as_text(item_id, first[item_id]))
        state = engine.apply(MIIT, state, event, TODAY).state
    # then edit every item, in a random order, to its final value
    order = data.draw(st.permutations([i.id for i in SCORED]))
    for item_id in order:
        state = engine.apply(MIIT, state, Edit(item_id), TODAY).state
        step = engine.apply(MIIT, state, Text(as_text(item_id, final[item_id])), TODAY)
        assert step.error is None
        state = step.state
    result = evaluate(MIIT, state.answers)
    assert result is not None and result.total == once.total and result.level == once.level


@settings(max_examples=80, deadline=None)
@given(final=answer_sets(), data=st.data())
def test_running_bounds_bracket_the_final_total(final: dict[str, Any], data: st.DataObject) -> None:
    answers = answers_from_json(MIIT, final, TODAY)
    final_eval = evaluate(MIIT, answers)
    assert final_eval is not None
    order = data.draw(st.permutations(list(answers)))
    so_far: dict[str, Answer] = {}
    previous_low, previous_high = None, None
    for item_id in order:
        so_far[item_id] = answers[item_id]
        running = evaluate(MIIT, so_far)
        assert running is not None
        assert running.low <= final_eval.total <= running.high
        assert running.low_level.min <= final_eval.level.min <= running.high_level.min
        if previous_low is not None and previous_high is not None:
            assert running.low >= previous_low and running.high <= previous_high  # the range only narrows
        previous_low, previous_high = running.low, running.high
    assert running.low == running.high == final_eval.total


@settings(max_examples=60, deadline=None)
@given(final=answer_sets(), data=st.data())
def test_running_figures_equal_the_full_evaluation(final: dict[str, Any], data: st.DataObject) -> None:
    from bot.scoring import running

    answers = answers_from_json(MIIT, final, TODAY)
    kept = data.draw(st.sets(st.sampled_from(sorted(answers))))
    partial = {k: v for k, v in answers.items() if k in kept}
    full, quick = evaluate(MIIT, partial), running(MIIT, partial)
    assert full is not None and quick is not None
    assert (quick.total, quick.low, quick.high) == (full.total, full.low, full.high)
    assert (quick.level, quick.low_level, quick.high_level) == (full.level, full.low_level, full.high_level)
