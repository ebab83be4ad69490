"""What a scoring rule module provides, so that `bot.scoring` finds it by the name a form gives (`scoring.rule`).

A rule is one module (weighted_tree, points, eligibility, miit2024) ending in `RULE = Rule(...)`: adding a rule is
that module, its tests and golden files, and one line in `bot.scoring.RULES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.interview.answer import Answer
from bot.interview.schema import Form
from bot.scoring.levels import rounded


@dataclass(frozen=True)
class Rule:
    #: the `rule:` a form's scoring names
    name: str
    #: the form's evaluation of the answers shown (hidden items' answers already left out)
    evaluate: Callable[[Form, Mapping[str, Answer]], Any]
    #: the items whose answers move the score
    scored_items: Callable[[Form], frozenset[str]]
    #: the evaluation as JSON-ready data (`python -m bot score`)
    to_json: Callable[[Form, Any], dict[str, Any]]
    #: the cheap figures shown after each answer (None: the rule shows none while answering)
    running: Callable[[Form, Mapping[str, Answer]], Any] | None = None


def num(value: Any) -> float:
    """A figure for JSON: rounded half up to 2 decimals."""
    return float(rounded(value))
