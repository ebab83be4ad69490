"""The weighted-tree rule (MIIT 2022 self-assessment, SCORING.md §1).

Each node's weight is a percentage of its parent; a question's maximum is total × the product of the weights
on its path.  An answered question earns a fraction of its maximum: the rung of a single-choice ladder over the
top rung, or the share of substantive options ticked in a multiple choice.  Everything is a Fraction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import Any

from bot.interview.answer import Answer
from bot.interview.schema import Form, Item, Level, MultiChoice, SingleChoice, TreeNode, WeightedTreeScoring
from bot.scoring.levels import level_for
from bot.scoring.registry import Rule, num


@dataclass(frozen=True)
class NodeScore:
    """A group (dimension, indicator) or a question, with its points and its maximum.

    Points are kept as integers over the form's common denominator (exact, and cheap to add up); `points` and
    `maximum` give them as Fractions.
    """

    id: str
    name: str | None
    depth: int
    units: int
    max_units: int
    denominator: int
    #: for a leaf, the item it scores; None for a group
    item: str | None
    #: whether every question under this node is answered
    complete: bool
    children: tuple[NodeScore, ...] = ()

    @property
    def points(self) -> Fraction:
        return Fraction(self.units, self.denominator)

    @property
    def maximum(self) -> Fraction:
        return Fraction(self.max_units, self.denominator)

    def walk(self) -> Iterator[NodeScore]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class TreeEvaluation:
    total: Fraction
    maximum: Fraction
    level: Level
    nodes: tuple[NodeScore, ...]
    #: the lowest and highest final score still possible given the unanswered questions
    low: Fraction
    high: Fraction
    low_level: Level
    high_level: Level

    @property
    def items(self) -> dict[str, NodeScore]:
        return {n.item: n for top in self.nodes for n in top.walk() if n.item is not None}


def maxima(rule: WeightedTreeScoring) -> dict[str, Fraction]:
    """Each scored item's maximum points."""
    out: dict[str, Fraction] = {}

    def visit(node: TreeNode, share: Fraction) -> None:
        mine = share * node.weight / 100
        if node.item is not None:
            out[node.item] = mine
        for child in node.children:
            visit(child, mine)

    for top in rule.tree:
        visit(top, Fraction(rule.total))
    return out


# --- the compiled plan: the tree's arithmetic done once per form, answers scored in integers ----------------


@dataclass(frozen=True)
class _Node:
    id: str
    name: str | None
    depth: int
    #: the maximum in units of 1/denominator
    maximum: int
    item: str | None
    children: tuple[_Node, ...]


@dataclass(frozen=True)
class _Plan:
    """Every possible leaf score as an integer over one common denominator, so scoring is integer addition."""

    denominator: int
    nodes: tuple[_Node, ...]
    #: single choice: option id → points; multiple choice: points per substantive option ticked
    single: dict[str, dict[str, int]]
    per_tick: dict[str, tuple[int, frozenset[str]]]
    levels: tuple[Level, ...]
    #: every scored item with its maximum (units)
    leaves: tuple[tuple[str, int], ...]




def _plan(rule: WeightedTreeScoring, items: Mapping[str, Item]) -> _Plan:
    cached = rule.memos.get("plan")
    if isinstance(cached, _Plan):
        return cached
    top = maxima(rule)
    exact: dict[str, dict[str, Fraction]] = {}
    ticks: dict[str, tuple[Fraction, frozenset[str]]] = {}
    for item_id, maximum in top.items():
        item = items[item_id]
        if isinstance(item, SingleChoice):
            highest = max(o.rung or 0 for o in item.options)
            exact[item_id] = {o.id: maximum * Fraction(o.rung or 0, highest) for o in item.options}
        elif isinstance(item, MultiChoice):
            substantive = frozenset(o.id for o in item.substantive)
            ticks[item_id] = (maximum / len(substantive), substantive)
    denominators = [f.denominator for f in top.values()]
    denominators += [f.denominator for options in exact.values() for f in options.values()]
    denominators += [f.denominator for f, _ in ticks.values()]
    d = lcm(*denominators)

    def as_int(value: Fraction) -> int:
        return int(value * d)

    def build(node: TreeNode, share: Fraction, depth: int) -> _Node:
        maximum = share * node.weight / 100
        children = tuple(build(c, maximum, depth + 1) for c in node.children)
        return _Node(node.item or node.id or "", node.name, depth, as_int(maximum), node.item, children)

    plan = _Plan(
        denominator=d,
        nodes=tuple(build(n, Fraction(rule.total), 0) for n in rule.tree),
        single={k: {o: as_int(v) for o, v in opts.items()} for k, opts in exact.items()},
        per_tick={k: (as_int(unit), subs) for k, (unit, subs) in ticks.items()},
        levels=rule.levels,
        leaves=tuple((item_id, as_int(maximum)) for item_id, maximum in top.items()),
    )
    rule.memos["plan"] = plan
    return plan


def _level(plan: _Plan, score: Fraction) -> Level:
    return level_for(plan.levels, score)


@dataclass(frozen=True)
class RunningScore:
    """Just the figures shown after each answer: points so far and the final range still open."""

    total: Fraction
    low: Fraction
    high: Fraction
    level: Level
    low_level: Level
    high_level: Level


def running(rule: WeightedTreeScoring, items: Mapping[str, Item], answers: Mapping[str, Answer]) -> RunningScore:
    """The running view without the per-node breakdown (the hot path: computed after every answer)."""
    plan = _plan(rule, items)
    got = 0
    open_max = 0
    for item_id, maximum in plan.leaves:
        answer = answers.get(item_id)
        if answer is None:
            open_max += maximum
        elif answer.value is not None:
            if item_id in plan.single:
                got += plan.single[item_id][answer.value]
            else:
                unit, substantive = plan.per_tick[item_id]
                got += unit * len(substantive.intersection(answer.value))
    total = Fraction(got, plan.denominator)
    high = Fraction(got + open_max, plan.denominator)
    level = _level(plan, total)
    return RunningScore(total, total, high, level, level, _level(plan, high))


def evaluate(rule: WeightedTreeScoring, items: Mapping[str, Item], answers: Mapping[str, Answer]) -> TreeEvaluation:
    """Score `answers` (already limited to visible items) under the tree."""
    plan = _plan(rule, items)
    d = plan.denominator

    def leaf_points(item_id: str, answer: Answer) -> int:
        if answer.value is None:
            return 0
        if item_id in plan.single:
            return plan.single[item_id][answer.value]
        unit, substantive = plan.per_tick[item_id]
        return unit * len(substantive.intersection(answer.value))

    open_max = 0

    def visit(node: _Node) -> NodeScore:
        nonlocal open_max
        if node.item is not None:
            answer = answers.get(node.item)
            if answer is None:
                open_max += node.maximum
                return NodeScore(node.id, None, node.depth, 0, node.maximum, d, node.item, False)
            got = leaf_points(node.item, answer)
            return NodeScore(node.id, None, node.depth, got, node.maximum, d, node.item, True)
        children = tuple(visit(c) for c in node.children)
        return NodeScore(node.id, node.name, node.depth, sum(c.units for c in children), node.maximum, d, None,
                         all(c.complete for c in children), children)

    nodes = tuple(visit(top) for top in plan.nodes)
    total = Fraction(sum(n.units for n in nodes), d)
    high = total + Fraction(open_max, d)
    level = _level(plan, total)
    return TreeEvaluation(
        total=total,
        maximum=Fraction(rule.total),
        level=level,
        nodes=nodes,
        low=total,
        high=high,
        low_level=level,
        high_level=_level(plan, high),
    )


# --- the rule, as bot.scoring finds it ------------------------------------------------------------------------


def _rule(form: Form) -> WeightedTreeScoring:
    assert isinstance(form.scoring, WeightedTreeScoring)
    return form.scoring


def to_json(form: Form, evaluation: TreeEvaluation) -> dict[str, Any]:
    return {
        "form": form.id,
        "total": num(evaluation.total),
        "level": evaluation.level.level,
        "level_name": evaluation.level.name,
        "complete": evaluation.low == evaluation.high,
        "low": num(evaluation.low),
        "high": num(evaluation.high),
        "dimensions": [{"id": n.id, "name": n.name, "points": num(n.points), "max": num(n.maximum)}
                       for n in evaluation.nodes],
        "indicators": [{"id": c.id, "name": c.name, "dimension": n.id, "points": num(c.points),
                        "max": num(c.maximum)} for n in evaluation.nodes for c in n.children],
        "questions": {node.id: num(node.points) for top in evaluation.nodes for node in top.walk()
                      if node.depth >= 2},
    }


RULE = Rule(
    name="weighted_tree",
    evaluate=lambda form, shown: evaluate(_rule(form), form.index, shown),
    scored_items=lambda form: frozenset(maxima(_rule(form))),
    to_json=to_json,
    running=lambda form, shown: running(_rule(form), form.index, shown),
)
