"""The field kinds, by the `type` name a form gives an item: one module each (bot/interview/kinds/NAME.py).

A kind reads an answer (typed text or data) or refuses it, tells how long a text it takes, how an answer reads,
how a value is typed and which widget shows it (base.Kind).  The engine, the channels and the reports ask
`kind_of(item)` instead of testing an item's class.

A new kind: its module (model, Kind subclass, KIND), a line in `FieldItem` (or `Item`) and in `KINDS` below, its
tests under tests/interview/kinds/, and its texts in the catalogs (`make locales`).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from bot.interview.kinds import (
    choice,
    credit_code,
    date,
    email,
    number,
    person_name,
    phone,
    postal_code,
    text,
    yesno,
)
from bot.interview.kinds.base import Kind, Widget

#: an item a repeatable group's entry may hold: every kind but the group
FieldItem = Annotated[
    choice.SingleChoice | choice.MultiChoice | yesno.YesNo | text.TextItem | credit_code.CreditCodeItem
    | phone.PhoneItem | email.EmailItem | postal_code.PostalCodeItem | date.DateItem | number.NumberItem
    | person_name.PersonNameItem,
    Field(discriminator="type"),
]


def kind_of(item: Any) -> Kind[Any]:
    """The kind of an item (any model whose `type` is registered)."""
    return KINDS[item.type]


from bot.interview.kinds import group  # noqa: E402  (a group's fields are the kinds above)

#: an item of a form
Item = Annotated[
    choice.SingleChoice | choice.MultiChoice | yesno.YesNo | text.TextItem | credit_code.CreditCodeItem
    | phone.PhoneItem | email.EmailItem | postal_code.PostalCodeItem | date.DateItem | number.NumberItem
    | person_name.PersonNameItem | group.GroupItem,
    Field(discriminator="type"),
]

#: every kind, by each `type` name it reads
KINDS: dict[str, Kind[Any]] = {
    name: kind
    for kind in (choice.SINGLE, choice.MULTI, yesno.KIND, text.KIND, credit_code.KIND, phone.KIND, email.KIND,
                 postal_code.KIND, date.KIND, number.KIND, person_name.KIND, group.KIND)
    for name in kind.types
}

__all__ = ["KINDS", "FieldItem", "Item", "Kind", "Widget", "kind_of"]
