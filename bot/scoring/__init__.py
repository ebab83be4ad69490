"""Scoring: pure functions of a form's answers.  One module per rule; `evaluate` picks the form's rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.interview import derived
from bot.interview.answer import Answer
from bot.interview.engine import visible_answers
from bot.interview.schema import EligibilityRule, Form, Miit2024Scoring, PointsRubric, WeightedTreeScoring
from bot.scoring import eligibility, miit2024, points, weighted_tree
from bot.scoring.eligibility import EligibilityEvaluation
from bot.scoring.miit2024 import Miit2024Evaluation
from bot.scoring.points import RubricEvaluation
from bot.scoring.weighted_tree import RunningScore, TreeEvaluation

Evaluation = TreeEvaluation | RubricEvaluation | EligibilityEvaluation | Miit2024Evaluation


def evaluate(form: Form, answers: Mapping[str, Answer]) -> Evaluation | None:
    """The form's evaluation for the answers given so far (None for a form that is not scored).

    Answers of items hidden by a condition do not count.  With unanswered items a scored result also carries the
    lowest and highest final score still possible (`low`, `high`).
    """
    rule = form.scoring
    if rule is None:
        return None
    shown = visible_answers(form, answers)
    if isinstance(rule, WeightedTreeScoring):
        return weighted_tree.evaluate(rule, form.index, shown)
    if isinstance(rule, PointsRubric):
        return points.evaluate(rule, shown)
    if isinstance(rule, EligibilityRule):
        return eligibility.evaluate(rule, derived.values(form, shown))
    if isinstance(rule, Miit2024Scoring):  # hook
        return miit2024.evaluate(form, rule, shown)
    raise TypeError(f"unknown scoring rule {rule!r}")  # pragma: no cover


def scored_items(form: Form) -> frozenset[str]:
    """The items whose answers move the score (the running score is shown after these)."""
    found = form.memos.get("scored_items")
    if found is None:
        found = form.memos["scored_items"] = _scored_items(form)
    assert isinstance(found, frozenset)
    return found


def running(form: Form, answers: Mapping[str, Answer]
            ) -> RunningScore | RubricEvaluation | Miit2024Evaluation | None:
    """The figures shown after each answer (points so far, the final range still open), computed cheaply."""
    rule = form.scoring
    if isinstance(rule, WeightedTreeScoring):
        return weighted_tree.running(rule, form.index, visible_answers(form, answers))
    if isinstance(rule, PointsRubric):
        return points.evaluate(rule, visible_answers(form, answers))
    if isinstance(rule, Miit2024Scoring):  # hook
        return miit2024.running(form, rule, visible_answers(form, answers))
    return None


def _scored_items(form: Form) -> frozenset[str]:
    rule = form.scoring
    if isinstance(rule, WeightedTreeScoring):
        return frozenset(weighted_tree.maxima(rule))
    if isinstance(rule, PointsRubric):
        return frozenset(i.item for s in rule.sections for g in s.groups for i in g.items) | frozenset(
            b.item for b in rule.bonus)
    if isinstance(rule, Miit2024Scoring):  # hook
        return miit2024.scored_items(rule)
    return frozenset()


def lost_groups(form: Form, answers: Mapping[str, Answer], change: Any) -> tuple[str, ...]:
    """Gated groups that the change just made unable to score (warned about once, when it happens)."""
    rule = form.scoring
    if not isinstance(rule, PointsRubric) or change.new is None or change.new.value is not False:
        return ()
    evaluation = points.evaluate(rule, visible_answers(form, answers))
    return tuple(g.name for g in evaluation.groups if g.lost and change.item_id in _group_items(g.id, evaluation))


def _group_items(group_id: str, evaluation: RubricEvaluation) -> frozenset[str]:
    return evaluation.group_items.get(group_id, frozenset())
