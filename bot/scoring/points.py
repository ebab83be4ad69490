"""The points rubric (Heilongjiang benchmark, SCORING.md §2): a yes earns the indicator's points.  Its model,
load-time checks, evaluation, JSON summary, chat texts and report view.

Second-level groups are gated: each must score above 0, or the application cannot go on to review.  A group whose
indicators are all answered "no" can no longer score, which the interview tells the person at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, Literal

from pydantic import Field

from bot.i18n import Translator
from bot.interview.answer import Answer
from bot.interview.engine import missing_items, visible_answers
from bot.interview.errors import FormError
from bot.interview.numbering import numbering
from bot.interview.schema import Form, ItemId, Model, RuleModel, YesNo
from bot.scoring.registry import AnswerText, Rule, as_given, never, no_level, no_profile, num, pts
from bot.scoring.types import AnswerLike
from bot.wording import Line, list_sep

# --- the model (a form's `scoring:` with `rule: points`) ----------------------------------------------------------


class RubricIndicator(Model):
    item: ItemId
    points: Decimal = Field(gt=0)


class RubricGroup(Model):
    """A second-level indicator: yes/no items with points; `gate` means it must score above 0."""

    id: str
    name: str
    max: Decimal
    items: tuple[RubricIndicator, ...] = Field(min_length=1)


class RubricSection(Model):
    """A first-level indicator."""

    id: str
    name: str
    max: Decimal
    groups: tuple[RubricGroup, ...] = Field(min_length=1)


class PointsRubric(RuleModel):
    """Yes earns the item's points (Heilongjiang benchmark, SCORING.md §2)."""

    rule: Literal["points"]
    sections: tuple[RubricSection, ...]
    #: every second-level group must score above 0, or the application cannot go on to review
    gate: bool = True
    bonus: tuple[RubricIndicator, ...] = ()
    bonus_cap: Decimal = Decimal(0)

    def indicator_labels(self) -> Mapping[str, str]:
        """The indicators numbered 1… in the rubric's order (Heilongjiang's 30), the bonus items B1…."""
        ordered = [ind.item for s in self.sections for g in s.groups for ind in g.items]
        labels = {item: str(n) for n, item in enumerate(ordered, 1)}
        labels.update({ind.item: f"B{n}" for n, ind in enumerate(self.bonus, 1)})
        return labels


# --- load-time checks --------------------------------------------------------------------------------------------


def check(form: Form, path: str) -> None:
    """Groups add up to their section, items to their group; every indicator is a yes/no item scored once."""
    rule = _rubric(form)
    seen: set[str] = set()
    for section in rule.sections:
        if sum(g.max for g in section.groups) != section.max:
            raise FormError(path, f"scoring: the groups of {section.name} add up to "
                                  f"{sum(g.max for g in section.groups)}, not {section.max}")
        for group in section.groups:
            if sum(i.points for i in group.items) != group.max:
                raise FormError(path, f"scoring: the items of {group.name} add up to "
                                      f"{sum(i.points for i in group.items)}, not {group.max}")
    for indicator in (*(i for s in rule.sections for g in s.groups for i in g.items), *rule.bonus):
        if indicator.item not in form.index:
            raise FormError(path, "scoring refers to an unknown item", indicator.item)
        if not isinstance(form.item(indicator.item), YesNo):
            raise FormError(path, "a points rubric scores yes/no items only", indicator.item)
        if indicator.item in seen:
            raise FormError(path, "item is scored twice", indicator.item)
        seen.add(indicator.item)


# --- evaluation -------------------------------------------------------------------------------------------------


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
    rule: ClassVar[str] = "points"

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


# --- texts for the chat -------------------------------------------------------------------------------------


def score_line(evaluation: RubricEvaluation, tr: Translator) -> str:
    if evaluation.low == evaluation.high:
        return tr.ui("Score {total} (base {base} + bonus {bonus})", total=pts(evaluation.total),
                     base=pts(evaluation.base), bonus=pts(evaluation.bonus))
    return tr.ui("Score so far {total} · final between {low} and {high}", total=pts(evaluation.total),
                 low=pts(evaluation.low), high=pts(evaluation.high))


def result_lines(form: Form, evaluation: RubricEvaluation, tr: Translator,
                 answers: Mapping[str, Answer] | None) -> list[Line]:
    lines = [Line(tr.ui("Score {total} (base {base} + bonus {bonus})", total=pts(evaluation.total),
                        base=pts(evaluation.base), bonus=pts(evaluation.bonus)), True)]
    lines.extend(Line(f"• {tr.form(s.name)}: {pts(s.points)} / {pts(s.maximum)}") for s in evaluation.sections)
    if evaluation.gate_passed:
        lines.append(Line(tr.ui("Every second-level indicator scores: the application can go on to review.")))
    else:
        names = list_sep(tr).join(tr.form(n) for n in evaluation.failing)
        lines.append(Line(tr.ui("These indicators score 0, so the application cannot go on to review: "
                                "{names}", names=names), True))
    return lines


def review_warnings(form: Form, evaluation: RubricEvaluation, answers: Mapping[str, Answer],
                    tr: Translator) -> list[str]:
    """Groups that score 0: while items are open, those already lost; once all are answered, every failing one."""
    lost = evaluation.lost if missing_items(form, answers) else evaluation.failing
    if not lost:
        return []
    return [tr.ui("These indicators score 0, so the application cannot go on to review: {names}",
                  names=list_sep(tr).join(tr.form(n) for n in lost))]


def lost_groups(form: Form, answers: Mapping[str, Answer], change: Any) -> tuple[str, ...]:
    """Gated groups that the change (a "no") just made unable to score."""
    if change.new is None or change.new.value is not False:
        return ()
    evaluation = evaluate(_rubric(form), visible_answers(form, answers))
    return tuple(g.name for g in evaluation.groups
                 if g.lost and change.item_id in evaluation.group_items.get(g.id, frozenset()))


def size_line(form: Form, tr: Translator) -> str | None:
    """"8 enterprise details, 30 indicators and 2 bonus items" — counted as the paper counts them."""
    questions = numbering(form).questions
    indicators = sum(1 for q in questions if q.isdigit())
    if not indicators:
        return None
    return tr.ui("{details} enterprise details, {indicators} indicators and {bonus} bonus items, about {minutes} "
                 "minutes.", details=sum(1 for q in questions if q.startswith("A")), indicators=indicators,
                 bonus=sum(1 for q in questions if q.startswith("B")), minutes=form.minutes or "?")


# --- report view (templates/rubric.html.j2 and the Word document read it as context.rubric) ----------------


@dataclass(frozen=True)
class IndicatorView:
    number: int
    item_id: str
    text: str
    #: True / False / None (not answered)
    yes: bool | None
    points: str
    earned: str
    evidence: str = ""


@dataclass(frozen=True)
class GroupView:
    id: str
    name: str
    maximum: str
    points: str
    any_yes: bool
    lost: bool
    indicators: tuple[IndicatorView, ...]


@dataclass(frozen=True)
class SectionView:
    id: str
    name: str
    maximum: str
    points: str
    groups: tuple[GroupView, ...]


@dataclass(frozen=True)
class BonusView:
    #: the printed second-level name ("创新型", "专精特新")
    name: str
    indicator: IndicatorView


@dataclass(frozen=True)
class RubricView:
    sections: tuple[SectionView, ...]
    base: str
    base_max: str
    bonus: tuple[BonusView, ...]
    bonus_points: str
    bonus_cap: str
    total: str
    maximum: str
    low: str
    high: str
    complete: bool
    gate_passed: bool
    failing: tuple[str, ...]
    #: every yes with its evidence note: (indicator number, indicator text, note)
    evidence: tuple[tuple[int, str, str], ...]


def _bonus_name(text: str) -> str:
    for name in ("创新型", "专精特新"):
        if name in text:
            return name
    return "加分项"


def report_view(form: Form, ev: RubricEvaluation, answers: Mapping[str, Answer], tr: Translator,
                labels: Mapping[str, str], answer_text: AnswerText) -> RubricView:
    """The rubric's part of a report: every indicator with its yes/no, points and evidence, the gate, the bonus."""
    rule = _rubric(form)
    def yes(item_id: str) -> bool | None:
        a = answers.get(item_id)
        return None if a is None or a.value is None else bool(a.value)

    def evidence(item_id: str) -> str:
        note_id = f"{item_id}_evidence"
        if note_id not in form.index or note_id not in answers or answers[note_id].value is None:
            return ""
        return answer_text(form.item(note_id), answers[note_id], tr)

    scores = {g.id: g for g in ev.groups}
    sections: list[SectionView] = []
    number = 0
    for s_rule, s_score in zip(rule.sections, ev.sections, strict=True):
        groups: list[GroupView] = []
        for g_rule in s_rule.groups:
            g = scores[g_rule.id]
            indicators: list[IndicatorView] = []
            for ind in g_rule.items:
                number += 1
                said = yes(ind.item)
                indicators.append(IndicatorView(
                    number=number, item_id=ind.item, text=tr.form(form.item(ind.item).text), yes=said,
                    points=pts(ind.points), earned=pts(ind.points if said else 0),
                    evidence=evidence(ind.item) if said else "",
                ))
            groups.append(GroupView(g.id, tr.form(g.name), pts(g.maximum), pts(g.points), g.any_yes, g.lost,
                                    tuple(indicators)))
        sections.append(SectionView(s_score.id, tr.form(s_score.name), pts(s_score.maximum), pts(s_score.points),
                                    tuple(groups)))
    bonus = tuple(
        BonusView(_bonus_name(form.item(b.item).text), IndicatorView(
            number=0, item_id=b.item, text=tr.form(form.item(b.item).text), yes=yes(b.item),
            points=pts(b.points), earned=pts(b.points if yes(b.item) else 0)))
        for b in rule.bonus
    )
    evidence_rows = tuple((i.number, i.text, i.evidence) for s in sections for g in s.groups for i in g.indicators
                          if i.yes)
    return RubricView(
        sections=tuple(sections), base=pts(ev.base), base_max=pts(sum((s.maximum for s in ev.sections), Fraction(0))),
        bonus=bonus, bonus_points=pts(ev.bonus), bonus_cap=pts(rule.bonus_cap), total=pts(ev.total),
        maximum=pts(ev.maximum), low=pts(ev.low), high=pts(ev.high), complete=ev.low == ev.high,
        gate_passed=ev.gate_passed, failing=tuple(tr.form(f) for f in ev.failing), evidence=evidence_rows,
    )


# --- the rule, as bot.scoring finds it ------------------------------------------------------------------------


def _rubric(form: Form) -> PointsRubric:
    assert isinstance(form.scoring, PointsRubric)
    return form.scoring


def _evaluate(form: Form, shown: Mapping[str, Answer]) -> RubricEvaluation:
    return evaluate(_rubric(form), shown)


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


RULE = Rule(
    name="points",
    model=PointsRubric,
    check=check,
    evaluate=_evaluate,
    scored_items=_scored_items,
    running=_evaluate,
    to_json=to_json,
    prepare_answers=as_given,
    score_line=score_line,
    result_lines=result_lines,
    review_warnings=review_warnings,
    lost_groups=lost_groups,
    size_line=size_line,
    report_slot="rubric",
    report_view=report_view,
    level_profile=no_profile,
    level_of=no_level,
    blocks_next=never,
)
