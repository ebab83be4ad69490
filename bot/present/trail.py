"""A session's audit trail in words, for staff (the desk) and for the person (what staff changed): question numbers
as the paper prints them, option labels, staff names — never item ids, stored values or row numbers.

Pure: the service reads the events and names the people (bot/service/desk.py); a Translator in, text out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.i18n import Translator
from bot.interview.answer import Answer
from bot.interview.schema import Form
from bot.present.words import answer_text, colon, item_label, list_sep, shorten

#: how much of a question's text a line of the trail repeats
QUESTION_CHARS = 36


@dataclass(frozen=True)
class Happened:
    """One audit event as the trail tells it."""

    at: datetime
    #: who did it, by name ("王芳"); "" for the person whose interview it is (or an account since erased)
    who: str
    #: the person whose interview it is did it
    by_owner: bool
    #: start | answer | submit | reopen | take | handback | help | code | moved | view | note | message
    kind: str
    item_id: str | None = None
    #: as the audit table stores them: an answer {"value", "extra"}, or what else the kind records
    old: Any = None
    new: Any = None


def _answer(stored: Any) -> Answer | None:
    if stored is None:
        return None
    if isinstance(stored, Mapping):
        return Answer(stored.get("value"), stored.get("extra"))
    return Answer(stored)


def question(form: Form, item_id: str | None, tr: Translator) -> str:
    """"7. 企业所属行业" — an item by its number and the start of its text (its id only when the form no longer
    has it)."""
    if item_id is None or item_id not in form.index:
        return item_id or ""
    item = form.item(item_id)
    return f"{item_label(form, item)}. {shorten(tr.form(item.text), QUESTION_CHARS)}"


def shown(form: Form, item_id: str | None, stored: Any, tr: Translator) -> str:
    """A stored answer as the review shows it (option labels, units)."""
    answer = _answer(stored)
    if item_id is None or item_id not in form.index:
        return "" if answer is None else str(answer.value)
    try:
        return answer_text(form.item(item_id), answer, tr)
    except (KeyError, TypeError, ValueError):  # a value stored before the form changed
        return "" if answer is None else str(answer.value)


def _detail(stored: Any, key: str) -> str:
    return str(stored.get(key) or "") if isinstance(stored, Mapping) else ""


def line(form: Form, event: Happened, tr: Translator) -> str:
    """What happened, in a sentence."""
    who = event.who or (tr.ui("The person") if event.by_owner else tr.ui("An erased account"))
    kind = event.kind
    if kind == "answer":
        asked = question(form, event.item_id, tr)
        if event.old is None:
            return tr.ui("{who} answered {question}: {answer}", who=who, question=asked,
                         answer=shown(form, event.item_id, event.new, tr))
        if event.new is None:
            return tr.ui("{who} cleared {question} (it was: {old})", who=who, question=asked,
                         old=shown(form, event.item_id, event.old, tr))
        return tr.ui("{who} changed {question}: {old} → {new}", who=who, question=asked,
                     old=shown(form, event.item_id, event.old, tr), new=shown(form, event.item_id, event.new, tr))
    if kind == "view":
        what = _detail(event.new, "what")
        if what == "file":
            return tr.ui("{who} downloaded {name}", who=who, name=_detail(event.new, "name"))
        if what == "workbook":
            return tr.ui("{who} exported it in the annex-5 workbook of {district}", who=who,
                         district=_detail(event.new, "district"))
        return tr.ui("{who} viewed this session's page", who=who)
    if kind == "reopen":
        return tr.ui("{who} reopened it for correction: {reason}", who=who, reason=_detail(event.new, "reason"))
    if kind == "message":
        return tr.ui("{who} sent the person a message: {text}", who=who, text=_detail(event.new, "text"))
    simple = {
        "start": tr.ui("{who} started the interview", who=who),
        "submit": tr.ui("{who} submitted the interview", who=who),
        "take": tr.ui("{who} took the interview over", who=who),
        "handback": tr.ui("{who} handed the interview back", who=who),
        "help": tr.ui("{who} asked the helpdesk for help", who=who),
        "code": tr.ui("{who} made a resume code", who=who),
        "moved": tr.ui("{who} continued the interview on another account with a resume code", who=who),
        "note": tr.ui("{who} added a staff note", who=who),
    }
    return simple.get(kind) or f"{who}{colon(tr)}{kind}"


def change_list(form: Form, changes: Sequence[tuple[str, Any]], tr: Translator) -> str:
    """"3. 企业所属行业：通信设备制造；4. 企业在职职工数（人）：120" — answers as they stand after a change, one
    per item (the last change of each), in the order of the form."""
    last: dict[str, Any] = {}
    for item_id, stored in changes:
        last[item_id] = stored
    ordered = sorted(last, key=lambda i: form.position(i) if i in form.index else len(form.items))
    parts = []
    for item_id in ordered:
        value = last[item_id]
        answer = shown(form, item_id, value, tr) if value is not None else tr.ui("(cleared)")
        parts.append(f"{question(form, item_id, tr)}{colon(tr)}{answer}")
    return list_sep(tr).join(parts)


__all__ = ["Happened", "change_list", "line", "question", "shown"]
