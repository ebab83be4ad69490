"""What every field kind provides (`Kind`), the models every item shares, and the boundary typed text crosses.

A kind reads typed text or data into an answer (or refuses with an AnswerError), says how long a typed text it
takes, how an answer reads, how it is typed (a hint) and which widget a channel shows for it.  Channels ask the
kind (bot.interview.kinds.kind_of) instead of testing an item's class.  Pure: no I/O, no clock (today's date is
passed in), no framework: display texts come through `Words`, which bot.i18n.Translator satisfies.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Generic, Protocol, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field

from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.typed import MAX_TYPED, clean

if TYPE_CHECKING:
    from bot.interview.kinds.choice import Option

ItemId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
OptionId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=24)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @cached_property
    def memos(self) -> dict[str, Any]:
        """Values derived from this immutable object (a scoring plan, a numbering, condition results), kept on the
        object itself: a global cache keyed by id() could serve a freed object's successor its results."""
        return {}


class ItemBase(Model):
    """What every item has, whatever its kind."""

    id: ItemId
    text: str = Field(min_length=1)
    #: what the item means, shown on "help" / "?"
    help: str | None = None
    #: what the source prints with the question and a person must read to answer it: the official tick condition
    #: "（50%以上…即可勾选该项）", "（字数500以内）", "（截至申报日）"; shown with the question on every channel and
    #: in the reports' question tables, never only behind "?"
    note: str | None = None
    #: a heading shown when the interview enters a new section
    section: str | None = None
    required: bool = True
    #: a sandboxed expression over earlier answers; the item is asked only when it is true
    show_if: str | None = None
    #: the enterprise-profile field this item reads and writes: a value given in one interview is offered
    #: (never silently reused) in every later interview of the same enterprise
    profile: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    #: an expression over earlier answers whose value is offered (to confirm) when the profile offers nothing
    suggest: str | None = None
    #: a figure recorded with that question (a fill-in of the platform's questionnaire): numbered after it, 2a, 2b…,
    #: wherever it stands in the form (device counts asked before the rate they pre-select), and never counted as
    #: a question of its own
    fill_in_of: ItemId | None = None


class Words(Protocol):
    """Texts in one language (bot.i18n.Translator): `ui` for interface strings, `form` for interview texts."""

    lang: str

    def ui(self, message: str, **params: Any) -> str: ...

    def form(self, text: str | None) -> str: ...

    def unit(self, unit: str, value: Any) -> str: ...


class Widget(StrEnum):
    """What a channel shows to answer an item, besides typing."""

    #: one button per option; a press picks it
    OPTIONS = "options"
    #: one button per option; presses tick and untick, "Done" records the ticks
    TOGGLES = "toggles"
    #: a Yes and a No button
    YESNO = "yesno"
    #: nothing: the answer is typed
    TYPED = "typed"
    #: a repeatable group's menu (add, edit N, remove N, done) and its fields one by one
    GROUP = "group"


#: the two answers of a yes/no button, in button order
YES_NO_IDS = ("yes", "no")

ItemT = TypeVar("ItemT", bound=ItemBase)


class Kind(Generic[ItemT]):
    """One field kind.  Subclasses set `model` (whose `type` literal names the types it reads) and `widget`, and
    override `parse`; the rest has defaults that fit a typed value shown as stored."""

    model: type[ItemT]
    widget: Widget = Widget.TYPED
    #: typed text keeps its line breaks (free text); elsewhere a line break is a space
    lines: bool = False
    #: reads today's date (a plausible range, "not in the future")
    dated: bool = False
    #: the longest typed text read (longer is refused before any pattern looks at it); None: no typed answer
    longest_text: int | None = 64

    @property
    def types(self) -> tuple[str, ...]:
        """The `type` names of the form definitions this kind reads."""
        return tuple(get_args(self.model.model_fields["type"].annotation))

    def longest(self, item: ItemT) -> int | None:
        return self.longest_text

    def read(self, item: ItemT, raw: str, answers: Mapping[str, Answer], today: date) -> Answer:
        """Typed text → an answer, or AnswerError.  The text passes the boundary first (bot.interview.typed.clean)
        and is refused when longer than the item takes, before any pattern runs: every parser is linear in what
        is left."""
        if len(raw) > MAX_TYPED:  # never cut and then read: a cut text could parse as something else
            raise AnswerError("text_too_long", max=MAX_TYPED, length=len(raw))
        text = clean(raw, lines=self.lines).strip()
        longest = self.longest(item)
        if longest is not None and len(text) > longest:
            raise AnswerError("text_too_long", max=longest, length=len(text))
        return self.parse(item, text, answers, today)

    def parse(self, item: ItemT, text: str, answers: Mapping[str, Answer], today: date) -> Answer:
        """Cleaned text within the length limit → an answer, or AnswerError (the refusal codes of bot/texts.py)."""
        raise NotImplementedError

    def from_value(self, item: ItemT, value: Any, today: date) -> Answer:
        """An answer given as data (ANSWERS.json, a profile value, a `suggest` result): by default its text."""
        return self.read(item, str(value), {}, today)

    def button_ids(self, item: ItemT) -> tuple[str, ...]:
        """What each button of the widget stands for, in order (an option id, "yes"/"no"); () without buttons."""
        return ()

    def options(self, item: ItemT) -> tuple[Option, ...]:
        """The item's printed options (a choice's), () for other kinds."""
        return ()

    def pick(self, item: ItemT, option_id: str) -> Answer:
        """The answer a pressed button gives; a button this item does not have is stale."""
        raise AnswerError("stale_button")

    def takes_files(self, item: ItemT) -> bool:
        """A file sent as the answer (evidence) is taken."""
        return False

    def attach(self, item: ItemT, note: str, files: str) -> Answer:
        """The answer a sent file gives: `note` (its caption or name) with `files` (JSON) as the extra."""
        raise AnswerError("no_files_here")

    def typed_value(self, item: ItemT, value: Any) -> Any:
        """A stored value (not None) as expressions read it."""
        return value

    def display(self, item: ItemT, answer: Answer, tr: Words) -> str:
        """A given answer (its value not None) in the person's words."""
        return str(answer.value)

    def hint(self, item: ItemT, tr: Words) -> str:
        """The kind named in a word or two beside the question ("single choice"); "" when it goes without saying."""
        return ""

    def format_hint(self, item: ItemT, tr: Words, answers: Mapping[str, Answer]) -> str:
        """How a value is typed, in a line ("Format: …"); "" when there is no format to tell."""
        return ""

    def prompt(self, item: ItemT, tr: Words, answers: Mapping[str, Answer]) -> str:
        """How to answer when not only with buttons: a format, a unit, "type it"; "" when the buttons say it."""
        return self.format_hint(item, tr, answers)


def list_sep(tr: Words) -> str:
    """Between the labels of several picks: "；" in Chinese, "; " in English."""
    return "；" if tr.lang == "zh" else "; "


def colon(tr: Words) -> str:
    return "：" if tr.lang == "zh" else ": "


#: full-width ASCII (！ to ～) and the ideographic space, as typed by Chinese input methods, to plain ASCII
_HALFWIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: ord(" ")}


def to_halfwidth(text: str) -> str:
    return text.translate(_HALFWIDTH)


def canonical(value: Decimal) -> str:
    """Fixed-point without trailing zeros, every digit typed kept (Decimal.normalize would round past 28)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
