"""The registry: every `type` the shipped forms use has a kind, and the `Item` union is the registered models."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, get_args

import yaml

from bot.interview import parsing
from bot.interview.kinds import KINDS, FieldItem, Item, Widget, kind_of
from bot.interview.kinds.base import Kind
from bot.interview.loader import ITEM_TYPES, load_forms

FORMS = Path(__file__).resolve().parents[3] / "bot" / "forms"


def _types(items: list[dict[str, Any]]) -> set[str]:
    found = set()
    for entry in items:
        found.add(entry["type"])
        found |= _types(entry.get("fields", []))
    return found


def _models(union: Any) -> set[type]:
    return set(get_args(get_args(union)[0]))


def test_every_type_in_the_forms_has_a_kind() -> None:
    used = set().union(*(_types(yaml.safe_load(p.read_text(encoding="utf-8"))["items"])
                         for p in FORMS.glob("*.yaml")))
    assert used, "no form found"
    assert used <= set(KINDS), used - set(KINDS)
    assert frozenset(KINDS) == ITEM_TYPES


def test_the_item_union_is_the_registered_models() -> None:
    registered = {kind.model for kind in KINDS.values()}
    assert _models(Item) == registered
    assert _models(FieldItem) == registered - {KINDS["group"].model}
    for name, kind in KINDS.items():
        assert name in kind.types and isinstance(kind, Kind)


def test_every_loaded_item_finds_its_kind() -> None:
    for form in load_forms().values():
        for it in form.items:
            assert isinstance(it, kind_of(it).model)
            for field in getattr(it, "fields", ()):
                assert kind_of(field).widget is not Widget.GROUP


def test_the_core_is_given_today_never_reads_it() -> None:
    for function in (parsing.parse_answer, parsing.answer_from_value):
        today = inspect.signature(function).parameters["today"]
        assert today.default is inspect.Parameter.empty
