"""Where a repeatable group stands, as the engine sees it: shared by the grammar of typed words, the Turn and the
channels' screens.  Pure: a state in, a view out."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.interview.engine import State
from bot.interview.schema import GroupItem


@dataclass(frozen=True)
class GroupView:
    """Where a repeatable group stands, as the engine sees it (engine._group): its entries, the field asked
    (None: the group's menu), the entry being changed (None: a new one) and that entry's values so far."""

    entries: tuple[Mapping[str, Any], ...]
    field: int | None
    editing: int | None = None
    current: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def number(self) -> int:
        """The 1-based number of the entry being filled in."""
        return self.editing + 1 if self.editing is not None else len(self.entries) + 1


def group_view(item: GroupItem, state: State) -> GroupView:
    draft = state.group
    if draft is None:
        existing = state.answers.get(item.id)
        entries = tuple(existing.value) if existing is not None and existing.value else ()
        return GroupView(entries, None if entries else 0)
    return GroupView(tuple(draft.entries), draft.field, draft.editing, dict(draft.current))
