"""The MIIT 2024 self-assessment rule (../shared/design/MIIT-2024.md): everything about it in one module.

- **Model**: `Miit2024Scoring` and its parts (the weight tree's nodes are the weighted tree's `TreeNode`).
- **Load-time checks** (`check`): the weight tree adds up at every node; every option of a scored question has a
  weight; a multiple choice's weights add up to exactly 100 and its exclusive "无" weighs 0; a single choice's
  ladder runs from 0 to 100; every scenario is a single choice whose options' rungs are distinct levels 1–4; the
  level table starts at level 0 and can be met.
- **Evaluate** (`evaluate`): points = question maximum × option weight / 100, exact (Fractions).  The level is the
  highest whose score AND scenario conditions hold (§7): at least `scenarios` scenarios rated `scenario_level` or
  higher, `constraint` of them 约束性.  What blocks the next level: the points missing and/or which scenarios must
  rise, cheapest first.
- **Running bounds** (`running`): the score so far, the lowest and highest final score, and for each level whether
  its scenario conditions are met yet.
- **JSON summary** (`to_json`, and `prepare_json_answers` for the platform's option letters), **texts for the
  chat** (`score_line`, `result_lines`) and the **report view** (`report_view`, rendered by
  templates/miit2024.html.j2 as context.view).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from math import lcm
from typing import Any, ClassVar, Literal

from pydantic import Field

from bot.i18n import Translator
from bot.interview.answer import Answer
from bot.interview.errors import FormError
from bot.interview.numbering import numbering
from bot.interview.schema import Form, Item, ItemId, Model, MultiChoice, RuleModel, SingleChoice
from bot.scoring.levels import rounded
from bot.scoring.registry import AnswerText, Rule, never, no_lost_groups, no_warnings
from bot.scoring.weighted_tree import TreeNode
from bot.wording import Line

#: the levels a scenario can be rated (0, 未达到一级, is reserved: MIIT-2024.md §8 #3)
TOP_RATING = 4


# --- the model (a form's `scoring:` with `rule: miit2024`) -------------------------------------------------------


class ScenarioRef(Model):
    """A scenario of 数字化经营: a single choice whose options' `rung` is the level (1–4) it describes."""

    item: ItemId
    #: the scenario's name (产品设计)
    name: str
    #: 约束性 (the platform's type flag; the label is the third-party tool's, see `unconfirmed`)
    constraint: bool = False


class ScenarioGroup(Model):
    id: str
    name: str
    scenarios: tuple[ScenarioRef, ...] = Field(min_length=1)


class ScenarioLevel(Model):
    """A level of the 2024 rule: the score AND the count of scenarios rated at `scenario_level` or higher AND how
    many of those are 约束性.  Level 0 (no level) has every condition at 0."""

    level: int = Field(ge=0)
    name: str
    min: Decimal
    scenario_level: int = Field(default=0, ge=0)
    scenarios: int = Field(default=0, ge=0)
    constraint: int = Field(default=0, ge=0)
    description: str | None = None


class Miit2024Scoring(RuleModel):
    """MIIT 2024 self-assessment (MIIT-2024.md): option weights per option, levels gated by scenario counts."""

    rule: Literal["miit2024"]
    total: Decimal = Decimal(100)
    estimate: bool = True
    authority: str | None = None
    authority_note: str | None = None
    #: the weight tree (dimension → indicator → sub-indicator → question), each weight a percent of its parent
    tree: tuple[TreeNode, ...]
    #: per scored item, each option's weight in percent of the question's maximum
    weights: dict[str, dict[str, Decimal]]
    scenario_groups: tuple[ScenarioGroup, ...]
    levels: tuple[ScenarioLevel, ...]
    #: the parts of the rule not yet confirmed by the official document, one sentence each (named in reports)
    unconfirmed: tuple[str, ...] = ()
    #: the enterprise-profile key that receives the level reached, as "level<n>"
    profile: str | None = None

    def indicator_labels(self) -> Mapping[str, str]:
        """The platform's numbers: the scored questions Q1… in the tree's order, the scenarios S1… in theirs
        (their fill-ins are lettered after them: Q2a, bot.interview.numbering)."""
        def items(nodes: tuple[TreeNode, ...]) -> list[str]:
            return [i for n in nodes for i in ([n.item] if n.item is not None else items(n.children))]

        labels = {item: f"Q{n}" for n, item in enumerate(items(self.tree), 1)}
        scenarios = [ref.item for g in self.scenario_groups for ref in g.scenarios]
        labels.update({item: f"S{n}" for n, item in enumerate(scenarios, 1)})
        return labels


# --- load-time checks ---------------------------------------------------------------------------------------


def check(form: Form, path: str) -> None:
    """Refuse a definition whose arithmetic or level table cannot be right (FormError names what)."""
    rule = _rule(form)
    scored: list[str] = []

    def group(name: str, children: tuple[TreeNode, ...]) -> None:
        total = sum((c.weight for c in children), Fraction(0))
        if total != 100:
            raise FormError(path, f"scoring: weights under {name} add up to {float(total):g}%, not 100%")
        for child in children:
            if child.item is None:
                group(child.name or child.id or "?", child.children)
            else:
                scored.append(child.item)

    group("the tree", rule.tree)
    if len(set(scored)) != len(scored):
        raise FormError(path, "scoring: an item is scored twice in the tree")
    for item_id in scored:
        if item_id not in form.index:
            raise FormError(path, "scoring refers to an unknown item", item_id)
        _check_weights(form.item(item_id), rule.weights.get(item_id), path)
    extra = sorted(set(rule.weights) - set(scored))
    if extra:
        raise FormError(path, f"scoring: weights given for items the tree does not score: {', '.join(extra)}")
    scenarios = [s.item for g in rule.scenario_groups for s in g.scenarios]
    if len(set(scenarios)) != len(scenarios):
        raise FormError(path, "scoring: a scenario is listed twice")
    for item_id in scenarios:
        item = form.index.get(item_id)
        if item is None:
            raise FormError(path, "scoring names an unknown scenario", item_id)
        if item_id in scored:
            raise FormError(path, "a scenario is not scored by the tree", item_id)
        if not isinstance(item, SingleChoice):
            raise FormError(path, "a scenario is a single choice of level descriptions", item_id)
        rungs = [o.rung for o in item.options]
        if any(r is None or not 0 <= r <= TOP_RATING for r in rungs) or len(set(rungs)) != len(rungs):
            raise FormError(path, f"a scenario's options need distinct rungs 0–{TOP_RATING} (the level)", item_id)
    _check_levels(rule, len(scenarios), sum(s.constraint for g in rule.scenario_groups for s in g.scenarios), path)


def _check_weights(item: Item, weights: Mapping[str, Decimal] | None, path: str) -> None:
    if not isinstance(item, SingleChoice | MultiChoice):
        raise FormError(path, f"a {item.type} item cannot be scored", item.id)
    if weights is None or set(weights) != {o.id for o in item.options}:
        raise FormError(path, "scoring.weights must give every option of the item a weight", item.id)
    if any(not 0 <= w <= 100 for w in weights.values()):
        raise FormError(path, "an option weight is a percent of the question's maximum, 0–100", item.id)
    if isinstance(item, MultiChoice):
        if sum(weights.values()) != 100:
            raise FormError(path, f"the option weights of a multiple choice add up to {sum(weights.values())}, "
                                  "not 100", item.id)
        if any(weights[o.id] != 0 for o in item.options if o.exclusive):
            raise FormError(path, "the exclusive option (无) of a multiple choice weighs 0", item.id)
        if not any(o.exclusive for o in item.options):
            raise FormError(path, "a multiple choice of this rule needs its exclusive 无", item.id)
    elif min(weights.values()) != 0 or max(weights.values()) != 100:
        raise FormError(path, "a single choice's weights run from 0 to 100", item.id)


def _check_levels(rule: Miit2024Scoring, scenarios: int, constraint: int, path: str) -> None:
    levels = sorted(rule.levels, key=lambda lv: lv.level)
    if not levels or levels[0].level != 0 or levels[0].min != 0 or levels[0].scenarios or levels[0].constraint:
        raise FormError(path, "scoring levels start with level 0 (no level) at score 0 and no scenario condition")
    if [lv.level for lv in levels] != list(range(len(levels))):
        raise FormError(path, "scoring levels are numbered 0, 1, 2, … without gaps")
    for lower, upper in pairwise(levels):
        if upper.min <= lower.min or upper.scenario_level < lower.scenario_level:
            raise FormError(path, f"level {upper.level} must ask more than level {lower.level}")
    for lv in levels[1:]:
        if not 1 <= lv.scenario_level <= TOP_RATING:
            raise FormError(path, f"level {lv.level}: scenario_level must be 1–{TOP_RATING}")
        if lv.scenarios > scenarios or lv.constraint > constraint or lv.constraint > lv.scenarios:
            raise FormError(path, f"level {lv.level} asks for more scenarios than the form has")
        if lv.min > rule.total:
            raise FormError(path, f"level {lv.level} asks for more than the total of {rule.total}")


# --- the compiled plan ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Question:
    item: str
    #: the sub-indicator's name (the tree's leaf parent)
    name: str
    maximum: Fraction
    points: Mapping[str, Fraction]
    multi: bool


@dataclass(frozen=True)
class _Group:
    id: str
    name: str
    depth: int
    maximum: Fraction
    children: tuple[_Group, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class _Scenario:
    item: str
    group: str
    constraint: bool
    #: option id → the level it describes
    levels: Mapping[str, int]


@dataclass(frozen=True)
class _Plan:
    questions: Mapping[str, _Question]
    groups: tuple[_Group, ...]
    scenarios: tuple[_Scenario, ...]
    levels: tuple[ScenarioLevel, ...]
    #: each level's minimum score as a Fraction (same order as `levels`)
    minima: tuple[Fraction, ...]
    #: the running view's arithmetic: every option's points as an integer over one common denominator
    denominator: int
    units: Mapping[str, Mapping[str, int]]
    max_units: Mapping[str, int]


def _plan(form: Form, rule: Miit2024Scoring) -> _Plan:
    cached = rule.memos.get("plan")
    if isinstance(cached, _Plan):
        return cached
    questions: dict[str, _Question] = {}

    def build(node: TreeNode, share: Fraction, depth: int, parent: str) -> _Group | None:
        maximum = share * node.weight / 100
        if node.item is not None:
            weights = rule.weights[node.item]
            questions[node.item] = _Question(
                node.item, parent, maximum, {o: maximum * Fraction(w) / 100 for o, w in weights.items()},
                isinstance(form.item(node.item), MultiChoice))
            return None
        kids = [build(c, maximum, depth + 1, node.name or "") for c in node.children]
        return _Group(node.id or "", node.name or "", depth, maximum, tuple(k for k in kids if k is not None),
                      tuple(c.item for c in node.children if c.item is not None))

    groups = tuple(g for g in (build(n, Fraction(rule.total), 0, "") for n in rule.tree) if g is not None)
    scenarios = tuple(
        _Scenario(s.item, g.id, s.constraint, {o.id: o.rung or 0 for o in _single(form, s.item).options})
        for g in rule.scenario_groups for s in g.scenarios)
    levels = tuple(sorted(rule.levels, key=lambda lv: lv.level))
    d = lcm(*(f.denominator for q in questions.values() for f in (q.maximum, *q.points.values())))
    plan = _Plan(questions, groups, scenarios, levels, tuple(Fraction(lv.min) for lv in levels), d,
                 {i: {o: int(p * d) for o, p in q.points.items()} for i, q in questions.items()},
                 {i: int(q.maximum * d) for i, q in questions.items()})
    rule.memos["plan"] = plan
    return plan


def _single(form: Form, item_id: str) -> SingleChoice:
    item = form.item(item_id)
    assert isinstance(item, SingleChoice)
    return item


# --- evaluation -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionScore:
    item: str
    name: str
    points: Fraction
    maximum: Fraction
    answered: bool


@dataclass(frozen=True)
class GroupScore:
    id: str
    name: str
    depth: int
    points: Fraction
    maximum: Fraction
    children: tuple[GroupScore, ...]
    questions: tuple[QuestionScore, ...]


@dataclass(frozen=True)
class LevelCheck:
    """One level's three conditions for the answers so far."""

    level: ScenarioLevel
    score_met: bool
    #: scenarios rated at the level's scenario level or higher, and how many of them are 约束性
    count: int
    constraint_count: int

    @property
    def scenarios_met(self) -> bool:
        return self.count >= self.level.scenarios and self.constraint_count >= self.level.constraint

    @property
    def met(self) -> bool:
        return self.score_met and self.scenarios_met


@dataclass(frozen=True)
class Raise:
    """A scenario that must rise to `target` (its rating now: `current`, None when unrated)."""

    item: str
    current: int | None
    target: int
    constraint: bool

    @property
    def steps(self) -> int:
        return self.target - (self.current or 0)


@dataclass(frozen=True)
class Blocker:
    """What stands between the answers and `level`: points and/or scenarios, the cheapest path first."""

    level: ScenarioLevel
    points_missing: Fraction
    #: scenarios still to bring to the level's scenario level, of which 约束性
    scenarios_missing: int
    constraint_missing: int
    raises: tuple[Raise, ...]
    #: questions that can still gain points, most points first, as many as it takes to close the gap
    questions: tuple[tuple[str, Fraction], ...]


@dataclass(frozen=True)
class Miit2024Evaluation:
    rule: ClassVar[str] = "miit2024"

    total: Fraction
    maximum: Fraction
    level: ScenarioLevel
    #: the level the score alone allows, and the level the scenarios alone allow
    score_level: ScenarioLevel
    scenario_level: ScenarioLevel
    groups: tuple[GroupScore, ...]
    questions: Mapping[str, QuestionScore]
    #: each scenario's rating (None: not rated yet), in form order
    ratings: Mapping[str, int | None]
    constraint: frozenset[str]
    checks: tuple[LevelCheck, ...]
    low: Fraction
    high: Fraction
    low_level: ScenarioLevel
    high_level: ScenarioLevel
    blocker: Blocker | None
    unconfirmed: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.low == self.high and all(r is not None for r in self.ratings.values())

    @property
    def decided_by(self) -> str:
        """"score", "scenarios" or "both": which condition set the level."""
        if self.score_level.level == self.scenario_level.level:
            return "both"
        return "score" if self.score_level.level < self.scenario_level.level else "scenarios"


def _points(plan: _Plan, answers: Mapping[str, Answer]) -> tuple[dict[str, Fraction], Fraction]:
    """Each answered question's points, and the maximum of the unanswered ones."""
    got: dict[str, Fraction] = {}
    open_max = Fraction(0)
    for item_id, q in plan.questions.items():
        answer = answers.get(item_id)
        if answer is None:
            open_max += q.maximum
        elif answer.value is None:
            got[item_id] = Fraction(0)
        elif q.multi:
            got[item_id] = sum((q.points[o] for o in answer.value), Fraction(0))
        else:
            got[item_id] = q.points[answer.value]
    return got, open_max


def _ratings(plan: _Plan, answers: Mapping[str, Answer]) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for s in plan.scenarios:
        answer = answers.get(s.item)
        out[s.item] = None if answer is None or answer.value is None else s.levels[answer.value]
    return out


def _checks(plan: _Plan, score: Fraction, ratings: Mapping[str, int | None], unrated: int) -> tuple[LevelCheck, ...]:
    """Each level's conditions; unrated scenarios count as `unrated` (0 for the lowest outcome, 4 the highest)."""
    every = [0] * (TOP_RATING + 2)
    constraint = [0] * (TOP_RATING + 2)
    for s in plan.scenarios:
        rating = ratings[s.item]
        r = unrated if rating is None else rating
        every[r] += 1
        constraint[r] += s.constraint
    for r in range(TOP_RATING - 1, -1, -1):  # scenarios at r or higher
        every[r] += every[r + 1]
        constraint[r] += constraint[r + 1]
    return tuple(LevelCheck(lv, score >= minimum, every[lv.scenario_level], constraint[lv.scenario_level])
                 for lv, minimum in zip(plan.levels, plan.minima, strict=True))


def _level(checks: tuple[LevelCheck, ...]) -> ScenarioLevel:
    return max((c.level for c in checks if c.met), key=lambda lv: lv.level)


def _blocker(plan: _Plan, level: ScenarioLevel, total: Fraction, got: Mapping[str, Fraction],
             ratings: Mapping[str, int | None], checks: tuple[LevelCheck, ...]) -> Blocker | None:
    higher = [c for c in checks if c.level.level == level.level + 1]
    if not higher:
        return None
    target = higher[0]
    lv = target.level
    missing = max(Fraction(0), Fraction(lv.min) - total)
    need_c = max(0, lv.constraint - target.constraint_count)
    need_n = max(0, lv.scenarios - target.count)
    below = [s for s in plan.scenarios if (ratings[s.item] or 0) < lv.scenario_level]
    # cheapest: those closest to the level first (fewest steps), 约束性 first where 约束性 are short
    below.sort(key=lambda s: (-(ratings[s.item] or 0), not s.constraint))
    picked = [s for s in below if s.constraint][:need_c]
    rest = [s for s in below if s not in picked][:max(0, need_n - len(picked))]
    raises = sorted((Raise(s.item, ratings[s.item], lv.scenario_level, s.constraint) for s in (*picked, *rest)),
                    key=lambda r: (r.steps, not r.constraint))
    questions: list[tuple[str, Fraction]] = []
    if missing:
        open_gain = sorted(((i, q.maximum - got.get(i, Fraction(0))) for i, q in plan.questions.items()),
                           key=lambda pair: -pair[1])
        covered = Fraction(0)
        for item_id, gain in open_gain:
            if gain <= 0 or covered >= missing:
                break
            questions.append((item_id, gain))
            covered += gain
    return Blocker(lv, missing, max(need_n, need_c), need_c, tuple(raises), tuple(questions))


def _group_scores(group: _Group, plan: _Plan, got: Mapping[str, Fraction]) -> GroupScore:
    children = tuple(_group_scores(c, plan, got) for c in group.children)
    questions = tuple(QuestionScore(i, group.name, got.get(i, Fraction(0)), plan.questions[i].maximum, i in got)
                      for i in group.questions)
    points = sum((c.points for c in children), Fraction(0)) + sum((q.points for q in questions), Fraction(0))
    return GroupScore(group.id, group.name, group.depth, points, group.maximum, children, questions)


def evaluate(form: Form, rule: Miit2024Scoring, answers: Mapping[str, Answer]) -> Miit2024Evaluation:
    """The evaluation of `answers` (already limited to visible items)."""
    plan = _plan(form, rule)
    got, open_max = _points(plan, answers)
    total = sum(got.values(), Fraction(0))
    ratings = _ratings(plan, answers)
    checks = _checks(plan, total, ratings, 0)
    level = _level(checks)
    score_level = max((c.level for c in checks if c.score_met), key=lambda lv: lv.level)
    scenario_level = max((c.level for c in checks if c.scenarios_met), key=lambda lv: lv.level)
    high = total + open_max
    high_level = _level(_checks(plan, high, ratings, TOP_RATING))
    groups = tuple(_group_scores(g, plan, got) for g in plan.groups)
    questions = {q.item: q for g in groups for q in _walk_questions(g)}
    return Miit2024Evaluation(
        total=total, maximum=Fraction(rule.total), level=level, score_level=score_level,
        scenario_level=scenario_level, groups=groups, questions=questions, ratings=ratings,
        constraint=frozenset(s.item for s in plan.scenarios if s.constraint), checks=checks, low=total, high=high,
        low_level=level, high_level=high_level, blocker=_blocker(plan, level, total, got, ratings, checks),
        unconfirmed=rule.unconfirmed)


def _walk_questions(group: GroupScore) -> list[QuestionScore]:
    out = list(group.questions)
    for child in group.children:
        out.extend(_walk_questions(child))
    return out


def running(form: Form, rule: Miit2024Scoring, answers: Mapping[str, Answer]) -> Miit2024Evaluation:
    """The figures shown after each answer (the hot path): score, range, levels and each level's conditions, in
    integer arithmetic; the per-group breakdown, the questions and the blocker are left empty (see `evaluate`)."""
    plan = _plan(form, rule)
    got = open_units = 0
    for item_id, units in plan.units.items():
        answer = answers.get(item_id)
        if answer is None:
            open_units += plan.max_units[item_id]
        elif answer.value is not None:
            got += sum(units[o] for o in answer.value) if plan.questions[item_id].multi else units[answer.value]
    total = Fraction(got, plan.denominator)
    high = Fraction(got + open_units, plan.denominator)
    ratings = _ratings(plan, answers)
    checks = _checks(plan, total, ratings, 0)
    level = _level(checks)
    return Miit2024Evaluation(
        total=total, maximum=Fraction(rule.total), level=level,
        score_level=max((c.level for c in checks if c.score_met), key=lambda lv: lv.level),
        scenario_level=max((c.level for c in checks if c.scenarios_met), key=lambda lv: lv.level),
        groups=(), questions={}, ratings=ratings, constraint=frozenset(), checks=checks, low=total, high=high,
        low_level=level, high_level=_level(_checks(plan, high, ratings, TOP_RATING)), blocker=None,
        unconfirmed=rule.unconfirmed)


def scored_items(rule: Miit2024Scoring) -> frozenset[str]:
    """The items after which the running view is shown: the questions and the scenarios."""
    return frozenset(rule.weights) | frozenset(s.item for g in rule.scenario_groups for s in g.scenarios)


def prepare_json_answers(form: Form, rule: Miit2024Scoring, raw: Any) -> Any:
    """ANSWERS.json as the platform writes option keys: "C" or ["B", "D"] become the option ids "c", ["b", "d"]."""
    if not isinstance(raw, Mapping):
        return raw
    out = dict(raw)
    for item_id in rule.weights:
        value = out.get(item_id)
        if isinstance(value, str) and len(value) == 1 and value.isalpha():
            out[item_id] = value.lower()
        elif isinstance(value, list):
            out[item_id] = [v.lower() if isinstance(v, str) and len(v) == 1 and v.isalpha() else v for v in value]
    return out


# --- JSON summary --------------------------------------------------------------------------------------------


def _num(value: Fraction) -> float:
    return float(rounded(value))


def to_json(form: Form, ev: Miit2024Evaluation) -> dict[str, Any]:
    def group(g: GroupScore) -> dict[str, Any]:
        return {"id": g.id, "name": g.name, "points": _num(g.points), "max": _num(g.maximum)}

    decisive = [c for c in ev.checks if c.level.level in (ev.level.level, ev.level.level + 1)]
    return {
        "form": form.id,
        "total": _num(ev.total),
        "level": ev.level.level,
        "level_name": ev.level.name,
        "score_level": ev.score_level.level,
        "scenario_level": ev.scenario_level.level,
        "decided_by": ev.decided_by,
        "complete": ev.complete,
        "low": _num(ev.low),
        "high": _num(ev.high),
        "dimensions": [group(g) for g in ev.groups],
        "indicators": [{**group(c), "dimension": g.id} for g in ev.groups for c in g.children],
        "questions": {i: _num(q.points) for i, q in ev.questions.items()},
        "scenarios": dict(ev.ratings),
        # for the level reached and the next one: scenarios at that level or higher (of which 约束性) and the need
        "scenario_counts": {
            str(c.level.level): {"at_or_above": c.level.scenario_level, "count": c.count,
                                 "constraint": c.constraint_count, "needed": c.level.scenarios,
                                 "constraint_needed": c.level.constraint, "score_met": c.score_met,
                                 "scenarios_met": c.scenarios_met}
            for c in decisive if c.level.level > 0
        },
        "blocker": None if ev.blocker is None else {
            "level": ev.blocker.level.level,
            "points_missing": _num(ev.blocker.points_missing),
            "scenarios_missing": ev.blocker.scenarios_missing,
            "constraint_missing": ev.blocker.constraint_missing,
            "raise": [{"scenario": r.item, "from": r.current or 0, "to": r.target} for r in ev.blocker.raises],
        },
        "estimate": True,
    }


# --- texts for the chat ------------------------------------------------------------------------------------


def _pts(value: Fraction) -> str:
    return str(rounded(value))


def conditions_line(ev: Miit2024Evaluation, tr: Translator) -> str:
    """Which levels' scenario conditions are met so far, counts beside what is needed (never as a fraction, which
    reads "16/6" as more than one): "一级 ✓ 16 个（需 6 个），其中约束性 10 个（需 3 个） · 三级 ✗ …"."""
    parts = []
    for c in ev.checks:
        if c.level.level == 0:
            continue
        mark = "✓" if c.scenarios_met else "✗"
        parts.append(tr.ui("{level} {mark} {count} ({needed} needed), of them binding {c} ({c_needed} needed)",
                           level=tr.form(c.level.name), mark=mark, count=c.count, needed=c.level.scenarios,
                           c=c.constraint_count, c_needed=c.level.constraint))
    return tr.ui("Scenario conditions: {parts}", parts=" · ".join(parts))


def score_line(ev: Miit2024Evaluation, tr: Translator) -> str:
    """The running view: score and range, then once scenarios are rated, the conditions met per level."""
    if ev.low == ev.high:
        head = tr.ui("Score {total}", total=_pts(ev.total))
    else:
        head = tr.ui("Score so far {total} · final between {low} and {high}", total=_pts(ev.total),
                     low=_pts(ev.low), high=_pts(ev.high))
    lines = [head]
    if any(r is not None for r in ev.ratings.values()):
        lines.append(conditions_line(ev, tr))
    if ev.complete:
        lines.append(tr.ui("Level {level} (estimate)", level=tr.form(ev.level.name)))
    elif ev.low_level.level == ev.high_level.level:
        lines.append(tr.ui("level {level} whatever the remaining answers", level=tr.form(ev.low_level.name)))
    else:
        lines.append(tr.ui("Level so far: {low}; {high} still reachable", low=tr.form(ev.low_level.name),
                           high=tr.form(ev.high_level.name)))
    return "\n".join(lines)


def blocker_texts(form: Form, ev: Miit2024Evaluation, tr: Translator) -> list[str]:
    """What blocks the next level, one sentence each, the cheapest path first."""
    b = ev.blocker
    if b is None:
        return [tr.ui("The top level is reached.")]
    out = []
    name = tr.form(b.level.name)
    if b.points_missing:
        names = _join(tr, (f"{_question_label(form, i, tr)} (+{_pts(g)})" for i, g in b.questions))
        out.append(tr.ui("{level} needs {min} points: {missing} more. Most points still open: {questions}.",
                         level=name, min=_plain(b.level.min), missing=_pts(b.points_missing),
                         questions=names))
    if b.raises:
        rises = _join(tr, (tr.ui("{scenario} {current} → {target}", scenario=_scenario_name(form, r.item, tr),
                                  current=_rating_name(r.current, tr), target=_rating_name(r.target, tr))
                           for r in b.raises))
        out.append(tr.ui("{level} needs {n} scenarios at {rating} or higher, {c} of them binding scenarios: "
                         "{count} more must rise ({c_missing} binding), the fewest steps first: {rises}.",
                         level=name, n=b.level.scenarios, rating=_rating_name(b.level.scenario_level, tr),
                         c=b.level.constraint, count=b.scenarios_missing, c_missing=b.constraint_missing,
                         rises=rises))
    if not out:  # both conditions hold for the next level: only unanswered items keep it open
        out.append(tr.ui("{level} is within reach once every item is answered.", level=name))
    return out


def _join(tr: Translator, parts: Iterable[str]) -> str:
    return ("、" if tr.lang == "zh" else "; ").join(parts)


def result_lines(form: Form, ev: Miit2024Evaluation, tr: Translator,
                 answers: Mapping[str, Answer] | None = None) -> list[Line]:
    """The result at submission, in lines."""
    lines = [Line(tr.ui("Total {total} / {maximum} · level {level} (estimate)", total=_pts(ev.total),
                        maximum=_pts(ev.maximum), level=tr.form(ev.level.name)), True)]
    lines.extend(Line(f"• {tr.form(g.name)}: {_pts(g.points)} / {_pts(g.maximum)}") for g in ev.groups)
    lines.append(Line(conditions_line(ev, tr)))
    lines.append(Line(_decided_text(ev, tr)))
    lines.extend(Line(text) for text in blocker_texts(form, ev, tr))
    rule = _rule(form)
    if rule.estimate:
        lines.append(Line(tr.ui("This is an estimate; the authoritative result comes from {authority}.",
                                authority=tr.form(rule.authority)), note=True))
    return lines


def _decided_text(ev: Miit2024Evaluation, tr: Translator) -> str:
    return tr.ui("The score allows {score}, the scenarios allow {scenarios}: the level is the lower, {level}.",
                 score=tr.form(ev.score_level.name), scenarios=tr.form(ev.scenario_level.name),
                 level=tr.form(ev.level.name))


def _question_label(form: Form, item_id: str, tr: Translator) -> str:
    """"Q11 企业近三年平均数字化投入…": the number the person saw on the question, and its text."""
    return numbering(form).labels[item_id] + " " + tr.form(form.item(item_id).text)


def size_line(form: Form, tr: Translator) -> str:
    """"15 questions and 16 scenarios, about 15 minutes": counted as the chat numbers them (Q…, S…)."""
    questions = numbering(form).questions
    return tr.ui("{questions} questions and {scenarios} scenarios, about {minutes} minutes.",
                 questions=sum(1 for q in questions if q.startswith("Q")),
                 scenarios=sum(1 for q in questions if q.startswith("S")), minutes=form.minutes or "?")


def _scenario_name(form: Form, item_id: str, tr: Translator) -> str:
    rule = form.scoring
    names = {ref.item: ref.name for g in rule.scenario_groups for ref in g.scenarios} if isinstance(
        rule, Miit2024Scoring) else {}
    return tr.form(names.get(item_id)) or item_id


def _rating_name(rating: int | None, tr: Translator) -> str:
    if not rating:
        return tr.ui("unrated")
    return tr.form(_RATING_NAMES[rating])


_RATING_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


# --- report view -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowView:
    """A row of the score table: a group (dimension, indicator, sub-indicator) or a question."""

    depth: int
    name: str
    points: str
    maximum: str
    number: str = ""
    answer: str = ""
    #: the question's item id ("" for a group row)
    item: str = ""


@dataclass(frozen=True)
class ScenarioView:
    number: str
    name: str
    constraint: bool
    rating: str
    description: str


@dataclass(frozen=True)
class ScenarioGroupView:
    name: str
    scenarios: tuple[ScenarioView, ...]


@dataclass(frozen=True)
class LevelRowView:
    name: str
    score: str
    scenarios: str
    constraint: str
    met: bool
    mark: str


@dataclass(frozen=True)
class Miit2024View:
    total: str
    maximum: str
    level_name: str
    complete: bool
    low: str
    high: str
    dimensions: tuple[RowView, ...]
    rows: tuple[RowView, ...]
    groups: tuple[ScenarioGroupView, ...]
    levels: tuple[LevelRowView, ...]
    decided: str
    blockers: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    notice: str
    authority_note: str
    #: the items the score table does not list (fill-ins), as (label, answer)
    fill_ins: tuple[tuple[str, str], ...]
    labels: Mapping[str, str]


def report_view(form: Form, ev: Miit2024Evaluation, answers: Mapping[str, Answer], tr: Translator,
                report_labels: Mapping[str, str], answer_text: AnswerText) -> Miit2024View:
    """Everything the report template shows, in the reader's language (its own headings: `labels`).
    `answer_text(item, answer, tr)` is the display text of an answer (bot.present.answer_text, passed in to keep
    this module free of channel code)."""
    rule = _rule(form)
    labels = numbering(form).labels

    def rows(g: GroupScore) -> list[RowView]:
        out = [RowView(g.depth, tr.form(g.name), _pts(g.points), _pts(g.maximum))]
        for q in g.questions:
            item = form.item(q.item)
            out.append(RowView(g.depth + 1, tr.form(item.text), _pts(q.points), _pts(q.maximum),
                               labels[q.item], answer_text(item, answers.get(q.item), tr), q.item))
        for child in g.children:
            out.extend(rows(child))
        return out

    table = tuple(r for g in ev.groups for r in rows(g))
    dims = tuple(RowView(0, tr.form(g.name), _pts(g.points), _pts(g.maximum)) for g in ev.groups)
    groups = []
    for group in rule.scenario_groups:
        views = []
        for ref in group.scenarios:
            item = _single(form, ref.item)
            rating = ev.ratings.get(ref.item)
            chosen = next((o for o in item.options if o.rung == rating), None) if rating else None
            views.append(ScenarioView(labels[ref.item], tr.form(ref.name), ref.constraint,
                                      _rating_name(rating, tr), tr.form(chosen.label) if chosen else ""))
        groups.append(ScenarioGroupView(tr.form(group.name), tuple(views)))
    levels = []
    for c in ev.checks:
        if c.level.level == 0:
            continue
        mark = "reached" if c.level.level == ev.level.level else (
            "next" if ev.blocker is not None and c.level.level == ev.blocker.level.level else "")
        levels.append(LevelRowView(
            tr.form(c.level.name), f"≥ {_plain(c.level.min)}{' ✓' if c.score_met else ''}",
            tr.ui("{count} ({needed} needed)", count=c.count, needed=c.level.scenarios)
            + (" ✓" if c.count >= c.level.scenarios else ""),
            tr.ui("{count} ({needed} needed)", count=c.constraint_count, needed=c.level.constraint)
            + (" ✓" if c.constraint_count >= c.level.constraint else ""),
            c.met, mark))
    shown = scored_items(rule)
    gap = "" if tr.lang == "zh" else " "
    fill_ins = tuple((f"{labels[i.id]} {tr.form(i.text)}" + (gap + tr.form(i.note) if i.note else ""),
                      answer_text(i, answers[i.id], tr))
                     for i in form.items if i.id not in shown and i.id in answers and answers[i.id].value is not None)
    authority = tr.form(rule.authority) if rule.authority else ""
    return Miit2024View(
        total=_pts(ev.total), maximum=_pts(ev.maximum), level_name=tr.form(ev.level.name), complete=ev.complete,
        low=_pts(ev.low), high=_pts(ev.high), dimensions=dims, rows=table, groups=tuple(groups),
        levels=tuple(levels), decided=_decided_text(ev, tr), blockers=tuple(blocker_texts(form, ev, tr)),
        unconfirmed=tuple(tr.form(u) for u in rule.unconfirmed),
        notice=tr.ui("This is a self-assessment estimate under the rules of {title} as far as they are known; the "
                     "authoritative result comes from {authority}.", title=tr.form(form.title), authority=authority),
        authority_note=tr.form(rule.authority_note) if rule.authority_note else "",
        fill_ins=fill_ins, labels=_labels(tr))


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _labels(tr: Translator) -> dict[str, str]:
    return {
        "report": tr.ui("Self-assessment report (estimate)"),
        "total": tr.ui("Score"),
        "level": tr.ui("Level"),
        "range": tr.ui("Not every item is answered; the final score lies between"),
        "dimensions": tr.ui("Score by dimension"),
        "dimension": tr.ui("Dimension"),
        "points": tr.ui("Points"),
        "maximum": tr.ui("Maximum"),
        "questions": tr.ui("Questions, answers and points"),
        "question": tr.ui("Question"),
        "answer": tr.ui("Answer"),
        "scenarios": tr.ui("数字化经营: the scenarios and their ratings"),
        "scenario": tr.ui("Scenario"),
        "constraint": tr.ui("Binding scenario"),
        "constraint_mark": tr.ui("★ = binding scenario"),
        "rating": tr.ui("Rating"),
        "description": tr.ui("The description picked"),
        "levels": tr.ui("The level rule and where the answers stand"),
        "score_condition": tr.ui("Score"),
        "scenario_condition": tr.ui("Scenarios at the level or higher"),
        "constraint_condition": tr.ui("of which binding"),
        "met": tr.ui("Met"),
        "reached": tr.ui("reached"),
        "next": tr.ui("next"),
        "blocks": tr.ui("What blocks the next level"),
        "unconfirmed": tr.ui("Not yet confirmed by the official document"),
        "fill_ins": tr.ui("Figures given (recorded, not scored)"),
        "authority": tr.ui("Authoritative result"),
        "company": tr.ui("Enterprise"),
        "credit_code": tr.ui("Unified social credit code"),
        "submitted": tr.ui("Submitted"),
        "colon": "：" if tr.lang == "zh" else ": ",
        "yes": tr.ui("yes"),
        "no": tr.ui("no"),
    }


# --- the rule, as bot.scoring finds it ------------------------------------------------------------------------


def _rule(form: Form) -> Miit2024Scoring:
    assert isinstance(form.scoring, Miit2024Scoring)
    return form.scoring


RULE = Rule(
    name="miit2024",
    model=Miit2024Scoring,
    check=check,
    evaluate=lambda form, shown: evaluate(form, _rule(form), shown),
    scored_items=lambda form: scored_items(_rule(form)),
    running=lambda form, shown: running(form, _rule(form), shown),
    to_json=to_json,
    prepare_answers=lambda form, raw: prepare_json_answers(form, _rule(form), raw),
    score_line=score_line,
    result_lines=result_lines,
    review_warnings=no_warnings,
    lost_groups=no_lost_groups,
    size_line=size_line,
    report_slot="view",
    report_view=report_view,
    level_profile=lambda form: _rule(form).profile,
    level_of=lambda evaluation: evaluation.level.level,
    blocks_next=never,
)
