"""The chat's messages as HTML (parse_mode HTML): the screen model (bot/present/screen.py) marked up, every text
from a person or a form escaped.

Pure: a Screen and a Translator in, a string out.  What a screen holds is decided by bot/present/build.py; only
the markup (bold, italics, the options printed when too wide for a button) is decided here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from html import escape

from bot.i18n import Translator
from bot.interview.engine import State
from bot.interview.schema import Form
from bot.present import shorten
from bot.present import typed_too_early as words_typed_too_early
from bot.present.screen import Row, Screen, ScreenKind

#: a label wider than this (in display cells: a Chinese character counts two) is printed in the message and
#: its button shows only its number
MAX_BUTTON_WIDTH = 40
MAX_MESSAGE = 4000


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def numbered_options(scr: Screen) -> bool:
    """True when the options are printed in the text and the buttons carry numbers only."""
    return any(display_width(c.label) > MAX_BUTTON_WIDTH for c in scr.choices)


def _score_lines(scr: Screen) -> str:
    lines = [scr.progress, *([scr.score] if scr.score else [])]
    return "\n".join(f"<i>{escape(line)}</i>" for line in lines)


def _heading(scr: Screen) -> list[str]:
    return [f"<b>{escape(scr.heading)}</b>"] if scr.heading else []


def _flags(flags: Sequence[str], tr: Translator) -> str:
    if not flags:
        return ""
    return f"（{escape('，'.join(flags))}）" if tr.lang == "zh" else f" ({escape(', '.join(flags))})"


def _note(note: str) -> str:
    """The condition or note the source prints with the question, on its own line under it."""
    return f"\n<i>{escape(note)}</i>" if note else ""


def _printed_options(scr: Screen) -> list[str]:
    if not numbered_options(scr):
        return []
    return ["\n".join(f"{c.number}. {escape(c.label)}" for c in scr.choices)]


def screen_text(scr: Screen, tr: Translator) -> str:
    """Any screen as the chat's message."""
    if scr.kind in (ScreenKind.REVIEW, ScreenKind.CONFIRM):
        return review(scr, tr)
    if scr.kind is ScreenKind.RESULT:
        return result(scr, tr)
    return question(scr, tr)


def question(scr: Screen, tr: Translator) -> str:
    if scr.group is not None:  # its entries and the field asked: the group's own screen
        return group_question(scr, tr)
    parts = _heading(scr)
    parts.append(f"<b>{escape(scr.number)}. {escape(scr.text)}</b>" + _flags(scr.flags, tr) + _note(scr.note))
    parts.extend(_printed_options(scr))
    if scr.kind is ScreenKind.OTHER:
        if scr.current:
            parts.append(escape(tr.ui("Current answer: {answer}", answer=scr.current)))
        parts.append("✏️ <b>" + escape(tr.ui("Please say what “other” is:")) + "</b>")
        parts.append(_score_lines(scr))
        return "\n\n".join(parts)
    if scr.prompt:
        parts.append(escape(scr.prompt))
    if scr.current:
        parts.append(escape(tr.ui("Current answer: {answer}", answer=scr.current)))
    elif scr.suggestion:
        parts.append(suggestion_line(scr, tr))
    parts.append(_score_lines(scr))
    return "\n\n".join(parts)


def suggestion_line(scr: Screen, tr: Translator) -> str:
    """The value offered to confirm: from the enterprise profile ("given before") or the earlier answers."""
    if scr.suggested == "before":
        line = tr.ui("Given before: {answer}", answer=scr.suggestion)
    else:
        line = tr.ui("Suggested from your answers: {answer}", answer=scr.suggestion)
    return "💡 " + escape(line) + "\n" + escape(tr.ui("Press “Use this” to keep it, or give another answer."))


# --- repeatable groups ---------------------------------------------------------------------------------------


def group_question(scr: Screen, tr: Translator) -> str:
    assert scr.group is not None
    parts = _heading(scr)
    parts.append(f"<b>{escape(scr.number)}. {escape(scr.group_text)}</b>")
    if scr.kind is ScreenKind.GROUP_MENU:
        if scr.entries:
            parts.append("\n".join(f"{n}. {escape(entry)}" for n, entry in enumerate(scr.entries, 1)))
        else:
            parts.append(escape(tr.ui("No {entry} yet.", entry=scr.entry_noun)))
        parts.append(escape(tr.ui("Press “Add” for another {entry}, ✏️ N to change one, 🗑 N to remove one, "
                                  "or “Done” when the list is complete.", entry=scr.entry_noun)))
    else:
        parts.append(f"<b>{escape(scr.entry)} · {escape(scr.text)}</b>" + _flags(scr.flags, tr) + _note(scr.note))
        parts.extend(_printed_options(scr))
        if scr.prompt:
            parts.append(escape(scr.prompt))
        if scr.current:
            parts.append(escape(tr.ui("Current answer: {answer}", answer=scr.current)) + "\n"
                         + escape(tr.ui("Press “Keep” to leave it as it is, or give another answer.")))
    parts.append(_score_lines(scr))
    return "\n\n".join(parts)


def remove_question(scr: Screen, number: int, tr: Translator) -> str:
    entry = scr.entries[number - 1] if 0 < number <= len(scr.entries) else ""
    return escape(tr.ui("Remove {entry}: {text}?", entry=f"{scr.entry_noun} {number}", text=entry))


def answered(row: Row) -> str:
    """What an answered question's message becomes: the question and the answer, no buttons."""
    return f"{escape(row.text)}\n✓ <b>{escape(row.answer)}</b>"


def group_answered(row: Row) -> str:
    """What a group field's message becomes once answered with a button."""
    return f"{escape(row.number)} · {escape(row.text)}\n✓ <b>{escape(row.answer)}</b>"


# --- after an answer -----------------------------------------------------------------------------------------


def warning_notes(warnings: Sequence[str]) -> list[str]:
    """Warnings about an accepted answer (a Turn's, plain text) as HTML lines."""
    return [f"⚠️ {escape(line)}" for line in warnings]


def review(scr: Screen, tr: Translator) -> str:
    title = tr.ui("Review: {answered}/{total} answered", answered=scr.answered, total=scr.total)
    lines = [f"<b>{escape(title)}</b>", ""]
    for row in scr.rows:
        short = shorten(row.short or row.text, 30 if tr.lang == "zh" else 50)
        lines.append(f"{escape(row.number)}. {escape(short)} — <b>{escape(row.answer)}</b>{escape(row.mark)}")
    lines.append("")
    if scr.score:
        lines.append(f"<i>{escape(scr.score)}</i>")
    warnings = [f"⚠️ {escape(w)}" for w in scr.warnings]
    if scr.missing:
        lines.append(escape(tr.ui("{count} unanswered. Press “Continue” to answer them.", count=scr.missing)))
    if scr.kind is ScreenKind.CONFIRM:
        ask = escape(tr.ui("Submit now? Once submitted, answers can only be changed through the helpdesk."))
        # the warnings and the question are kept whole: the list above them is what gets clipped
        return clip_head("\n".join(lines), "\n".join([*warnings, f"<b>{ask}</b>"]))
    lines.append(escape(tr.ui("Press a number to change that answer, or “Submit” to finish.")))
    return clip_head("\n".join(lines), "\n".join(warnings))


def result(scr: Screen, tr: Translator) -> str:
    thanks = tr.ui("Submitted. Thank you!")
    lines = [f"<b>{escape(thanks)}</b>", escape(scr.title), ""]
    for line in scr.result:
        text = escape(line.text)
        lines.append(f"<b>{text}</b>" if line.strong else f"<i>{text}</i>" if line.note else text)
    return "\n".join(lines)


#: the longest echo of a refused text (the rest stays in the person's own message above)
MAX_ECHO = 600


def refusal(reason: str, typed: str | None, tr: Translator) -> str:
    text = f"✗ {escape(reason)}"
    if typed:
        shown = typed if len(typed) <= MAX_ECHO else typed[:MAX_ECHO] + "…"
        text += "\n" + escape(tr.ui("You typed: {typed}", typed=shown))
    return text


def typed_too_early(form: Form, state: State, typed: str | None, tr: Translator) -> str:
    """The note above the current screen on a message typed before that screen was shown (bot.present)."""
    return "⚠ " + escape(words_typed_too_early(form, state, typed, tr))


def form_list(forms: list[Form], tr: Translator) -> str:
    title = tr.ui("Choose an interview:")
    greeting = tr.ui("I help your enterprise fill in the SME digital-transformation forms, one question at a time: "
                     "every answer is checked and saved at once, and at the end you get the documents to sign and "
                     "file.")
    lines = [escape(greeting), "", f"<b>{escape(title)}</b>", ""]
    for n, form in enumerate(forms, 1):
        line = f"{n}. <b>{escape(tr.form(form.title))}</b>"
        if form.summary:
            line += f"\n   {escape(tr.form(form.summary))}"
        lines.append(line)
    return "\n".join(lines)


def opened(lines: Sequence[str]) -> str:
    """What opening an interview says (bot.service.turn.opening_lines): a welcome back, or the title in bold and
    the interview's size."""
    if len(lines) == 1:
        return escape(lines[0])
    return f"<b>{escape(lines[0])}</b>\n" + "\n".join(escape(line) for line in lines[1:])


def no_interview(tr: Translator) -> str:
    return escape(tr.ui("You have no interview in progress. Send /start to choose one."))


def item_help(scr: Screen) -> str:
    """The ❓ answer: the question in bold, then what it means."""
    return f"❓ <b>{escape(scr.text)}</b>\n\n{escape(scr.help)}"


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
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


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
