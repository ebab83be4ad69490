"""An evaluation as JSON-ready data (numbers rounded to 2 decimals for display)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.interview.engine import Answer
from bot.interview.schema import Form
from bot.scoring import evaluate
from bot.scoring.levels import rounded


def _num(value: Any) -> float:
    return float(rounded(value))


def evaluation_to_json(form: Form, answers: Mapping[str, Answer]) -> dict[str, Any]:
    evaluation = evaluate(form, answers)
    if evaluation is None:
        return {"form": form.id, "scored": False}
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
