"""Typed callback data for every inline button.

Buttons carry indices (form position, option number, row number), never labels, and the interview session id
with the position of the item they belong to: a button pressed on an old message is recognised as stale instead
of being applied to whatever item is current.  Every packed value stays far below Telegram's 64-byte limit.

Anyone can send any callback data, so every number is bounded where it is read: a session id within the
database's integers (SessionId), an index within what any form can hold (Index).  Data outside them does not
unpack, and the button is answered as one that no longer works (bot/dialogs/telegram/guard.py); no number a
button carries can overflow a database column or a Python index.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.service.sessions import SESSION_ID_MAX

MAX_CALLBACK_BYTES = 64
#: the largest position, option, field, entry or count a button carries (forms hold a few hundred items)
MAX_INDEX = 9999
#: a session id as a button carries it (0 finds nothing)
SessionId = Annotated[int, Field(ge=0, le=SESSION_ID_MAX)]
#: a position, option, field, entry number or count; -1 where the button means "none"
Index = Annotated[int, Field(ge=-1, le=MAX_INDEX)]


class ItemAction(StrEnum):
    PICK = "p"
    TOGGLE = "t"
    DONE = "d"
    BACK = "b"
    SKIP = "s"
    REVIEW = "r"
    HELP = "h"
    #: confirm the value offered from the enterprise profile or the earlier answers (engine.UseSuggestion)
    USE = "u"


class GroupAction(StrEnum):
    PICK = "p"
    KEEP = "k"
    SKIP = "s"
    HELP = "h"
    ADD = "a"
    EDIT = "e"
    REMOVE = "r"
    REMOVE_YES = "y"
    REMOVE_NO = "n"
    DONE = "d"
    #: the previous field of the entry (or, from the menu, the item before the group)
    BACK = "b"
    #: drop the half-entered entry (the only way it is ever dropped)
    DISCARD = "x"


class ReviewAction(StrEnum):
    EDIT = "e"
    CONTINUE = "c"
    SUBMIT = "s"
    #: "Yes, submit" after the first Submit
    CONFIRM = "y"
    #: "Not yet": back to the review list
    REVIEW = "r"


class FormChoice(CallbackData, prefix="f"):
    """A form on the /start list, by its position in the list of loaded forms."""

    n: Index


class ItemButton(CallbackData, prefix="i"):
    """A button under a question.  `p` is the item's position in the form, `o` the 0-based option index."""

    s: SessionId
    p: Index
    a: ItemAction
    o: Index = -1

    @staticmethod
    def fast_pack(s: int, p: int, a: ItemAction, o: int = -1) -> str:
        """The same string as `ItemButton(...).pack()` without building the model (a question has ~10 buttons,
        built after every answer); a test checks the two agree."""
        return f"i:{s}:{p}:{a.value}:{o}"


class GroupButton(CallbackData, prefix="g"):
    """A button of a repeatable group's screens.

    `p` is the group item's position, `f` the field being asked (-1: the group's menu), `c` the number of entries
    and `e` the entry being changed (-1: a new one) when the button was shown: together they recognise a button of
    an earlier screen of the same group.  `o` is the 0-based option of a field, or the 1-based entry number.
    """

    s: SessionId
    p: Index
    f: Index
    a: GroupAction
    o: Index = -1
    c: Index = 0
    e: Index = -1


class ReviewButton(CallbackData, prefix="r"):
    """A button under the review screen.  For EDIT, `p` is the form position of the item to change."""

    s: SessionId
    a: ReviewAction
    p: Index = -1


class LeaveButton(CallbackData, prefix="x"):
    """The answer to /cancel's confirmation."""

    s: SessionId
    yes: bool


class LangButton(CallbackData, prefix="l"):
    code: str = Field(max_length=16)
