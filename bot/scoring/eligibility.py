"""The eligibility rule (hangzhou-eligibility): eligible unless a declared reason applies.

Reasons and notes are conditions in the form file; this module holds their model, checks the names they read when
the form is loaded, evaluates them and words the outcome for the chat and the report.  A reason whose inputs are
not all answered yet does not apply (the outcome is provisional until the interview ends).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field

from bot.i18n import Translator
from bot.interview import derived
from bot.interview.answer import Answer
from bot.interview.conditions import is_true, names_in, names_in_template, render_message
from bot.interview.engine import visible_answers
from bot.interview.errors import FormError
from bot.interview.schema import Form, Model, RuleModel
from bot.scoring.registry import (
    AnswerText,
    Rule,
    as_given,
    no_figures,
    no_level,
    no_lost_groups,
    no_profile,
    questions_counted,
)
from bot.wording import Line, form_message, list_sep, size_class_name

# --- the model (a form's `scoring:` with `rule: eligibility`) ---------------------------------------------------


class Condition(Model):
    """A named outcome that applies when `when` is true (a reason to refuse, or a note to tell)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: str
    message: str


class EligibilityRule(RuleModel):
    """Eligible unless a reason applies (hangzhou-eligibility); notes are told whatever the outcome."""

    rule: Literal["eligibility"]
    reasons: tuple[Condition, ...]
    notes: tuple[Condition, ...] = ()


# --- load-time checks --------------------------------------------------------------------------------------------


def check(form: Form, path: str) -> None:
    """Reasons and notes read only the form's items, computed values and constants."""
    rule = _rule(form)
    known = set(form.index) | set(form.constants) | {c.id for c in form.computed}
    for cond in (*rule.reasons, *rule.notes):
        unknown = sorted((names_in(cond.when) | names_in_template(cond.message)) - known)
        if unknown:
            raise FormError(path, f"condition {cond.code} refers to unknown name(s) {', '.join(unknown)}")


# --- evaluation -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    code: str
    message: str


@dataclass(frozen=True)
class EligibilityEvaluation:
    rule: ClassVar[str] = "eligibility"

    eligible: bool
    reasons: tuple[Outcome, ...]
    notes: tuple[Outcome, ...]
    size_class: str | None
    above_designated_size: bool | None


def _applying(conditions: tuple[Condition, ...], values: Mapping[str, Any]) -> tuple[Outcome, ...]:
    return tuple(
        Outcome(c.code, render_message(c.message, values))
        for c in conditions
        if names_in(c.when) <= values.keys() and is_true(c.when, values)
    )


def evaluate(rule: EligibilityRule, values: Mapping[str, Any]) -> EligibilityEvaluation:
    """`values`: the answers and computed values (bot.interview.derived.values)."""
    reasons = _applying(rule.reasons, values)
    size = values.get("size_class")
    above = values.get("above_designated_size")
    return EligibilityEvaluation(
        eligible=not reasons,
        reasons=reasons,
        notes=_applying(rule.notes, values),
        size_class=None if size is None else str(size),
        above_designated_size=None if above is None else bool(above),
    )


# --- texts for the chat -------------------------------------------------------------------------------------


def outcome_text(form: Form, code: str, message: str, answers: Mapping[str, Answer] | None, tr: Translator) -> str:
    """A reason or note in the person's language: its template translated, then filled in (a message already
    filled in with Chinese values would match no catalog entry)."""
    if answers is not None:
        condition = next((c for c in (*_rule(form).reasons, *_rule(form).notes) if c.code == code), None)
        if condition is not None:
            return form_message(condition.message, derived.values(form, visible_answers(form, answers)), tr)
    return tr.form(message)


def score_line(evaluation: EligibilityEvaluation, tr: Translator) -> str:
    return ""


def result_lines(form: Form, evaluation: EligibilityEvaluation, tr: Translator,
                 answers: Mapping[str, Answer] | None) -> list[Line]:
    lines: list[Line] = []
    if evaluation.eligible:
        lines.append(Line(tr.ui("Eligible for filing."), True))
    else:
        lines.append(Line(tr.ui("Not eligible for filing:"), True))
        lines.extend(Line(f"• {outcome_text(form, r.code, r.message, answers, tr)}") for r in evaluation.reasons)
    if evaluation.size_class:
        lines.append(Line(tr.ui("Size class: {size}", size=size_class_name(evaluation.size_class, tr))))
    lines.extend(Line(f"ℹ️ {outcome_text(form, n.code, n.message, answers, tr)}") for n in evaluation.notes)
    return lines


def review_warnings(form: Form, evaluation: EligibilityEvaluation, answers: Mapping[str, Answer],
                    tr: Translator) -> list[str]:
    if evaluation.eligible or not evaluation.reasons:
        return []
    return [tr.ui("Not eligible for filing:") + " "
            + list_sep(tr).join(outcome_text(form, r.code, r.message, answers, tr) for r in evaluation.reasons)]


# --- report view (templates/eligibility.html.j2 reads it as context.eligibility) ------------------------------


@dataclass(frozen=True)
class ReasonView:
    code: str
    message: str


@dataclass(frozen=True)
class EligibilityView:
    eligible: bool
    outcome: str
    reasons: tuple[ReasonView, ...]
    notes: tuple[ReasonView, ...]
    size_class: str
    #: "规上企业" / "规下企业" / "" when revenue is unknown
    designated: str
    above_designated_size: bool | None


def report_view(form: Form, ev: EligibilityEvaluation, answers: Mapping[str, Answer], tr: Translator,
                labels: Mapping[str, str], answer_text: AnswerText) -> EligibilityView:
    """The outcome, the reasons and notes in the reader's language, the size class."""
    rule = _rule(form)
    values = derived.values(form, answers)
    designated = "" if ev.above_designated_size is None else labels["above" if ev.above_designated_size else "below"]
    templates = {c.code: c.message for c in (*rule.reasons, *rule.notes)}

    def said(outcome: Outcome) -> ReasonView:
        if tr.lang == "zh" or outcome.code not in templates:
            return ReasonView(outcome.code, outcome.message)
        return ReasonView(outcome.code, render_message(tr.form(templates[outcome.code]), values))

    return EligibilityView(
        eligible=ev.eligible,
        outcome=labels["eligible" if ev.eligible else "not_eligible"],
        reasons=tuple(said(r) for r in ev.reasons),
        notes=tuple(said(n) for n in ev.notes),
        size_class=size_class_name(ev.size_class, tr) if ev.size_class else "",
        designated=designated,
        above_designated_size=ev.above_designated_size,
    )


# --- the rule, as bot.scoring finds it ------------------------------------------------------------------------


def _rule(form: Form) -> EligibilityRule:
    assert isinstance(form.scoring, EligibilityRule)
    return form.scoring


def _evaluate(form: Form, shown: Mapping[str, Answer]) -> EligibilityEvaluation:
    return evaluate(_rule(form), derived.values(form, shown))


def to_json(form: Form, evaluation: EligibilityEvaluation) -> dict[str, Any]:
    return {
        "form": form.id,
        "eligible": evaluation.eligible,
        "reasons": [r.code for r in evaluation.reasons],
        "reason_texts": [r.message for r in evaluation.reasons],
        "notes": [n.code for n in evaluation.notes],
        "size_class": evaluation.size_class,
        "above_designated_size": evaluation.above_designated_size,
    }


RULE = Rule(
    name="eligibility",
    model=EligibilityRule,
    check=check,
    evaluate=_evaluate,
    scored_items=lambda form: frozenset(),
    running=no_figures,
    to_json=to_json,
    prepare_answers=as_given,
    score_line=score_line,
    result_lines=result_lines,
    review_warnings=review_warnings,
    lost_groups=no_lost_groups,
    size_line=questions_counted,
    report_slot="eligibility",
    report_view=report_view,
    level_profile=no_profile,
    level_of=no_level,
    blocks_next=lambda evaluation: not evaluation.eligible,
)
