"""The chat's messages as HTML (parse_mode HTML): every text that comes from a person or a form is escaped.

Pure: a form, a screen and a Translator in, a string out.  Wording shared with the terminal channel comes from
bot.present.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from bot.i18n import Translator
from bot.interview import engine
from bot.interview.answer import Answer
from bot.interview.engine import Question, ReviewScreen, State
from bot.interview.groups import group_view
from bot.interview.kinds import kind_of
from bot.interview.schema import (
    FieldItem,
    Form,
    GroupItem,
    Item,
)
from bot.present import (
    answer_text,
    entry_text,
    explanation,
    item_flags,
    item_label,
    open_count,
    progress_line,
    result_lines,
    review_warnings,
    score_line,
    section_heading,
    shorten,
    size_line,
    staff_mark,
)
from bot.scoring import evaluate, running, scored_items

#: a label wider than this (in display cells: a Chinese character counts two) is printed in the message and
#: its button shows only its number
MAX_BUTTON_WIDTH = 40
MAX_MESSAGE = 4000


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def option_labels(item: Item, tr: Translator) -> list[str]:
    """The labels of an item's printed options (a choice's; none for other kinds)."""
    return [tr.form(o.label) for o in kind_of(item).options(item)]


_NUMBERED: dict[tuple[int, str], tuple[Item, bool]] = {}


def numbered_options(item: Item, tr: Translator) -> bool:
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


def _heading(scr: Question, tr: Translator) -> list[str]:
    item = scr.item
    if scr.new_section and item.section:
        return [f"<b>{escape(section_heading(item.section, tr))}</b>"]
    return []


def _flags(item: Item, tr: Translator) -> str:
    flags = item_flags(item, tr)
    if not flags:
        return ""
    return f"（{escape('，'.join(flags))}）" if tr.lang == "zh" else f" ({escape(', '.join(flags))})"


def _note(item: Item, tr: Translator) -> str:
    """The condition or note the source prints with the question, on its own line under it."""
    return f"\n<i>{escape(tr.form(item.note))}</i>" if item.note else ""


def _prompt(item: Item, tr: Translator, answers: Mapping[str, Answer] | None = None) -> str | None:
    """How to answer an item that is not only buttons: a format, a unit, or "type it" (the item's kind says)."""
    return kind_of(item).prompt(item, tr, answers or {}) or None


def question(form: Form, state: State, scr: Question, tr: Translator) -> str:
    item = scr.item
    if isinstance(item, GroupItem):  # its entries and the field asked: the group's own screen
        return group_question(form, state, scr, item, tr)
    parts = _heading(scr, tr)
    parts.append(f"<b>{escape(item_label(form, item))}. {escape(tr.form(item.text))}</b>" + _flags(item, tr)
                 + _note(item, tr))
    if numbered_options(item, tr):
        parts.append("\n".join(f"{n}. {escape(label)}" for n, label in enumerate(option_labels(item, tr), 1)))
    if scr.asking_other:
        if scr.answer is not None:
            parts.append(escape(tr.ui("Current answer: {answer}", answer=answer_text(item, scr.answer, tr))))
        parts.append("✏️ <b>" + escape(tr.ui("Please say what “other” is:")) + "</b>")
        parts.append("\n".join(_score_lines(form, state, item, tr)))
        return "\n\n".join(parts)
    prompt = _prompt(item, tr, state.answers)
    if prompt:
        parts.append(escape(prompt))
    if scr.answer is not None:
        parts.append(escape(tr.ui("Current answer: {answer}", answer=answer_text(item, scr.answer, tr))))
    elif scr.suggestion is not None:
        parts.append(suggestion_line(item, scr.suggestion, scr.suggested, tr))
    parts.append("\n".join(_score_lines(form, state, item, tr)))
    return "\n\n".join(parts)


def suggestion_line(item: Item, suggestion: Answer, suggested: bool, tr: Translator) -> str:
    """The value offered to confirm: computed from the earlier answers (`suggested`, the engine's Question says),
    or given before (the enterprise profile, an earlier interview)."""
    value = answer_text(item, suggestion, tr)
    if suggested:
        line = tr.ui("Suggested from your answers: {answer}", answer=value)
    else:
        line = tr.ui("Given before: {answer}", answer=value)
    return "💡 " + escape(line) + "\n" + escape(tr.ui("Press “Use this” to keep it, or give another answer."))


# --- repeatable groups ---------------------------------------------------------------------------------------


def entry_label(item: GroupItem, number: int, tr: Translator) -> str:
    return f"{tr.form(item.entry)} {number}"


def group_question(form: Form, state: State, scr: Question, item: GroupItem, tr: Translator) -> str:
    view = group_view(item, state)
    parts = _heading(scr, tr)
    if not (parts and item.section == item.text):
        parts.append(f"<b>{escape(item_label(form, item))}. {escape(tr.form(item.text))}</b>")
    if view.field is None:
        if view.entries:
            parts.append("\n".join(f"{n}. {escape(entry_text(item, entry, tr))}"
                                   for n, entry in enumerate(view.entries, 1)))
        else:
            parts.append(escape(tr.ui("No {entry} yet.", entry=tr.form(item.entry))))
        parts.append(escape(tr.ui("Press “Add” for another {entry}, ✏️ N to change one, 🗑 N to remove one, "
                                  "or “Done” when the list is complete.", entry=tr.form(item.entry))))
    else:
        asked: FieldItem = item.fields[view.field]
        parts.append(f"<b>{escape(entry_label(item, view.number, tr))} · {escape(tr.form(asked.text))}</b>"
                     + _flags(asked, tr) + _note(asked, tr))
        if numbered_options(asked, tr):
            parts.append("\n".join(f"{n}. {escape(label)}" for n, label in enumerate(option_labels(asked, tr), 1)))
        prompt = _prompt(asked, tr)
        if prompt:
            parts.append(escape(prompt))
        if asked.id in view.current:
            shown = answer_text(asked, Answer(view.current[asked.id]), tr)
            parts.append(escape(tr.ui("Current answer: {answer}", answer=shown)) + "\n"
                         + escape(tr.ui("Press “Keep” to leave it as it is, or give another answer.")))
    parts.append("\n".join(_score_lines(form, state, item, tr)))
    return "\n\n".join(parts)


def group_answered(item: GroupItem, asked: FieldItem, number: int, value: Any, tr: Translator) -> str:
    """What a group field's message becomes once answered with a button."""
    shown = answer_text(asked, Answer(value), tr)
    return f"{escape(entry_label(item, number, tr))} · {escape(tr.form(asked.text))}\n✓ <b>{escape(shown)}</b>"


def remove_question(item: GroupItem, number: int, entry: Mapping[str, Any], tr: Translator) -> str:
    return escape(tr.ui("Remove {entry}: {text}?", entry=entry_label(item, number, tr),
                        text=entry_text(item, entry, tr)))


# --- after an answer -----------------------------------------------------------------------------------------


def warning_notes(warnings: Sequence[str]) -> list[str]:
    """Warnings about an accepted answer (a Turn's, plain text) as HTML lines."""
    return [f"⚠️ {escape(line)}" for line in warnings]


def review(form: Form, state: State, scr: ReviewScreen, tr: Translator) -> str:
    title = tr.ui("Review: {answered}/{total} answered", answered=scr.progress.answered, total=scr.progress.total)
    lines = [f"<b>{escape(title)}</b>", ""]
    for row in scr.rows:
        short = shorten(tr.form(row.item.text), 30 if tr.lang == "zh" else 50)
        mark = escape(staff_mark(row.by_staff, tr))
        lines.append(f"{escape(item_label(form, row.item))}. {escape(short)} — "
                     f"<b>{escape(answer_text(row.item, row.answer, tr))}</b>{mark}")
    lines.append("")
    evaluation = evaluate(form, state.answers)
    line = score_line(evaluation, tr) if evaluation is not None else ""
    if line:
        lines.append(f"<i>{escape(line)}</i>")
    warnings = [f"⚠️ {escape(w)}" for w in review_warnings(form, state, tr)]
    if scr.missing:
        lines.append(escape(tr.ui("{count} unanswered. Press “Continue” to answer them.",
                                  count=open_count(form, scr.missing))))
    if scr.confirming:
        ask = escape(tr.ui("Submit now? Once submitted, answers can only be changed through the helpdesk."))
        # the warnings and the question are kept whole: the list above them is what gets clipped
        return clip_head("\n".join(lines), "\n".join([*warnings, f"<b>{ask}</b>"]))
    lines.append(escape(tr.ui("Press a number to change that answer, or “Submit” to finish.")))
    return clip_head("\n".join(lines), "\n".join(warnings))


def result(form: Form, state: State, tr: Translator) -> str:
    thanks = tr.ui("Submitted. Thank you!")
    lines = [f"<b>{escape(thanks)}</b>", escape(tr.form(form.title)), ""]
    for line in result_lines(form, evaluate(form, state.answers), tr, state.answers):
        text = escape(line.text)
        lines.append(f"<b>{text}</b>" if line.strong else f"<i>{text}</i>" if line.note else text)
    return "\n".join(lines)


def answered(item: Item, state: State, tr: Translator) -> str:
    """What an answered question's message becomes: the question and the answer, no buttons."""
    return f"{escape(tr.form(item.text))}\n✓ <b>{escape(answer_text(item, state.answers.get(item.id), tr))}</b>"


#: the longest echo of a refused text (the rest stays in the person's own message above)
MAX_ECHO = 600


def refusal(reason: str, typed: str | None, tr: Translator) -> str:
    text = f"✗ {escape(reason)}"
    if typed:
        shown = typed if len(typed) <= MAX_ECHO else typed[:MAX_ECHO] + "…"
        text += "\n" + escape(tr.ui("You typed: {typed}", typed=shown))
    return text


def form_list(forms: list[Form], tr: Translator) -> str:
    title = tr.ui("Choose an interview:")
    lines = [f"<b>{escape(title)}</b>", ""]
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
    return f"<b>{escape(tr.form(form.title))}</b>\n" + escape(size_line(form, tr))


def no_interview(tr: Translator) -> str:
    return escape(tr.ui("You have no interview in progress. Send /start to choose one."))


def item_help(item: Item, tr: Translator) -> str:
    """The ❓ answer: the item's text in bold, then what it means."""
    return f"❓ <b>{escape(tr.form(item.text))}</b>\n\n{escape(explanation(item, tr))}"


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
        tr.ui("/report – the report files of your latest submitted interview"),
        tr.ui("/code – a code to continue on another phone, or to give the helpdesk"),
        tr.ui("/forget – erase all your data (cannot be undone)"),
    ))


def staff_help_text(tr: Translator) -> str:
    """The helpdesk's commands, shown to staff under /help."""
    return "\n".join(escape(line) for line in (
        tr.ui("Helpdesk commands (staff only):"),
        tr.ui("/find TEXT – sessions by company name, credit code, phone or resume code"),
        tr.ui("/take N – take session N over (or the Take button under /find); the owner is told"),
        tr.ui("/handback – give the session you hold back to its owner"),
        tr.ui("/reopen N REASON – unlock submitted session N for correction (audited, the owner is told)"),
        tr.ui("/audit N – every change of session N"),
        tr.ui("/report N – the staff copy of session N's reports"),
        tr.ui("/export [district] – the annex-5 workbook of submitted filings"),
        tr.ui("/staff add ID – make a Telegram user helpdesk staff"),
    ))


def clip_head(head: str, tail: str) -> str:
    """`head` then `tail`, cutting `head` (never `tail`) to keep within Telegram's limit."""
    if not tail:
        return clip(head)
    room = MAX_MESSAGE - 80 - utf16_len(tail) - 2
    if utf16_len(head) > room:
        cut = head.rfind("\n", 0, _utf16_prefix(head, max(room - 2, 0)))
        head = head[:cut] + "\n…" if cut > 0 else ""
    return clip(head + "\n\n" + tail if head else tail)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP is two)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^<>]*>")


def _utf16_prefix(text: str, units: int) -> int:
    """The largest index i such that text[:i] takes at most `units` UTF-16 code units."""
    total = 0
    for i, ch in enumerate(text):
        total += 2 if ord(ch) > 0xFFFF else 1
        if total > units:
            return i
    return len(text)


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    """Keep an HTML message within Telegram's limit, counted in UTF-16 code units: cut at a line break when one
    is in the second half (else anywhere), never inside a tag or an entity, and close the tags left open."""
    if utf16_len(text) <= limit:
        return text
    budget = limit - 80  # room for "…" and the closing tags
    while True:
        cut = _utf16_prefix(text, budget)
        line = text.rfind("\n", 0, cut)
        if line > cut // 2:
            cut = line
        if (lt := text.rfind("<", 0, cut)) > text.rfind(">", 0, cut):
            cut = lt  # not inside a tag
        if (amp := text.rfind("&", 0, cut)) > text.rfind(";", 0, cut):
            cut = amp  # not inside an entity
        head = text[:cut]
        stack: list[str] = []
        for m in _TAG.finditer(head):
            closing, name = m.group(1), m.group(2).lower()
            if closing:
                if name in stack:
                    del stack[len(stack) - 1 - stack[::-1].index(name)]
            else:
                stack.append(name)
        result = head + "".join(f"</{name}>" for name in reversed(stack)) + "\n…"
        if utf16_len(result) <= limit or budget <= 0:
            return result
        budget -= 200
