"""The chat's messages as HTML (parse_mode HTML): every text that comes from a person or a form is escaped.

Pure: a form, a screen and a Translator in, a string out.  Wording shared with the terminal channel comes from
bot.present.
"""

from __future__ import annotations

import unicodedata
from html import escape

from bot.i18n import Translator
from bot.interview import engine
from bot.interview.engine import Question, ReviewScreen, State
from bot.interview.schema import ChoiceItem, Form, Item, NumberItem, SingleChoice
from bot.present import answer_text, kind_hint, progress_line, result_lines, score_line
from bot.scoring import evaluate, running, scored_items

#: a label wider than this (in display cells: a Chinese character counts two) is printed in the message and
#: its button shows only its number
MAX_BUTTON_WIDTH = 40
MAX_MESSAGE = 4000


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def option_labels(item: ChoiceItem, tr: Translator) -> list[str]:
    return [tr.form(o.label) for o in item.options]


_NUMBERED: dict[tuple[int, str], tuple[ChoiceItem, bool]] = {}


def numbered_options(item: ChoiceItem, tr: Translator) -> bool:
    """True when the options are printed in the text and the buttons carry numbers only (kept per item)."""
    known = _NUMBERED.get((id(item), tr.lang))
    if known is not None and known[0] is item:
        return known[1]
    numbered = any(display_width(label) > MAX_BUTTON_WIDTH for label in option_labels(item, tr))
    _NUMBERED[(id(item), tr.lang)] = (item, numbered)
    return numbered


def _score_lines(form: Form, state: State, item: Item | None, tr: Translator) -> list[str]:
    lines = [progress_line(engine.progress(form, state.answers), tr)]
    figures = running(form, state.answers)
    if figures is not None and (item is None or item.id in scored_items(form)):
        line = score_line(figures, tr)
        if line:
            lines.append(line)
    return [f"<i>{escape(line)}</i>" for line in lines]


def question(form: Form, state: State, scr: Question, tr: Translator) -> str:
    item = scr.item
    parts: list[str] = []
    if scr.new_section and item.section:
        parts.append(f"<b>【{escape(tr.form(item.section))}】</b>")
    hint = kind_hint(item, tr)
    flags = [hint] if hint else []
    if not item.required:
        flags.append(tr.ui("optional"))
    head = f"<b>{escape(tr.form(item.text))}</b>"
    if flags:
        head += f" ({escape(', '.join(flags))})"
    parts.append(head)
    if isinstance(item, ChoiceItem) and numbered_options(item, tr):
        parts.append("\n".join(f"{n}. {escape(label)}" for n, label in enumerate(option_labels(item, tr), 1)))
    if isinstance(item, SingleChoice) and item.accepts_number == "percent":
        parts.append(escape(tr.ui("…or type the exact percentage, e.g. 15%")))
    elif isinstance(item, NumberItem):
        parts.append(escape(number_prompt(item, tr)))
    elif item.type == "text":
        parts.append(escape(tr.ui("Please type your answer.")))
    if scr.answer is not None:
        parts.append(escape(tr.ui("Current answer: {answer}", answer=answer_text(item, scr.answer, tr))))
    parts.append("\n".join(_score_lines(form, state, item, tr)))
    return "\n\n".join(parts)


def number_prompt(item: NumberItem, tr: Translator) -> str:
    if item.type == "percent":
        return tr.ui("Type a percentage, e.g. 98.5")
    if item.type == "money":
        return tr.ui("Type an amount in 10k yuan, e.g. 120")
    if item.type == "integer":
        return tr.ui("Type a whole number.")
    return tr.ui("Type a number.")


def review(form: Form, state: State, scr: ReviewScreen, tr: Translator) -> str:
    title = tr.ui("Review: {answered}/{total} answered", answered=scr.progress.answered, total=scr.progress.total)
    lines = [f"<b>{escape(title)}</b>", ""]
    for n, row in enumerate(scr.rows, 1):
        text = tr.form(row.item.text)
        short = text if len(text) <= 30 else text[:29] + "…"
        lines.append(f"{n}. {escape(short)} — <b>{escape(answer_text(row.item, row.answer, tr))}</b>")
    lines.append("")
    evaluation = evaluate(form, state.answers)
    line = score_line(evaluation, tr) if evaluation is not None else ""
    if line:
        lines.append(f"<i>{escape(line)}</i>")
    if scr.missing:
        lines.append(escape(tr.ui("{count} unanswered. Press “Continue” to answer them.", count=len(scr.missing))))
    lines.append(escape(tr.ui("Press a number to change that answer, or “Submit” to finish.")))
    return clip("\n".join(lines))


def result(form: Form, state: State, tr: Translator) -> str:
    lines = [f"<b>{escape(tr.ui('Submitted. Thank you!'))}</b>", escape(tr.form(form.title)), ""]
    for line in result_lines(form, evaluate(form, state.answers), tr):
        text = escape(line.text)
        lines.append(f"<b>{text}</b>" if line.strong else f"<i>{text}</i>" if line.note else text)
    return "\n".join(lines)


def answered(item: Item, state: State, tr: Translator) -> str:
    """What an answered question's message becomes: the question and the answer, no buttons."""
    return f"{escape(tr.form(item.text))}\n✓ <b>{escape(answer_text(item, state.answers.get(item.id), tr))}</b>"


def refusal(reason: str, typed: str | None, tr: Translator) -> str:
    text = f"✗ {escape(reason)}"
    if typed:
        text += "\n" + escape(tr.ui("You typed: {typed}", typed=typed))
    return text


def form_list(forms: list[Form], tr: Translator) -> str:
    lines = [f"<b>{escape(tr.ui('Choose an interview:'))}</b>", ""]
    for n, form in enumerate(forms, 1):
        line = f"{n}. <b>{escape(tr.form(form.title))}</b>"
        if form.summary:
            line += f"\n   {escape(tr.form(form.summary))}"
        lines.append(line)
    return "\n".join(lines)


def opened(form: Form, state: State, resumed: bool, tr: Translator) -> str:
    if resumed and state.answers:
        return escape(tr.ui("Welcome back: your {count} earlier answers are kept; continuing where you left off.",
                            count=len(state.answers)))
    return f"<b>{escape(tr.form(form.title))}</b>\n" + escape(
        tr.ui("{count} questions, about {minutes} minutes.", count=len(form.items), minutes=form.minutes or "?"))


def help_text(tr: Translator) -> str:
    return "\n".join(escape(line) for line in (
        tr.ui("Answer each question with the buttons under it, or type the option number(s)."),
        tr.ui("Back returns to the previous question, Skip leaves an optional question empty, "
              "Review lists all your answers, ❓ explains the question."),
        tr.ui("Every answer is saved at once: /resume continues where you left off, even days later."),
        "",
        tr.ui("/start – choose an interview"),
        tr.ui("/resume – continue the current interview"),
        tr.ui("/lang – 中文 / English"),
        tr.ui("/cancel – leave the interview (your answers are kept)"),
    ))


def clip(text: str) -> str:
    """Keep a message within Telegram's limit (the review list of a very long form)."""
    if len(text) <= MAX_MESSAGE:
        return text
    cut = text.rfind("\n", 0, MAX_MESSAGE - 2)
    return text[:cut] + "\n…"
