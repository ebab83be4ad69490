"""What scoring needs of an answer (kept structural, so scoring does not depend on the engine)."""

from __future__ import annotations

from typing import Any, Protocol


class AnswerLike(Protocol):
    @property
    def value(self) -> Any: ...
