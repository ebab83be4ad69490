"""Values derived from answers: the typed values expressions read, computed fields, and cross-field checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.interview.conditions import is_true, names_in, render_message, value_of
from bot.interview.kinds import kind_of
from bot.interview.schema import Check, Form, Item


def typed_value(item: Item, value: Any) -> Any:
    """An answer's stored value as expressions read it (numbers as Decimal…: the item's kind says)."""
    return None if value is None else kind_of(item).typed_value(item, value)


#: the name under which a form started from another reads that one's answers (`Form.origin_values`)
ORIGIN = "origin"


def values(form: Form, answers: Mapping[str, Any], origin: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Answers (typed) plus every computed value that the answers allow (missing data → left out); with `origin`
    (the answers of the form this session was started from, as the session keeps them), those as `origin.<id>`."""
    out: dict[str, Any] = dict(form.constants)
    if origin is not None:
        out[ORIGIN] = dict(origin)
    for item_id, answer in answers.items():
        if item_id in form.index:
            out[item_id] = typed_value(form.item(item_id), answer.value)
    for computed in form.computed:
        result = value_of(computed.expr, out)
        if result is not None:
            out[computed.id] = result
    return out


@dataclass(frozen=True)
class CheckResult:
    check: Check
    message: str


def failed_checks(form: Form, answers: Mapping[str, Any], touching: str | None = None,
                  origin: Mapping[str, Any] | None = None) -> list[CheckResult]:
    """Checks whose every input is known and whose test is false; with `touching`, only checks reading it.  A check
    reading `origin.<id>` runs only where the origin is given."""
    vals = values(form, answers, origin)
    out: list[CheckResult] = []
    for check in form.checks:
        names = names_in(check.test)
        if touching is not None and touching not in names and not _reads_computed_of(form, names, touching):
            continue
        if not names <= vals.keys():
            continue
        if not is_true(check.test, vals):
            out.append(CheckResult(check, render_message(check.message, vals)))
    return out


def _reads_computed_of(form: Form, names: frozenset[str], item_id: str) -> bool:
    return any(c.id in names and item_id in names_in(c.expr) for c in form.computed)
