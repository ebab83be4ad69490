"""The one date the tests pass into the pure core as today (the core never reads the clock; the service passes
its own, Interviews.today)."""

from __future__ import annotations

from datetime import date

TODAY = date(2026, 11, 27)
