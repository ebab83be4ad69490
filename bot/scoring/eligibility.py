"""The eligibility rule (hangzhou-eligibility): eligible unless a declared reason applies.

Reasons and notes are conditions in the form file; this module only evaluates them.  A reason whose inputs are
not all answered yet does not apply (the outcome is provisional until the interview ends).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.interview import derived
from bot.interview.answer import Answer
from bot.interview.conditions import is_true, names_in, render_message
from bot.interview.schema import Condition, EligibilityRule, Form
from bot.scoring.registry import Rule


@dataclass(frozen=True)
class Outcome:
    code: str
    message: str


@dataclass(frozen=True)
class EligibilityEvaluation:
    eligible: bool
    reasons: tuple[Outcome, ...]
    notes: tuple[Outcome, ...]
    size_class: str | None
    above_designated_size: bool | None


def _applying(conditions: tuple[Condition, ...], values: Mapping[str, Any]) -> tuple[Outcome, ...]:
    return tuple(
        Outcome(c.code, render_message(c.message, values))
        for c in conditions
        if names_in(c.when) <= values.keys() and is_true(c.when, values)
    )


def evaluate(rule: EligibilityRule, values: Mapping[str, Any]) -> EligibilityEvaluation:
    """`values`: the answers and computed values (bot.interview.derived.values)."""
    reasons = _applying(rule.reasons, values)
    size = values.get("size_class")
    above = values.get("above_designated_size")
    return EligibilityEvaluation(
        eligible=not reasons,
        reasons=reasons,
        notes=_applying(rule.notes, values),
        size_class=None if size is None else str(size),
        above_designated_size=None if above is None else bool(above),
    )


# --- the rule, as bot.scoring finds it ------------------------------------------------------------------------


def _evaluate(form: Form, shown: Mapping[str, Answer]) -> EligibilityEvaluation:
    assert isinstance(form.scoring, EligibilityRule)
    return evaluate(form.scoring, derived.values(form, shown))


def to_json(form: Form, evaluation: EligibilityEvaluation) -> dict[str, Any]:
    return {
        "form": form.id,
        "eligible": evaluation.eligible,
        "reasons": [r.code for r in evaluation.reasons],
        "reason_texts": [r.message for r in evaluation.reasons],
        "notes": [n.code for n in evaluation.notes],
        "size_class": evaluation.size_class,
        "above_designated_size": evaluation.above_designated_size,
    }


RULE = Rule(name="eligibility", evaluate=_evaluate, scored_items=lambda form: frozenset(), to_json=to_json)
