"""Forms and answers as plain data: what `python -m bot forms` and `python -m bot score` read and print."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.kinds import kind_of
from bot.interview.parsing import answer_from_value
from bot.interview.schema import Form, NumberItem, SingleChoice


def form_summary(form: Form, *, full: bool = False) -> str:
    head = f"{form.id}\tv{form.version}\t{len(form.items)} items\t{form.title}"
    if not full:
        return head
    lines = [head]
    for item in form.items:
        flag = "" if item.required else " (optional)"
        lines.append(f"  {item.id:<10} {item.type:<8} {item.text}{flag}")
        lines.extend(f"      {n}. [{o.id}] {o.label}" for n, o in enumerate(kind_of(item).options(item), 1))
    return "\n".join(lines)


def form_to_json(form: Form) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for item in form.items:
        entry: dict[str, Any] = {"id": item.id, "type": item.type, "text": item.text, "required": item.required}
        if item.section:
            entry["section"] = item.section
        if item.show_if:
            entry["show_if"] = item.show_if
        if options := kind_of(item).options(item):
            entry["options"] = [
                {"number": n, "id": o.id, "label": o.label, **({"exclusive": True} if o.exclusive else {})}
                for n, o in enumerate(options, 1)
            ]
        if isinstance(item, SingleChoice) and item.accepts_number:
            entry["accepts_number"] = item.accepts_number
        if isinstance(item, NumberItem):
            entry.update({k: str(v) for k, v in (("min", item.min), ("max", item.max)) if v is not None})
        items.append(entry)
    return {"id": form.id, "version": form.version, "title": form.title, "items": items}


def answers_from_json(form: Form, raw: Any, today: date) -> dict[str, Answer]:
    """ANSWERS.json → answers, read as on `today`.  Raises AnswerError (with `item` in params) for an unknown id or
    a bad value."""
    if not isinstance(raw, Mapping):
        raise AnswerError("not_a_mapping", item="(file)")
    answers: dict[str, Answer] = {}
    for key, value in raw.items():
        if key not in form.index:
            raise AnswerError("no_such_item", item=key)
        try:
            answers[key] = answer_from_value(form.item(key), value, today)
        except AnswerError as exc:
            raise AnswerError(exc.code, item=key, **exc.params) from exc
    return answers
