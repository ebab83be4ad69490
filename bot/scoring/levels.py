"""Levels from a score: a score on an edge takes the higher level (exactly 40 is 二级); the Level model."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from pydantic import Field

from bot.interview.schema import Model


class Level(Model):
    """A level of a rule's scale (一级 …): the lowest score that reaches it."""

    level: int = Field(ge=0)
    #: the lowest score of this level (a score on the edge takes this level)
    min: Decimal
    name: str
    #: what the level means, in the instrument's own words (附件4: "一级（20-40分）：开展了基础业务流程梳理…")
    description: str | None = None


def _minimum(level: Level) -> Fraction:
    """The level's minimum as a Fraction, kept on the (frozen) level itself."""
    known = level.memos.get("minimum")
    if not isinstance(known, Fraction):
        known = level.memos["minimum"] = Fraction(level.min)
    return known


def level_for(levels: Sequence[Level], score: Fraction) -> Level:
    """The highest level whose minimum the score reaches.  `levels` must start at the lowest minimum."""
    reached = [lv for lv in levels if score >= _minimum(lv)]
    return max(reached, key=lambda lv: lv.min) if reached else min(levels, key=lambda lv: lv.min)


def rounded(value: Fraction, places: int = 2) -> Decimal:
    """Round half up for display only; every computation stays exact."""
    quantum = Decimal(1).scaleb(-places)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(quantum, rounding="ROUND_HALF_UP")
