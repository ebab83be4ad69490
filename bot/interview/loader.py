"""Load interview definitions from YAML and check them whole, so that a broken form never reaches a user.

Every problem is a FormError naming the file, the item and (where known) the line.  The scoring rule a form names
checks its own model (`Rule.check`, bot/scoring/NAME.py).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.interview import derived
from bot.interview.conditions import FUNCTIONS, ExpressionError, names_in, names_in_template
from bot.interview.errors import FormError
from bot.interview.kinds import KINDS
from bot.interview.schema import (
    DateItem,
    Form,
)

FORMS_DIR = Path(__file__).resolve().parent.parent / "forms"

ITEM_TYPES: frozenset[str] = frozenset(KINDS)


#: libyaml's parser when PyYAML was built with it (ten times faster than the pure-Python one; the same data)
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _item_lines(text: str) -> list[int]:
    """1-based line of each entry of the top-level `items` list (best effort; read only to name where an error
    is)."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "items" and isinstance(value, yaml.SequenceNode):
            return [node.start_mark.line + 1 for node in value.value]
    return []


def parse_form(text: str, path: str = "<form>") -> Form:
    """Parse and check one definition."""
    try:
        data = yaml.load(text, Loader=_LOADER)  # a safe loader: libyaml's or PyYAML's
    except yaml.YAMLError as exc:
        raise FormError(path, f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise FormError(path, "a form is a mapping with id, version, title and items")
    lines: list[int] = []
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise FormError(path, "`items` must be a non-empty list")

    def where(index: int) -> str:
        if not lines:
            lines.extend(_item_lines(text) or [0])
        return f"{path}:{lines[index]}" if index < len(lines) and lines[index] else path

    seen: set[str] = set()
    for n, raw in enumerate(raw_items):
        if not isinstance(raw, dict) or "id" not in raw:
            raise FormError(where(n), f"entry {n + 1} of items has no id")
        item_id = str(raw["id"])
        if item_id in seen:
            raise FormError(where(n), "duplicate item id", item_id)
        seen.add(item_id)
        kind = raw.get("type")
        if kind not in ITEM_TYPES:
            raise FormError(where(n), f"unknown item type {kind!r} (known: {', '.join(sorted(ITEM_TYPES))})", item_id)

    try:
        form = Form.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            index = loc[1]
            field = ".".join(str(p) for p in loc[3:])
            raise FormError(where(index), f"{field or 'item'}: {err['msg']}", str(raw_items[index]["id"])) from exc
        raise FormError(path, f"{'.'.join(str(p) for p in loc)}: {err['msg']}") from exc

    _check_conditions(form, path, where)
    _check_expressions(form, path)
    if form.scoring is not None:
        # deferred: the rule modules read the schema; the rule named by the form checks its own model
        from bot.scoring import rule_of

        rule = rule_of(form)
        assert rule is not None
        rule.check(form, path)
    return form


def _check_conditions(form: Form, path: str, where: Any) -> None:
    for n, item in enumerate(form.items):
        if item.show_if is None:
            continue
        try:
            names = names_in(item.show_if)
        except ExpressionError as exc:
            raise FormError(where(n), str(exc), item.id) from exc
        for name in sorted(names):
            if name not in form.index:
                raise FormError(where(n), f"show_if refers to unknown item {name!r}", item.id)
            if form.position(name) >= n:
                raise FormError(where(n), f"show_if refers to {name!r}, which is not asked before it", item.id)
    for n, item in enumerate(form.items):
        target = form.index.get(item.fill_in_of) if item.fill_in_of is not None else None
        if item.fill_in_of is not None and (target is None or target.fill_in_of is not None or target is item):
            raise FormError(where(n), f"fill_in_of must name a question of the form, not {item.fill_in_of!r}",
                            item.id)
    for n, item in enumerate(form.items):
        if isinstance(item, DateItem) and item.after is not None and (
            item.after not in form.index or form.position(item.after) >= n
        ):
            raise FormError(where(n), f"`after` must name an earlier item, not {item.after!r}", item.id)


def _check_expressions(form: Form, path: str) -> None:
    """Checks and computed values may read items and computed values, nothing else (a rule's conditions: its check);
    a form started from another may read what it declares of that one as `origin.<id>`."""
    if form.origin_values and form.starts_from is None:
        raise FormError(path, "origin_values needs starts_from: the form whose answers they are")
    known = set(form.index) | set(form.constants) | ({derived.ORIGIN} if form.starts_from else set())
    for computed in form.computed:
        if computed.id in FUNCTIONS or computed.id in form.index:
            raise FormError(path, f"computed {computed.id}: the name is already an item or a function")
        _names_known(path, f"computed {computed.id}", known, computed.expr)
        known.add(computed.id)
    for item in form.items:
        if item.suggest is not None:
            _names_known(path, f"item {item.id}: suggest", known, item.suggest)
        plausible = getattr(item, "plausible_max", None)
        if plausible is not None:
            _names_known(path, f"item {item.id}: plausible_max", known, plausible)
    for check in form.checks:
        _names_known(path, f"check {check.id}", known, check.test, check.message)


def _names_known(path: str, what: str, known: set[str], expression: str, template: str = "") -> None:
    """The names an expression (and a message template) read are all known; a form's file and the expression are
    named when one is not, or when it does not parse or calls a Unicode digit test."""
    try:
        names = names_in(expression) | (names_in_template(template) if template else frozenset())
    except ExpressionError as exc:
        raise FormError(path, f"{what}: {exc}") from exc
    unknown = sorted(names - known)
    if unknown:
        raise FormError(path, f"{what} refers to unknown name(s) {', '.join(unknown)}")


def load_form(path: Path) -> Form:
    return parse_form(path.read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=4)
def load_forms(directory: Path = FORMS_DIR) -> dict[str, Form]:
    """Every definition in `directory`, by id; a broken one stops the process at start-up."""
    forms: dict[str, Form] = {}
    for path in sorted(directory.glob("*.yaml")):
        form = load_form(path)
        if form.id in forms:
            raise FormError(str(path), f"form id {form.id!r} is used twice")
        if path.stem != form.id:
            raise FormError(str(path), f"the file name must be the form id ({form.id}.yaml)")
        forms[form.id] = form
    for form in forms.values():
        unknown = [f for f in form.next if f not in forms]
        if unknown:
            raise FormError(f"{directory / form.id}.yaml", f"next names unknown form(s) {', '.join(unknown)}")
        origin = forms.get(form.starts_from or "")
        if form.starts_from is not None and origin is None:
            raise FormError(f"{directory / form.id}.yaml", f"starts_from names unknown form {form.starts_from!r}")
        missing = [i for i in form.origin_values if origin is None or i not in origin.index]
        if missing:
            raise FormError(f"{directory / form.id}.yaml",
                            f"origin_values names item(s) {form.starts_from} does not have: {', '.join(missing)}")
    _check_documents(forms, directory)
    return forms


def _check_documents(forms: dict[str, Form], directory: Path) -> None:
    """Every document a form declares is a layout, and every item id the layout reads is in its form."""
    # deferred: the layouts are declarations that read the forms; the forms never import them
    from bot.rendering.layouts import problems
    from bot.scoring import rule_of

    items = {fid: {i.id: frozenset(f.id for f in getattr(i, "fields", ())) for i in f.items}
             for fid, f in forms.items()}
    for form in forms.values():
        rule = rule_of(form)
        found = problems(items, form.id, form.documents, rule.report_slot if rule is not None else None)
        if found:
            raise FormError(f"{directory / form.id}.yaml", "; ".join(found))
