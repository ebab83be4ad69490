"""The weighted-tree rule (MIIT 2022 self-assessment, SCORING.md §1).

Each node's weight is a percentage of its parent; a question's maximum is total × the product of the weights
on its path.  An answered question earns a fraction of its maximum: the rung of a single-choice ladder over the
top rung, or the share of substantive options ticked in a multiple choice.  Everything is a Fraction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction

from bot.interview.engine import Answer
from bot.interview.schema import Item, Level, MultiChoice, SingleChoice, TreeNode, WeightedTreeScoring
from bot.scoring.levels import level_for


@dataclass(frozen=True)
class NodeScore:
    """A group (dimension, indicator) or a question, with its points and its maximum."""

    id: str
    name: str | None
    depth: int
    points: Fraction
    maximum: Fraction
    #: for a leaf, the item it scores; None for a group
    item: str | None
    #: whether every question under this node is answered
    complete: bool
    children: tuple[NodeScore, ...] = ()

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


def item_fraction(item: Item, answer: Answer) -> Fraction:
    """The share of an item's maximum an answer earns (0 for a skipped item)."""
    if answer.value is None:
        return Fraction(0)
    if isinstance(item, SingleChoice):
        top = max(o.rung or 0 for o in item.options)
        rung = item.option(answer.value).rung or 0
        return Fraction(rung, top)
    if isinstance(item, MultiChoice):
        substantive = {o.id for o in item.substantive}
        ticked = len(substantive.intersection(answer.value))
        return Fraction(ticked, len(substantive))
    raise TypeError(f"item {item.id} of type {item.type} cannot be scored by the weighted tree")


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


def evaluate(rule: WeightedTreeScoring, items: Mapping[str, Item], answers: Mapping[str, Answer]) -> TreeEvaluation:
    """Score `answers` (already limited to visible items) under the tree."""

    def visit(node: TreeNode, share: Fraction, depth: int) -> NodeScore:
        maximum = share * node.weight / 100
        if node.item is not None:
            answer = answers.get(node.item)
            points = Fraction(0) if answer is None else maximum * item_fraction(items[node.item], answer)
            return NodeScore(node.item, None, depth, points, maximum, node.item, answer is not None)
        children = tuple(visit(c, maximum, depth + 1) for c in node.children)
        return NodeScore(
            node.id or "",
            node.name,
            depth,
            sum((c.points for c in children), Fraction(0)),
            maximum,
            None,
            all(c.complete for c in children),
            children,
        )

    nodes = tuple(visit(top, Fraction(rule.total), 0) for top in rule.tree)
    total = sum((n.points for n in nodes), Fraction(0))
    open_max = sum(
        (n.maximum for top in nodes for n in top.walk() if n.item is not None and not n.complete), Fraction(0)
    )
    high = total + open_max
    return TreeEvaluation(
        total=total,
        maximum=Fraction(rule.total),
        level=level_for(rule.levels, total),
        nodes=nodes,
        low=total,
        high=high,
        low_level=level_for(rule.levels, total),
        high_level=level_for(rule.levels, high),
    )
