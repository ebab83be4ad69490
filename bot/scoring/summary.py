"""An evaluation as JSON-ready data (numbers rounded to 2 decimals for display)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.interview.answer import Answer
from bot.interview.schema import Form
from bot.scoring import evaluate, miit2024
from bot.scoring.eligibility import EligibilityEvaluation
from bot.scoring.levels import rounded
from bot.scoring.points import RubricEvaluation


def _num(value: Any) -> float:
    return float(rounded(value))


def evaluation_to_json(form: Form, answers: Mapping[str, Answer]) -> dict[str, Any]:
    evaluation = evaluate(form, answers)
    if evaluation is None:
        return {"form": form.id, "scored": False}
    if isinstance(evaluation, miit2024.Miit2024Evaluation):  # hook
        return miit2024.to_json(form, evaluation)
    if isinstance(evaluation, RubricEvaluation):
        return {
            "form": form.id,
            "base": _num(evaluation.base),
            "bonus": _num(evaluation.bonus),
            "total": _num(evaluation.total),
            "gate_passed": evaluation.gate_passed,
            "failing": list(evaluation.failing),
            "sections": [{"id": s.id, "name": s.name, "points": _num(s.points), "max": _num(s.maximum)}
                         for s in evaluation.sections],
            "groups": [{"id": g.id, "name": g.name, "points": _num(g.points), "max": _num(g.maximum),
                        "any_yes": g.any_yes} for g in evaluation.groups],
        }
    if isinstance(evaluation, EligibilityEvaluation):
        return {
            "form": form.id,
            "eligible": evaluation.eligible,
            "reasons": [r.code for r in evaluation.reasons],
            "reason_texts": [r.message for r in evaluation.reasons],
            "notes": [n.code for n in evaluation.notes],
            "size_class": evaluation.size_class,
            "above_designated_size": evaluation.above_designated_size,
        }
    dimensions = [
        {"id": n.id, "name": n.name, "points": _num(n.points), "max": _num(n.maximum)} for n in evaluation.nodes
    ]
    indicators = [
        {"id": c.id, "name": c.name, "dimension": n.id, "points": _num(c.points), "max": _num(c.maximum)}
        for n in evaluation.nodes
        for c in n.children
    ]
    questions = {
        node.id: _num(node.points)
        for top in evaluation.nodes
        for node in top.walk()
        if node.depth >= 2
    }
    return {
        "form": form.id,
        "total": _num(evaluation.total),
        "level": evaluation.level.level,
        "level_name": evaluation.level.name,
        "complete": evaluation.low == evaluation.high,
        "low": _num(evaluation.low),
        "high": _num(evaluation.high),
        "dimensions": dimensions,
        "indicators": indicators,
        "questions": questions,
    }
