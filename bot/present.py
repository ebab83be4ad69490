"""Words and numbers shown to a person, shared by every channel: answers, progress, scores, refusals.

Pure: a Translator in, text out (plain text; a channel adds its own markup and escaping).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from bot.i18n import Translator
from bot.interview.answer import Answer
from bot.interview.conditions import render_message
from bot.interview.engine import Notice, Progress, Step
from bot.interview.errors import AnswerError
from bot.interview.schema import (
    ChoiceItem,
    DateItem,
    Form,
    FormattedItem,
    GroupItem,
    Item,
    Miit2024Scoring,
    NumberItem,
    TextItem,
    WeightedTreeScoring,
    YesNo,
)
from bot.scoring import Evaluation, lost_groups, miit2024
from bot.scoring.eligibility import EligibilityEvaluation
from bot.scoring.levels import rounded
from bot.scoring.points import RubricEvaluation
from bot.scoring.weighted_tree import RunningScore, TreeEvaluation
from bot.texts import ERRORS


def error_text(error: AnswerError, tr: Translator) -> str:
    if error.code == "check_failed":
        return render_message(tr.form(error.params["template"]), error.params["values"])
    template = ERRORS.get(error.code)
    if template is None:
        return tr.ui("That answer was not accepted. Please check it and try again.")
    params = {k: (tr.form(v) if k == "option" else v) for k, v in error.params.items()}
    return tr.ui(template, **params)


def notice_text(notice: Notice, tr: Translator) -> str:
    """A cross-field warning in the person's language."""
    return render_message(tr.form(notice.template), notice.values)


def explanation(item: Item | None, tr: Translator) -> str:
    """What an item means (its help), as plain text."""
    return tr.form(item.help) if item is not None and item.help else tr.ui("No further explanation for this question.")


def kind_hint(item: Item, tr: Translator) -> str:
    if item.type == "single":
        return tr.ui("single choice")
    if item.type == "multi":
        return tr.ui("multiple choice")
    if item.type == "yesno":
        return tr.ui("yes / no")
    return ""


def answer_text(item: Item, answer: Answer | None, tr: Translator) -> str:
    if answer is None:
        return tr.ui("(not answered)")
    if answer.value is None:
        return tr.ui("(skipped)")
    if isinstance(item, ChoiceItem):
        ids = answer.value if isinstance(answer.value, list) else [answer.value]
        labels = "；".join(tr.form(item.option(i).short or item.option(i).label) for i in ids)
        if answer.extra:
            other = any(item.option(i).other for i in ids)
            typed = answer.extra + ("%" if getattr(item, "accepts_number", None) == "percent" else "")
            labels += f"：{answer.extra}" if other else tr.ui(" (typed: {value})", value=typed)
        return labels
    if isinstance(item, GroupItem):
        return tr.ui("{count} × {entry}", count=len(answer.value), entry=tr.form(item.entry))
    if isinstance(item, TextItem) and answer.extra:
        names = "、".join(f["name"] for f in json.loads(answer.extra))
        return tr.ui("{text} (files: {names})", text=answer.value, names=names)
    if isinstance(item, YesNo):
        return tr.ui("Yes") if answer.value else tr.ui("No")
    if isinstance(item, NumberItem):
        suffix = "%" if item.type == "percent" else (" " + tr.form(item.unit) if item.unit else "")
        if item.type == "money" and not item.unit:
            suffix = " " + tr.ui("10k yuan")
        return f"{answer.value}{suffix}"
    return str(answer.value)


def entry_text(item: GroupItem, entry: Mapping[str, Any], tr: Translator) -> str:
    """One entry of a repeatable group in a line: its first fields' values."""
    shown = [str(entry[f.id]) for f in item.fields[:3] if entry.get(f.id) not in (None, "")]
    return " / ".join(shown) or tr.ui("(empty)")


def staff_mark(by_staff: bool, tr: Translator) -> str:
    """The mark after an answer that helpdesk staff gave on the owner's behalf."""
    return tr.ui(" (entered by helpdesk)") if by_staff else ""


def progress_line(progress: Progress, tr: Translator) -> str:
    return tr.ui("Progress {answered}/{total}", answered=progress.answered, total=progress.total)


def points(value: Fraction) -> str:
    return str(rounded(value))


def score_line(evaluation: Evaluation | RunningScore, tr: Translator) -> str:
    """"Score 42.10 · final 42.10–77.30 · 二级 sure, up to 三级" — the running view after an answer."""
    if isinstance(evaluation, EligibilityEvaluation):
        return ""
    if isinstance(evaluation, miit2024.Miit2024Evaluation):  # hook
        return miit2024.score_line(evaluation, tr)
    if isinstance(evaluation, RubricEvaluation):
        if evaluation.low == evaluation.high:
            return tr.ui("Score {total} (base {base} + bonus {bonus})", total=points(evaluation.total),
                         base=points(evaluation.base), bonus=points(evaluation.bonus))
        return tr.ui("Score so far {total} · final between {low} and {high}", total=points(evaluation.total),
                     low=points(evaluation.low), high=points(evaluation.high))
    if evaluation.low == evaluation.high:
        return tr.ui("Score {total} · level {level}", total=points(evaluation.total),
                     level=tr.form(evaluation.level.name))
    if evaluation.low_level == evaluation.high_level:
        reach = tr.ui("level {level} whatever the remaining answers", level=tr.form(evaluation.low_level.name))
    elif evaluation.low_level.level == 0:
        reach = tr.ui("{high} still reachable", high=tr.form(evaluation.high_level.name))
    else:
        reach = tr.ui("sure of {low}, {high} still reachable", low=tr.form(evaluation.low_level.name),
                      high=tr.form(evaluation.high_level.name))
    return tr.ui("Score so far {total} · final between {low} and {high} · {reach}", total=points(evaluation.total),
                 low=points(evaluation.low), high=points(evaluation.high), reach=reach)


@dataclass(frozen=True)
class Line:
    """One line of a result: `strong` lines are headlines, `note` lines are small print."""

    text: str
    strong: bool = False
    note: bool = False


def next_steps(form: Form, answers: Mapping[str, Answer], tr: Translator) -> list[str]:
    """What happens after submission (the form's `next_steps`), with the answers it names filled in."""
    if not form.next_steps:
        return []
    shown = {item_id: answer_text(form.item(item_id), a, tr) for item_id, a in answers.items()
             if item_id in form.index and a.value is not None}
    return [render_message(tr.form(paragraph), shown).strip() for paragraph in form.next_steps]


def result_lines(form: Form, evaluation: Evaluation | None, tr: Translator,
                 answers: Mapping[str, Answer] | None = None) -> list[Line]:
    """The result of a finished interview in plain text lines (each channel adds its own markup); with the
    answers, the form's next steps follow."""
    lines: list[Line] = []
    if isinstance(evaluation, TreeEvaluation):
        lines.append(Line(tr.ui("Total {total} / {maximum} · level {level}", total=points(evaluation.total),
                                maximum=points(evaluation.maximum), level=tr.form(evaluation.level.name)), True))
        lines.extend(Line(f"• {tr.form(n.name)}: {points(n.points)} / {points(n.maximum)}") for n in evaluation.nodes)
    elif isinstance(evaluation, RubricEvaluation):
        lines.append(Line(tr.ui("Score {total} (base {base} + bonus {bonus})", total=points(evaluation.total),
                                base=points(evaluation.base), bonus=points(evaluation.bonus)), True))
        lines.extend(Line(f"• {tr.form(s.name)}: {points(s.points)} / {points(s.maximum)}")
                     for s in evaluation.sections)
        if evaluation.gate_passed:
            lines.append(Line(tr.ui("Every second-level indicator scores: the application can go on to review.")))
        else:
            names = "、".join(tr.form(n) for n in evaluation.failing)
            lines.append(Line(tr.ui("These indicators score 0, so the application cannot go on to review: "
                                    "{names}", names=names), True))
    elif isinstance(evaluation, EligibilityEvaluation):
        if evaluation.eligible:
            lines.append(Line(tr.ui("Eligible for filing."), True))
        else:
            lines.append(Line(tr.ui("Not eligible for filing:"), True))
            lines.extend(Line(f"• {tr.form(r.message)}") for r in evaluation.reasons)
        if evaluation.size_class:
            lines.append(Line(tr.ui("Size class: {size}", size=tr.form(evaluation.size_class))))
        lines.extend(Line(f"ℹ️ {tr.form(n.message)}") for n in evaluation.notes)
    elif isinstance(evaluation, miit2024.Miit2024Evaluation):  # hook
        lines.extend(Line(text, strong) for text, strong in miit2024.result_texts(form, evaluation, tr))
    rule = form.scoring
    if isinstance(rule, WeightedTreeScoring | Miit2024Scoring) and rule.estimate:
        lines.append(Line(tr.ui("This is an estimate; the authoritative result comes from {authority}.",
                                authority=tr.form(rule.authority)), note=True))
    steps = next_steps(form, answers, tr) if answers is not None else []
    if steps:
        lines.append(Line(tr.ui("What happens next:"), True))
        lines.extend(Line(f"{n}. {text}") for n, text in enumerate(steps, 1))
    return lines


# --- what people type and how: shared by the terminal and Telegram ----------------------------------------

#: each command, in English and Chinese
COMMANDS: dict[str, tuple[str, ...]] = {
    "back": ("back", "b", "返回", "上一题"),
    "skip": ("skip", "跳过"),
    "review": ("review", "检查", "查看", "回顾"),
    "help": ("help", "?", "？", "帮助"),
    "quit": ("quit", "exit", "q", "退出"),
    "submit": ("submit", "提交"),
    "continue": ("continue", "继续"),
    "keep": ("keep", "沿用"),
    "add": ("add", "新增", "添加"),
    "done": ("done", "完成"),
}

def format_hint(item: Item, tr: Translator, answers: Mapping[str, Answer] | None = None) -> str:
    """How a formatted value or a date is typed, in a line ("" for other items)."""
    if isinstance(item, FormattedItem):
        hints = {
            "credit_code": tr.ui("Format: 18-character unified social credit code"),
            "mobile": tr.ui("Format: 11-digit mobile number, e.g. 13812345678"),
            "landline": tr.ui("Format: landline with area code, e.g. 0571-85257095 (extension optional)"),
            "phone": tr.ui("Format: mobile (11 digits) or landline with area code, e.g. 0571-85257095"),
            "email": tr.ui("Format: e-mail address, e.g. name@example.com"),
            "postal_code": tr.ui("Format: 6-digit postal code, e.g. 310052"),
        }
        return hints.get(item.type, "")
    if isinstance(item, DateItem):
        start = (answers or {}).get(item.after) if item.after else None
        if item.type == "year_month":
            if start is not None and start.value is not None:
                return tr.ui("Format: year and month, e.g. 2024-03, later than {start}", start=start.value)
            return tr.ui("Format: year and month, e.g. 2024-03")
        if start is not None and start.value is not None:
            return tr.ui("Format: date, e.g. 2024-03-11, later than {start}", start=start.value)
        if item.not_future:
            return tr.ui("Format: date, e.g. 2024-03-11, not later than today")
        return tr.ui("Format: date, e.g. 2024-03-11")
    return ""


def command_of(text: str) -> str | None:
    key = text.strip().lower()
    for name, words in COMMANDS.items():
        if key in words:
            return name
    return None


def step_warnings(form: Form, step: Step, tr: Translator) -> list[str]:
    """Warnings about an accepted answer: the cross-field checks, and a gated group that can no longer score."""
    lines = [notice_text(w, tr) for w in step.warnings]
    if step.changes:
        lines.extend(tr.ui("{group} can no longer score: the application would not pass the gate.",
                           group=tr.form(name))
                     for name in lost_groups(form, step.state.answers, step.changes[-1]))
    return lines
