"""The points rubric (Heilongjiang benchmark, SCORING.md §2): a yes earns the indicator's points.

Second-level groups are gated: each must score above 0, or the application cannot go on to review.  A group whose
indicators are all answered "no" can no longer score, which the interview tells the person at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from bot.interview.answer import Answer
from bot.interview.schema import Form, PointsRubric, RubricGroup
from bot.scoring.registry import Rule, num
from bot.scoring.types import AnswerLike


@dataclass(frozen=True)
class GroupScore:
    id: str
    name: str
    section: str
    points: Fraction
    maximum: Fraction
    #: "至少符合其中一项": at least one indicator is yes
    any_yes: bool
    #: every indicator answered no: the group can no longer score above 0
    lost: bool


@dataclass(frozen=True)
class SectionScore:
    id: str
    name: str
    points: Fraction
    maximum: Fraction


@dataclass(frozen=True)
class RubricEvaluation:
    base: Fraction
    bonus: Fraction
    total: Fraction
    maximum: Fraction
    sections: tuple[SectionScore, ...]
    groups: tuple[GroupScore, ...]
    #: every group scores above 0 (unanswered indicators count as no)
    gate_passed: bool
    #: the groups scoring 0, by name
    failing: tuple[str, ...]
    #: the lowest and highest final total still possible
    low: Fraction
    high: Fraction
    #: the items of each group, by group id
    group_items: dict[str, frozenset[str]]

    @property
    def lost(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.groups if g.lost)


def _yes(answers: Mapping[str, AnswerLike], item_id: str) -> bool | None:
    answer = answers.get(item_id)
    return None if answer is None or answer.value is None else bool(answer.value)


def _group(group: RubricGroup, section: str, answers: Mapping[str, AnswerLike]) -> tuple[GroupScore, Fraction]:
    said = {i.item: _yes(answers, i.item) for i in group.items}
    points = sum((Fraction(i.points) for i in group.items if said[i.item]), Fraction(0))
    open_points = sum((Fraction(i.points) for i in group.items if said[i.item] is None), Fraction(0))
    lost = all(v is False for v in said.values())
    return GroupScore(group.id, group.name, section, points, Fraction(group.max), points > 0, lost), open_points


def evaluate(rule: PointsRubric, answers: Mapping[str, AnswerLike]) -> RubricEvaluation:
    groups: list[GroupScore] = []
    sections: list[SectionScore] = []
    open_base = Fraction(0)
    for section in rule.sections:
        scored = [_group(g, section.name, answers) for g in section.groups]
        groups.extend(g for g, _ in scored)
        open_base += sum((o for _, o in scored), Fraction(0))
        sections.append(SectionScore(section.id, section.name, sum((g.points for g, _ in scored), Fraction(0)),
                                     Fraction(section.max)))
    base = sum((s.points for s in sections), Fraction(0))
    cap = Fraction(rule.bonus_cap)
    raw_bonus = sum((Fraction(b.points) for b in rule.bonus if _yes(answers, b.item)), Fraction(0))
    open_bonus = sum((Fraction(b.points) for b in rule.bonus if _yes(answers, b.item) is None), Fraction(0))
    bonus = min(raw_bonus, cap)
    failing = tuple(g.name for g in groups if g.points == 0) if rule.gate else ()
    maximum = sum((s.maximum for s in sections), Fraction(0)) + cap
    return RubricEvaluation(
        base=base,
        bonus=bonus,
        total=base + bonus,
        maximum=maximum,
        sections=tuple(sections),
        groups=tuple(groups),
        gate_passed=not failing,
        failing=failing,
        low=base + bonus,
        high=base + open_base + min(raw_bonus + open_bonus, cap),
        group_items={g.id: frozenset(i.item for i in g.items) for s in rule.sections for g in s.groups},
    )


# --- the rule, as bot.scoring finds it ------------------------------------------------------------------------


def _evaluate(form: Form, shown: Mapping[str, Answer]) -> RubricEvaluation:
    assert isinstance(form.scoring, PointsRubric)
    return evaluate(form.scoring, shown)


def _scored_items(form: Form) -> frozenset[str]:
    rule = form.scoring
    assert isinstance(rule, PointsRubric)
    return frozenset(i.item for s in rule.sections for g in s.groups for i in g.items) | frozenset(
        b.item for b in rule.bonus)


def to_json(form: Form, evaluation: RubricEvaluation) -> dict[str, Any]:
    return {
        "form": form.id,
        "base": num(evaluation.base),
        "bonus": num(evaluation.bonus),
        "total": num(evaluation.total),
        "gate_passed": evaluation.gate_passed,
        "failing": list(evaluation.failing),
        "sections": [{"id": s.id, "name": s.name, "points": num(s.points), "max": num(s.maximum)}
                     for s in evaluation.sections],
        "groups": [{"id": g.id, "name": g.name, "points": num(g.points), "max": num(g.maximum),
                    "any_yes": g.any_yes} for g in evaluation.groups],
    }


RULE = Rule(name="points", evaluate=_evaluate, scored_items=_scored_items, to_json=to_json, running=_evaluate)
