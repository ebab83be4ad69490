"""Scoring: pure functions of a form's answers.  One module per rule, found by the name a form's `scoring.rule`
gives (RULES); everything else asks the form's rule (`rule_of`) and never which rule it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.interview.answer import Answer
from bot.interview.engine import visible_answers
from bot.interview.schema import Form, RuleModel
from bot.scoring import eligibility, miit2024, points, weighted_tree
from bot.scoring.registry import Evaluation, Rule

__all__ = ["RULES", "Evaluation", "Rule", "evaluate", "level_profile", "lost_groups", "model_of", "offers_next",
           "rule_named", "rule_of", "running", "scored_items"]

#: every scoring rule, by the name a form's `scoring.rule` gives
RULES: dict[str, Rule] = {r.name: r for r in (weighted_tree.RULE, points.RULE, eligibility.RULE, miit2024.RULE)}


def model_of(name: Any) -> type[RuleModel]:
    """The model of the rule named `name` (a form's `scoring.rule`); an unknown name is refused, naming it."""
    rule = RULES.get(name) if isinstance(name, str) else None
    if rule is None:
        raise ValueError(f"unknown scoring rule {name!r} (known: {', '.join(RULES)})")
    return rule.model


def rule_of(form: Form) -> Rule | None:
    return None if form.scoring is None else RULES[form.scoring.rule]


def rule_named(evaluation: Evaluation) -> Rule:
    """The rule that made an evaluation (or running figures)."""
    return RULES[evaluation.rule]


def evaluate(form: Form, answers: Mapping[str, Answer]) -> Evaluation | None:
    """The form's evaluation for the answers given so far (None for a form that is not scored).

    Answers of items hidden by a condition do not count.  With unanswered items a scored result also carries the
    lowest and highest final score still possible (`low`, `high`).
    """
    rule = rule_of(form)
    if rule is None:
        return None
    return rule.evaluate(form, visible_answers(form, answers))


def scored_items(form: Form) -> frozenset[str]:
    """The items whose answers move the score (the running score is shown after these)."""
    found = form.memos.get("scored_items")
    if found is None:
        rule = rule_of(form)
        found = form.memos["scored_items"] = frozenset() if rule is None else rule.scored_items(form)
    assert isinstance(found, frozenset)
    return found


def running(form: Form, answers: Mapping[str, Answer]) -> Evaluation | None:
    """The figures shown after each answer (points so far, the final range still open), computed cheaply."""
    rule = rule_of(form)
    return None if rule is None else rule.running(form, visible_answers(form, answers))


def offers_next(form: Form, answers: Mapping[str, Answer]) -> bool:
    """Whether the interviews the form names next are offered after submission (not after a refused check)."""
    if not form.next:
        return False
    rule = rule_of(form)
    evaluation = evaluate(form, answers)
    return rule is None or evaluation is None or not rule.blocks_next(evaluation)


def level_profile(form: Form, answers: Mapping[str, Answer]) -> tuple[str, str] | None:
    """(profile key, "level<n>"): the level reached at submission as the enterprise profile keeps it, when the
    form's rule names a key for it."""
    rule = rule_of(form)
    key = rule.level_profile(form) if rule is not None else None
    evaluation = evaluate(form, answers) if key else None
    level = rule.level_of(evaluation) if rule is not None and evaluation is not None else None
    return None if key is None or level is None else (key, f"level{level}")


def lost_groups(form: Form, answers: Mapping[str, Answer], change: Any) -> tuple[str, ...]:
    """Groups that the change just made unable to score (warned about once, when it happens)."""
    rule = rule_of(form)
    return () if rule is None else rule.lost_groups(form, answers, change)
