"""An evaluation as JSON-ready data (numbers rounded to 2 decimals for display)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.interview.answer import Answer
from bot.interview.schema import Form
from bot.scoring import evaluate, rule_of


def evaluation_to_json(form: Form, answers: Mapping[str, Answer]) -> dict[str, Any]:
    """The evaluation of `answers` as the form's rule writes it (each rule module's `to_json`)."""
    rule = rule_of(form)
    evaluation = evaluate(form, answers)
    if rule is None or evaluation is None:
        return {"form": form.id, "scored": False}
    return rule.to_json(form, evaluation)
