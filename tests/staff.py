"""The helpdesk as the tests use it: one listed staff account and a clock the test moves (the `desk` fixture in
tests/conftest.py)."""

from __future__ import annotations

STAFF = "tg:900"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

