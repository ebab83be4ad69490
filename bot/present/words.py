"""Words and numbers shown to a person, shared by every channel: answers, progress, scores, refusals.

Pure: a Translator in, text out (plain text; a channel adds its own markup and escaping).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from bot.i18n import Translator
from bot.interview import derived
from bot.interview.answer import Answer
from bot.interview.conditions import render_message
from bot.interview.engine import Notice, Progress, State, Step, origin_values, visible_answers
from bot.interview.errors import AnswerError
from bot.interview.kinds import kind_of
from bot.interview.kinds.base import colon as colon  # re-exported: the channels say it with the rest
from bot.interview.kinds.base import list_sep as list_sep
from bot.interview.numbering import numbering
from bot.interview.schema import (
    Form,
    GroupItem,
    Item,
)
from bot.scoring import Evaluation, evaluate, lost_groups, rule_named, rule_of
from bot.scoring.levels import rounded
from bot.texts import ERRORS
from bot.wording import Line, form_message


def error_text(error: AnswerError, tr: Translator) -> str:
    if error.code == "check_failed":
        return form_message(error.params["template"], error.params["values"], tr)
    template = ERRORS.get(error.code)
    if template is None:
        return tr.ui("That answer was not accepted. Please check it and try again.")
    params = {k: (tr.form(v) if k in ("option", "entry") else v) for k, v in error.params.items()}
    return tr.ui(template, **params)


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
    rule = rule_of(form)
    counted = rule.size_line(form, tr) if rule is not None else None
    if counted is not None:
        return counted
    return tr.ui("{count} questions, about {minutes} minutes.", count=len(numbering(form).questions),
                 minutes=form.minutes or "?")


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
    origin = origin_values(state)
    lines = [form_message(f.check.message, derived.values(form, answers, origin), tr)
             for f in derived.failed_checks(form, answers, origin=origin) if f.check.severity == "warning"]
    rule, evaluation = rule_of(form), evaluate(form, answers)
    if rule is not None and evaluation is not None:
        lines.extend(rule.review_warnings(form, evaluation, state.answers, tr))
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


def score_line(evaluation: Evaluation, tr: Translator) -> str:
    """"Score 42.10 · final 42.10–77.30 · 二级 sure, up to 三级" — the running view after an answer, or the score on
    the review screen, as the rule that made the figures words it ("" when it shows none)."""
    return rule_named(evaluation).score_line(evaluation, tr)


def next_steps(form: Form, answers: Mapping[str, Answer], tr: Translator) -> list[str]:
    """What happens after submission (the form's `next_steps`), with the answers it names filled in."""
    if not form.next_steps:
        return []
    shown = {item_id: answer_text(form.item(item_id), a, tr) for item_id, a in answers.items()
             if item_id in form.index and a.value is not None}
    return [render_message(tr.form(paragraph), shown).strip() for paragraph in form.next_steps]


def result_lines(form: Form, evaluation: Evaluation | None, tr: Translator,
                 answers: Mapping[str, Answer] | None = None) -> list[Line]:
    """The result of a finished interview in plain text lines (each channel adds its own markup): the rule's
    (`answers` fill in its messages in the person's language), then the form's next steps."""
    rule = rule_of(form)
    lines = rule.result_lines(form, evaluation, tr, answers) if rule is not None and evaluation is not None else []
    steps = next_steps(form, answers, tr) if answers is not None else []
    if steps:
        lines.append(Line(tr.ui("What happens next:"), True))
        lines.extend(Line(f"{n}. {text}") for n, text in enumerate(steps, 1))
    return lines


def format_hint(item: Item, tr: Translator, answers: Mapping[str, Answer] | None = None) -> str:
    """How a formatted value or a date is typed, in a line ("" for other items)."""
    return kind_of(item).format_hint(item, tr, answers or {})


def step_warnings(form: Form, step: Step, tr: Translator) -> list[str]:
    """Warnings about an accepted answer: the cross-field checks, and a gated group that can no longer score."""
    lines = [notice_text(w, tr) for w in step.warnings]
    if step.changes:
        lines.extend(tr.ui("{group} can no longer score: the application would not pass the gate.",
                           group=tr.form(name))
                     for name in lost_groups(form, step.state.answers, step.changes[-1]))
    return lines


#: the longest typed text or answer quoted in the note on a message typed too early
MAX_QUOTE = 80


def _quoted(text: str) -> str:
    return text if len(text) <= MAX_QUOTE else text[:MAX_QUOTE] + "…"


def typed_too_early(form: Form, state: State, typed: str | None, tr: Translator) -> str:
    """The note above the current screen when a message was typed before that screen was shown (it was not
    applied): what was not saved, and the answer saved last (the one that moved the interview on), if any."""
    what = _quoted((typed or "").strip() or tr.ui("your message"))
    last = form.index.get(state.history[-1]) if state.history else None
    if last is None:
        return tr.ui("“{typed}”, typed before the question below was shown, was not saved.", typed=what)
    return tr.ui("“{typed}”, typed before the question below was shown, was not saved; saved: question {number}, "
                 "{answer}.", typed=what, number=item_label(form, last),
                 answer=_quoted(answer_text(last, state.answers.get(last.id), tr)))
