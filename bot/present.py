"""Words and numbers shown to a person, shared by every channel: answers, progress, scores, refusals.

Pure: a Translator in, text out (plain text; a channel adds its own markup and escaping).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from bot.i18n import N_, Translator
from bot.interview import derived
from bot.interview.answer import Answer
from bot.interview.conditions import render_message
from bot.interview.engine import Notice, Progress, State, Step, missing_items, visible_answers
from bot.interview.errors import AnswerError
from bot.interview.kinds import kind_of
from bot.interview.kinds.base import colon as colon  # re-exported: the channels say it with the rest
from bot.interview.kinds.base import list_sep as list_sep
from bot.interview.numbering import numbering
from bot.interview.schema import (
    EligibilityRule,
    Form,
    GroupItem,
    Item,
    Miit2024Scoring,
    PointsRubric,
    WeightedTreeScoring,
)
from bot.scoring import Evaluation, evaluate, lost_groups, miit2024
from bot.scoring.eligibility import EligibilityEvaluation
from bot.scoring.levels import rounded
from bot.scoring.points import RubricEvaluation
from bot.scoring.weighted_tree import RunningScore, TreeEvaluation
from bot.texts import ERRORS


def form_message(template: str, values: Mapping[str, Any], tr: Translator) -> str:
    """A form's message (a check, a reason) in the person's language: the template translated, then filled in;
    a size class it names ("中型", a computed value) in the person's words."""
    text = render_message(tr.form(template), values)
    if tr.lang != "zh":
        for name, words in SIZE_CLASSES.items():
            text = text.replace(name, tr.ui(words))
    return text


def error_text(error: AnswerError, tr: Translator) -> str:
    if error.code == "check_failed":
        return form_message(error.params["template"], error.params["values"], tr)
    template = ERRORS.get(error.code)
    if template is None:
        return tr.ui("That answer was not accepted. Please check it and try again.")
    params = {k: (tr.form(v) if k in ("option", "entry") else v) for k, v in error.params.items()}
    return tr.ui(template, **params)


#: the size classes of 工信部联企业〔2011〕300号 as the scoring names them, in the interface's words
SIZE_CLASSES: dict[str, str] = {"大型": N_("large"), "中型": N_("medium-sized"), "小型": N_("small"),
                                "微型": N_("micro")}


def size_class_name(value: str, tr: Translator) -> str:
    return tr.ui(SIZE_CLASSES[value]) if value in SIZE_CLASSES else tr.form(value)


def section_heading(section: str, tr: Translator) -> str:
    """"【数字化基础 / 设备系统】" in Chinese, "[Digital foundation / Equipment]" in English."""
    return f"【{tr.form(section)}】" if tr.lang == "zh" else f"[{tr.form(section)}]"


def shorten(text: str, limit: int) -> str:
    """A label cut to `limit` characters, never in the middle of an English word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1].isascii() and text[limit - 1].isalnum() and " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + "…"


def size_line(form: Form, tr: Translator) -> str:
    """"24 questions, about 10 minutes" — counted as the paper counts (a rubric form: its details, indicators and
    bonus items apart)."""
    questions = numbering(form).questions
    minutes = form.minutes or "?"
    indicators = sum(1 for q in questions if q.isdigit())
    if isinstance(form.scoring, PointsRubric) and indicators:
        return tr.ui("{details} enterprise details, {indicators} indicators and {bonus} bonus items, about {minutes} "
                     "minutes.", details=sum(1 for q in questions if q.startswith("A")), indicators=indicators,
                     bonus=sum(1 for q in questions if q.startswith("B")), minutes=minutes)
    return tr.ui("{count} questions, about {minutes} minutes.", count=len(questions), minutes=minutes)


def open_count(form: Form, missing: tuple[str, ...]) -> int:
    """Unanswered questions as the paper counts them (a question's parts once; a follow-up with its question)."""
    questions = numbering(form).question_of
    return len({questions.get(i, i) for i in missing})


def item_label(form: Form, item: Item) -> str:
    """The item's number as the paper prints it ("7", "16.2", "22a", "A3")."""
    return numbering(form).labels[item.id]


def has_marker(text: str, *markers: str) -> bool:
    lowered = text.lower()
    return any(m in lowered for m in markers)


def item_flags(item: Item, tr: Translator) -> list[str]:
    """"single choice", "optional"… — only those the item's own text does not already say."""
    text = tr.form(item.text)
    flags = []
    hint = kind_hint(item, tr)
    if hint and not (item.type == "multi" and has_marker(text, "多选", "multiple", "several", "tick all")):
        flags.append(hint)
    if not item.required and not has_marker(text, "选填", "optional"):
        flags.append(tr.ui("optional"))
    return flags


def review_warnings(form: Form, state: State, tr: Translator) -> list[str]:
    """What is still wrong, repeated on the review screen before submitting: the cross-field warnings accepted
    on the way, a gate that fails, an eligibility that does not hold."""
    answers = visible_answers(form, state.answers)
    lines = [form_message(f.check.message, derived.values(form, answers), tr)
             for f in derived.failed_checks(form, answers) if f.check.severity == "warning"]
    evaluation = evaluate(form, answers)
    if isinstance(evaluation, RubricEvaluation):
        lost = evaluation.lost if missing_items(form, state.answers) else evaluation.failing
        if lost:
            lines.append(tr.ui("These indicators score 0, so the application cannot go on to review: {names}",
                               names=list_sep(tr).join(tr.form(n) for n in lost)))
    elif isinstance(evaluation, EligibilityEvaluation) and not evaluation.eligible and evaluation.reasons:
        lines.append(tr.ui("Not eligible for filing:") + " "
                     + list_sep(tr).join(outcome_text(form, r.code, r.message, state.answers, tr)
                                         for r in evaluation.reasons))
    return lines


def notice_text(notice: Notice, tr: Translator) -> str:
    """A cross-field warning in the person's language."""
    return form_message(notice.template, notice.values, tr)


def explanation(item: Item | None, tr: Translator) -> str:
    """What an item means (its help), as plain text."""
    return tr.form(item.help) if item is not None and item.help else tr.ui("No further explanation for this question.")


def kind_hint(item: Item, tr: Translator) -> str:
    """The item's kind in a word or two ("single choice"), or ""."""
    return kind_of(item).hint(item, tr)


def answer_text(item: Item, answer: Answer | None, tr: Translator) -> str:
    if answer is None:
        return tr.ui("(not answered)")
    if answer.value is None:
        return tr.ui("(skipped)")
    return kind_of(item).display(item, answer, tr)


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


def outcome_text(form: Form, code: str, message: str, answers: Mapping[str, Answer] | None, tr: Translator) -> str:
    """An eligibility reason or note in the person's language: its template translated, then filled in (a
    message already filled in with Chinese values would match no catalog entry)."""
    rule = form.scoring
    if isinstance(rule, EligibilityRule) and answers is not None:
        condition = next((c for c in (*rule.reasons, *rule.notes) if c.code == code), None)
        if condition is not None:
            return form_message(condition.message, derived.values(form, visible_answers(form, answers)), tr)
    return tr.form(message)


def result_lines(form: Form, evaluation: Evaluation | None, tr: Translator,
                 answers: Mapping[str, Answer] | None = None) -> list[Line]:
    """The result of a finished interview in plain text lines (each channel adds its own markup); `answers`
    fill in the eligibility reasons and notes in the person's language, and the form's next steps follow."""
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
            names = list_sep(tr).join(tr.form(n) for n in evaluation.failing)
            lines.append(Line(tr.ui("These indicators score 0, so the application cannot go on to review: "
                                    "{names}", names=names), True))
    elif isinstance(evaluation, EligibilityEvaluation):
        if evaluation.eligible:
            lines.append(Line(tr.ui("Eligible for filing."), True))
        else:
            lines.append(Line(tr.ui("Not eligible for filing:"), True))
            lines.extend(Line(f"• {outcome_text(form, r.code, r.message, answers, tr)}") for r in evaluation.reasons)
        if evaluation.size_class:
            lines.append(Line(tr.ui("Size class: {size}", size=size_class_name(evaluation.size_class, tr))))
        lines.extend(Line(f"ℹ️ {outcome_text(form, n.code, n.message, answers, tr)}") for n in evaluation.notes)
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
    "discard": ("discard", "放弃"),
}

def format_hint(item: Item, tr: Translator, answers: Mapping[str, Answer] | None = None) -> str:
    """How a formatted value or a date is typed, in a line ("" for other items)."""
    return kind_of(item).format_hint(item, tr, answers or {})


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
