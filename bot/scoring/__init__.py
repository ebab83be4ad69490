"""Scoring: pure functions of a form's answers.  One module per rule; `evaluate` picks the form's rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.interview.answer import Answer
from bot.interview.engine import visible_answers
from bot.interview.schema import Form, PointsRubric
from bot.scoring import eligibility, miit2024, points, weighted_tree
from bot.scoring.eligibility import EligibilityEvaluation
from bot.scoring.miit2024 import Miit2024Evaluation
from bot.scoring.points import RubricEvaluation
from bot.scoring.registry import Rule
from bot.scoring.weighted_tree import RunningScore, TreeEvaluation

Evaluation = TreeEvaluation | RubricEvaluation | EligibilityEvaluation | Miit2024Evaluation

#: every scoring rule, by the name a form's `scoring.rule` gives
RULES: dict[str, Rule] = {r.name: r for r in (weighted_tree.RULE, points.RULE, eligibility.RULE, miit2024.RULE)}


def rule_of(form: Form) -> Rule | None:
    return None if form.scoring is None else RULES[form.scoring.rule]


def evaluate(form: Form, answers: Mapping[str, Answer]) -> Evaluation | None:
    """The form's evaluation for the answers given so far (None for a form that is not scored).

    Answers of items hidden by a condition do not count.  With unanswered items a scored result also carries the
    lowest and highest final score still possible (`low`, `high`).
    """
    rule = rule_of(form)
    if rule is None:
        return None
    result: Evaluation = rule.evaluate(form, visible_answers(form, answers))
    return result


def scored_items(form: Form) -> frozenset[str]:
    """The items whose answers move the score (the running score is shown after these)."""
    found = form.memos.get("scored_items")
    if found is None:
        rule = rule_of(form)
        found = form.memos["scored_items"] = frozenset() if rule is None else rule.scored_items(form)
    assert isinstance(found, frozenset)
    return found


def running(form: Form, answers: Mapping[str, Answer]
            ) -> RunningScore | RubricEvaluation | Miit2024Evaluation | None:
    """The figures shown after each answer (points so far, the final range still open), computed cheaply."""
    rule = rule_of(form)
    if rule is None or rule.running is None:
        return None
    result: RunningScore | RubricEvaluation | Miit2024Evaluation = rule.running(form, visible_answers(form, answers))
    return result


def lost_groups(form: Form, answers: Mapping[str, Answer], change: Any) -> tuple[str, ...]:
    """Gated groups that the change just made unable to score (warned about once, when it happens)."""
    rule = form.scoring
    if not isinstance(rule, PointsRubric) or change.new is None or change.new.value is not False:
        return ()
    evaluation = points.evaluate(rule, visible_answers(form, answers))
    return tuple(g.name for g in evaluation.groups if g.lost and change.item_id in _group_items(g.id, evaluation))


def _group_items(group_id: str, evaluation: RubricEvaluation) -> frozenset[str]:
    return evaluation.group_items.get(group_id, frozenset())
