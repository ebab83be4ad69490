"""Scoring: pure functions of a form's answers.  One module per rule; `evaluate` picks the form's rule."""

from __future__ import annotations

from collections.abc import Mapping

from bot.interview.engine import Answer, visible_answers
from bot.interview.schema import Form, WeightedTreeScoring
from bot.scoring import weighted_tree
from bot.scoring.weighted_tree import TreeEvaluation

Evaluation = TreeEvaluation


def evaluate(form: Form, answers: Mapping[str, Answer]) -> Evaluation | None:
    """The form's evaluation for the answers given so far (None for a form that is not scored).

    Answers of items hidden by a condition do not count.  With unanswered items the result also carries the
    lowest and highest final score still possible (`low`, `high`) and the levels they imply.
    """
    rule = form.scoring
    if rule is None:
        return None
    shown = visible_answers(form, answers)
    if isinstance(rule, WeightedTreeScoring):
        return weighted_tree.evaluate(rule, form.index, shown)
    raise TypeError(f"unknown scoring rule {rule!r}")  # pragma: no cover
