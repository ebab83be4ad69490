"""The weighted-tree rule (MIIT 2022 self-assessment, SCORING.md §1): its model, load-time checks, evaluation,
running figures, JSON summary, chat texts and report view.

Each node's weight is a percentage of its parent; a question's maximum is total × the product of the weights
on its path.  An answered question earns a fraction of its maximum: the rung of a single-choice ladder over the
top rung, or the share of substantive options ticked in a multiple choice.  Everything is a Fraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import lcm
from typing import Any, ClassVar, Literal

from pydantic import field_validator, model_validator

from bot.i18n import P_, Translator
from bot.interview.answer import Answer
from bot.interview.errors import FormError
from bot.interview.numbering import numbering
from bot.interview.schema import Form, Item, ItemId, Model, MultiChoice, RuleModel, SingleChoice
from bot.scoring.levels import Level, level_for
from bot.scoring.registry import (
    AnswerText,
    Rule,
    as_given,
    never,
    no_lost_groups,
    no_warnings,
    num,
    pts,
    questions_counted,
)
from bot.wording import Line, list_sep

#: how many items the "next level" advice lists
ADVICE_LIMIT = 5


# --- the model (a form's `scoring:` with `rule: weighted_tree`) ------------------------------------------------


class TreeNode(Model):
    """A node of a weighted scoring tree: either a group with children or a leaf naming an item."""

    id: str | None = None
    name: str | None = None
    item: ItemId | None = None
    #: percent of the parent; a fraction such as "100/3" is allowed
    weight: Fraction = Fraction(100)
    children: tuple[TreeNode, ...] = ()

    @field_validator("weight", mode="before")
    @classmethod
    def _fraction(cls, v: object) -> Fraction:
        if isinstance(v, Fraction):
            return v
        if isinstance(v, (int, str)):
            return Fraction(v)
        if isinstance(v, float):
            return Fraction(str(v))
        raise ValueError(f"weight must be a number, got {v!r}")

    @model_validator(mode="after")
    def _leaf_or_group(self) -> TreeNode:
        if (self.item is None) == (not self.children):
            raise ValueError("a tree node is either a leaf with `item` or a group with `children`")
        if self.item is None and not (self.id and self.name):
            raise ValueError("a group node needs an id and a name")
        return self


class WeightedTreeScoring(RuleModel):
    rule: Literal["weighted_tree"]
    total: Decimal = Decimal(100)
    #: the result is an estimate of an official figure (shown with `authority`)
    estimate: bool = False
    authority: str | None = None
    #: where a person gets the authoritative figure, in the source's words (附件4 备注: "可免费在线自评")
    authority_note: str | None = None
    levels: tuple[Level, ...]
    tree: tuple[TreeNode, ...]
    #: the enterprise-profile key that receives the level reached, as "level<n>" (the filing's self-test field)
    profile: str | None = None

    def sub_questions(self) -> Mapping[str, tuple[str, ...]]:
        return sub_questions(self.tree)


def sub_questions(tree: tuple[TreeNode, ...]) -> dict[str, tuple[str, ...]]:
    """Group nodes at the depth of the shallowest leaf (where questions stand), as {first item: their items}."""
    leaves: list[tuple[int, TreeNode]] = []
    groups: list[tuple[int, TreeNode]] = []

    def walk(nodes: tuple[TreeNode, ...], depth: int) -> None:
        for node in nodes:
            if node.item is not None:
                leaves.append((depth, node))
            else:
                groups.append((depth, node))
                walk(node.children, depth + 1)

    walk(tree, 0)
    if not leaves:
        return {}
    question_depth = min(d for d, _ in leaves)
    out: dict[str, tuple[str, ...]] = {}
    for depth, node in groups:
        if depth == question_depth and all(c.item is not None for c in node.children):
            items = tuple(c.item for c in node.children if c.item is not None)
            out[items[0]] = items
    return out


# --- load-time checks --------------------------------------------------------------------------------------------


def check(form: Form, path: str) -> None:
    """Weights add up to 100% under every node; every scored item is a choice that can be scored; levels start
    at 0 with distinct minima (FormError names what is wrong)."""
    rule = _rule(form)
    scored: set[str] = set()

    def check_group(name: str, children: Iterable[TreeNode]) -> None:
        kids = list(children)
        total = sum((c.weight for c in kids), Fraction(0))
        if total != 100:
            raise FormError(path, f"scoring: weights under {name} add up to {float(total):g}%, not 100%")
        for child in kids:
            if child.item is None:
                check_group(child.name or child.id or "?", child.children)
                continue
            if child.item not in form.index:
                raise FormError(path, "scoring refers to an unknown item", child.item)
            if child.item in scored:
                raise FormError(path, "item is scored twice", child.item)
            scored.add(child.item)
            item = form.item(child.item)
            if not isinstance(item, SingleChoice | MultiChoice):
                raise FormError(path, f"a {item.type} item cannot be scored by the weighted tree", item.id)
            if isinstance(item, SingleChoice) and any(o.rung is None for o in item.options):
                raise FormError(path, "every option of a scored single choice needs a rung", item.id)
            if isinstance(item, MultiChoice) and not item.substantive:
                raise FormError(path, "a scored multiple choice needs substantive options", item.id)

    check_group("the tree", rule.tree)
    levels = sorted(lv.min for lv in rule.levels)
    if not levels or levels[0] != 0 or len(set(levels)) != len(levels):
        raise FormError(path, "scoring levels must start at 0 and have distinct minima")


# --- evaluation -------------------------------------------------------------------------------------------------


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
    rule: ClassVar[str] = "weighted_tree"

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

    rule: ClassVar[str] = "weighted_tree"

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


# --- texts for the chat -------------------------------------------------------------------------------------


def score_line(evaluation: TreeEvaluation | RunningScore, tr: Translator) -> str:
    """"Score 42.10 · final 42.10–77.30 · 二级 sure, up to 三级" — the running view after an answer."""
    if evaluation.low == evaluation.high:
        return tr.ui("Score {total} · level {level}", total=pts(evaluation.total),
                     level=tr.form(evaluation.level.name))
    if evaluation.low_level == evaluation.high_level:
        reach = tr.ui("level {level} whatever the remaining answers", level=tr.form(evaluation.low_level.name))
    elif evaluation.low_level.level == 0:
        reach = tr.ui("{high} still reachable", high=tr.form(evaluation.high_level.name))
    else:
        reach = tr.ui("sure of {low}, {high} still reachable", low=tr.form(evaluation.low_level.name),
                      high=tr.form(evaluation.high_level.name))
    return tr.ui("Score so far {total} · final between {low} and {high} · {reach}", total=pts(evaluation.total),
                 low=pts(evaluation.low), high=pts(evaluation.high), reach=reach)


def result_lines(form: Form, evaluation: TreeEvaluation, tr: Translator,
                 answers: Mapping[str, Answer] | None) -> list[Line]:
    lines = [Line(tr.ui("Total {total} / {maximum} · level {level}", total=pts(evaluation.total),
                        maximum=pts(evaluation.maximum), level=tr.form(evaluation.level.name)), True)]
    lines.extend(Line(f"• {tr.form(n.name)}: {pts(n.points)} / {pts(n.maximum)}") for n in evaluation.nodes)
    lines.extend(estimate_note(_rule(form), tr))
    return lines


def estimate_note(rule: WeightedTreeScoring, tr: Translator) -> Iterable[Line]:
    """The small print under an estimated result, naming who gives the authoritative one."""
    if rule.estimate:
        yield Line(tr.ui("This is an estimate; the authoritative result comes from {authority}.",
                         authority=tr.form(rule.authority)), note=True)


# --- report view (templates/miit.html.j2 reads it as context.tree) -------------------------------------------


@dataclass(frozen=True)
class NodeView:
    """A dimension, indicator or question of the weighted tree with its points and maximum."""

    id: str
    name: str
    depth: int
    points: str
    maximum: str
    #: points / maximum, 0..1 (for charts)
    ratio: float
    item: str | None = None
    number: str = ""
    answer: str = ""
    children: tuple[NodeView, ...] = ()
    #: the condition printed with the question ("（50%以上…即可勾选该项）")
    note: str = ""


@dataclass(frozen=True)
class AdviceView:
    item_id: str
    number: str
    label: str
    current: str
    gain: str
    best: str


@dataclass(frozen=True)
class LevelView:
    name: str
    band: str
    description: str
    #: "reached", "next" or ""
    mark: str


@dataclass(frozen=True)
class TreeView:
    total: str
    maximum: str
    level: int
    level_name: str
    low: str
    high: str
    low_level_name: str
    high_level_name: str
    complete: bool
    dimensions: tuple[NodeView, ...]
    advice: tuple[AdviceView, ...]
    #: "12.34 points short of 三级 (60)"; or that the top level is reached
    next_level: str
    estimate: bool
    authority: str
    notice: str
    #: every level with a description, lowest first: (name, score band, description, "reached" / "next" / "")
    levels: tuple[LevelView, ...] = ()
    #: where the authoritative figure comes from, in the source's words ("可免费在线自评")
    authority_note: str = ""


def _node_view(node: NodeScore, form: Form, answers: Mapping[str, Answer], tr: Translator,
               answer_text: AnswerText) -> NodeView:
    ratio = float(node.points / node.maximum) if node.maximum else 0.0
    if node.item is not None:
        item = form.item(node.item)
        return NodeView(
            id=node.id, name=tr.form(item.text), depth=node.depth, points=pts(node.points),
            maximum=pts(node.maximum), ratio=ratio, item=node.item,
            number=numbering(form).labels[node.item],
            answer=answer_text(item, answers.get(node.item), tr), note=tr.form(item.note) if item.note else "",
        )
    return NodeView(
        id=node.id, name=tr.form(node.name), depth=node.depth, points=pts(node.points), maximum=pts(node.maximum),
        ratio=ratio, children=tuple(_node_view(c, form, answers, tr, answer_text) for c in node.children),
    )


def _best_answer(item: Item, answer: Answer | None, tr: Translator) -> str:
    """What full marks would take: the top rung, or the substantive options not yet ticked."""
    if isinstance(item, SingleChoice):
        top = max(item.options, key=lambda o: o.rung or 0)
        return tr.form(top.short or top.label)
    if isinstance(item, MultiChoice):
        ticked = set(answer.value) if answer is not None and isinstance(answer.value, list) else set()
        return list_sep(tr).join(tr.form(o.short or o.label) for o in item.substantive if o.id not in ticked)
    return ""


def report_view(form: Form, ev: TreeEvaluation, answers: Mapping[str, Answer], tr: Translator,
                labels: Mapping[str, str], answer_text: AnswerText) -> TreeView:
    """The weighted tree's part of a report: points by node, the next level's advice, the levels described."""
    rule = _rule(form)
    leaves = [n for top in ev.nodes for n in top.walk() if n.item is not None]
    ranked = sorted(
        (n for n in leaves if n.maximum > n.points),
        key=lambda n: (-(n.maximum - n.points), form.position(n.item or "")),
    )[:ADVICE_LIMIT]
    advice = tuple(
        AdviceView(
            item_id=n.item or "",
            number=numbering(form).labels[n.item or ""],
            label=tr.form(form.item(n.item or "").text),
            current=answer_text(form.item(n.item or ""), answers.get(n.item or ""), tr),
            gain=pts(n.maximum - n.points),
            best=_best_answer(form.item(n.item or ""), answers.get(n.item or ""), tr),
        )
        for n in ranked
    )
    higher = sorted((lv for lv in rule.levels if Fraction(lv.min) > ev.total), key=lambda lv: lv.min)
    if higher:
        nxt = higher[0]
        next_level = labels["to_next"].format(level=tr.form(nxt.name), min=pts(Fraction(nxt.min)),
                                              points=pts(Fraction(nxt.min) - ev.total))
    else:
        next_level = labels["top_level"].format(level=tr.form(ev.level.name))
    authority = tr.form(rule.authority) if rule.authority else ""
    ordered = sorted(rule.levels, key=lambda lv: lv.min)
    level_views = []
    for n, lv in enumerate(ordered):
        if not lv.description:
            continue
        low = plain_number(lv.min)
        band = f"{low}–{plain_number(ordered[n + 1].min)}" if n + 1 < len(ordered) else f"≥ {low}"
        mark = "reached" if lv.level == ev.level.level else "next" if higher and lv.level == higher[0].level else ""
        level_views.append(LevelView(tr.form(lv.name), band, tr.form(lv.description), mark))
    notice = ""
    if rule.estimate:
        notice = tr.pui("report", ESTIMATE_NOTICE).format(title=tr.form(form.title), authority=authority or "—")
    return TreeView(
        total=pts(ev.total), maximum=pts(ev.maximum), level=ev.level.level, level_name=tr.form(ev.level.name),
        low=pts(ev.low), high=pts(ev.high), low_level_name=tr.form(ev.low_level.name),
        high_level_name=tr.form(ev.high_level.name), complete=ev.low == ev.high,
        dimensions=tuple(_node_view(n, form, answers, tr, answer_text) for n in ev.nodes),
        advice=advice, next_level=next_level, estimate=rule.estimate, authority=authority, notice=notice,
        levels=tuple(level_views), authority_note=tr.form(rule.authority_note) if rule.authority_note else "",
    )


def plain_number(value: Decimal) -> str:
    """A band edge as printed (20, not 20.00)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


ESTIMATE_NOTICE = P_("report", "The score in this report is an estimate: the official per-option points of {title} "
                                "were never published, so it is computed from the published indicator weights. The "
                                "authoritative score and level are those of the {authority}.")

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
    model=WeightedTreeScoring,
    check=check,
    evaluate=lambda form, shown: evaluate(_rule(form), form.index, shown),
    scored_items=lambda form: frozenset(maxima(_rule(form))),
    running=lambda form, shown: running(_rule(form), form.index, shown),
    to_json=to_json,
    prepare_answers=as_given,
    score_line=score_line,
    result_lines=result_lines,
    review_warnings=no_warnings,
    lost_groups=no_lost_groups,
    size_line=questions_counted,
    report_slot="tree",
    report_view=report_view,
    level_profile=lambda form: _rule(form).profile,
    level_of=lambda evaluation: evaluation.level.level,
    blocks_next=never,
)
