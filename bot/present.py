"""Words and numbers shown to a person, shared by every channel: answers, progress, scores, refusals.

Pure: a Translator in, text out (plain text; a channel adds its own markup and escaping).
"""

from __future__ import annotations

import json
from fractions import Fraction

from bot.i18n import Translator
from bot.interview.conditions import render_message
from bot.interview.engine import Answer, Notice, Progress
from bot.interview.errors import AnswerError
from bot.interview.schema import ChoiceItem, GroupItem, Item, NumberItem, TextItem, YesNo
from bot.scoring import Evaluation
from bot.scoring.eligibility import EligibilityEvaluation
from bot.scoring.levels import rounded
from bot.scoring.points import RubricEvaluation
from bot.texts import ERRORS


def error_text(error: AnswerError, tr: Translator) -> str:
    if error.code == "check_failed":
        return render_message(tr.form(error.params["template"]), error.params["values"])
    template = ERRORS.get(error.code)
    if template is None:
        return tr.ui("That answer was not accepted ({code}).", code=error.code)
    params = {k: (tr.form(v) if k == "option" else v) for k, v in error.params.items()}
    return tr.ui(template, **params)


def notice_text(notice: Notice, tr: Translator) -> str:
    """A cross-field warning in the person's language."""
    return render_message(tr.form(notice.template), notice.values)


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
            labels += f"：{answer.extra}" if other else tr.ui(" (typed: {value})", value=answer.extra)
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


def entry_text(item: GroupItem, entry: dict[str, object], tr: Translator) -> str:
    """One entry of a repeatable group in a line: its first fields' values."""
    shown = [str(entry[f.id]) for f in item.fields[:3] if entry.get(f.id) not in (None, "")]
    return " / ".join(shown) or tr.ui("(empty)")


def progress_line(progress: Progress, tr: Translator) -> str:
    return tr.ui("Progress {answered}/{total}", answered=progress.answered, total=progress.total)


def points(value: Fraction) -> str:
    return str(rounded(value))


def score_line(evaluation: Evaluation, tr: Translator) -> str:
    """"Score 42.10 · final 42.10–77.30 · 二级 sure, up to 三级" — the running view after an answer."""
    if isinstance(evaluation, EligibilityEvaluation):
        return ""
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
    else:
        reach = tr.ui("sure of {low}, {high} still reachable", low=tr.form(evaluation.low_level.name),
                      high=tr.form(evaluation.high_level.name))
    return tr.ui("Score so far {total} · final between {low} and {high} · {reach}", total=points(evaluation.total),
                 low=points(evaluation.low), high=points(evaluation.high), reach=reach)
