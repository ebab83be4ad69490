"""One answer as the engine and the database hold it (JSON-friendly values; see bot/interview/engine.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, TypeAlias

from bot.interview.typed import clean

JSONValue: TypeAlias = Any


@dataclass(frozen=True)
class Answer:
    value: JSONValue
    extra: str | None = None

    @property
    def skipped(self) -> bool:
        return self.value is None


def printable_value(value: Any) -> Any:
    """A stored value (text, or lists and mappings of them) through the input boundary again (see `printable`)."""
    if isinstance(value, str):
        return clean(value, lines=True, limit=len(value))
    if isinstance(value, list):
        return [printable_value(v) for v in value]
    if isinstance(value, dict):
        return {k: printable_value(v) for k, v in value.items()}
    return value


def printable(answer: Answer) -> Answer:
    """An answer as every document format can hold it and shows it as it reads: answers stored before the input
    boundary (bot.interview.typed.clean) existed may carry control characters, which XML (Word, Excel) and PDF
    text refuse, and bidi controls, which would reorder what a document or a file name shows."""
    extra = answer.extra if answer.extra is None else clean(answer.extra, lines=True, limit=len(answer.extra))
    return replace(answer, value=printable_value(answer.value), extra=extra)
