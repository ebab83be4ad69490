"""Classifications used by the eligibility check and the forms (SCORING.md §3).  Pure; callable from form
expressions as `classify_size(employees, revenue)` and `is_above_designated_size(revenue)`
(bot/interview/conditions.py).

Revenue is last year's main business revenue in 万元; employees is the headcount.
"""

from __future__ import annotations

from decimal import Decimal

#: 工信部联企业〔2011〕300号, industrial enterprises: (class, minimum employees, minimum revenue in 万元)
_CLASSES: tuple[tuple[str, int, Decimal], ...] = (
    ("大型", 1000, Decimal(40000)),
    ("中型", 300, Decimal(2000)),
    ("小型", 20, Decimal(300)),
)
SMALLEST = "微型"
#: 规上: industrial enterprises with annual main business revenue of at least 2000万元
DESIGNATED_SIZE_REVENUE = Decimal(2000)


def size_class(employees: int | Decimal, revenue: int | Decimal) -> str:
    """大型 / 中型 / 小型 / 微型: a class needs both of its lower bounds; meeting only one drops a class."""
    for name, min_employees, min_revenue in _CLASSES:
        if employees >= min_employees and revenue >= min_revenue:
            return name
    return SMALLEST


def above_designated_size(revenue: int | Decimal) -> bool:
    return revenue >= DESIGNATED_SIZE_REVENUE
