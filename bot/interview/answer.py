"""One answer as the engine and the database hold it (JSON-friendly values; see bot/interview/engine.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

JSONValue: TypeAlias = Any


@dataclass(frozen=True)
class Answer:
    value: JSONValue
    extra: str | None = None

    @property
    def skipped(self) -> bool:
        return self.value is None
