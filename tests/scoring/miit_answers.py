"""Building miit-2022 answer sets for tests: the bottom or top of every question, in the CLI's number convention."""

from __future__ import annotations

from typing import Any

from bot.interview.schema import Form, MultiChoice, SingleChoice


def extreme_answers(form: Form, which: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in form.items:
        if isinstance(item, SingleChoice):
            ranked = sorted(range(len(item.options)), key=lambda n: item.options[n].rung or 0)
            out[item.id] = (ranked[-1] if which == "best" else ranked[0]) + 1
        elif isinstance(item, MultiChoice):
            out[item.id] = [n for n, o in enumerate(item.options, 1) if not o.exclusive] if which == "best" else []
    return out
