"""The screen model: what a person sees next, as plain data, built once (bot/present/build.py) for every channel.

A channel marks a `Screen` up — the web chat as HTML forms, Telegram as HTML with inline keyboards, WeChat as text
with numbered options, the terminal as lines, the staff desk as the person's page — and decides nothing of what it
shows: the kind of screen, the numbering as on paper, the question and its printed note, the options with their
numbers and whether each is chosen, the actions available, progress, the running score, the warnings and the
result all come from here, already in the person's language.  Texts are plain (a channel escapes them).

Every action names what it does (`Act`) and what it applies to (`target`: an option id, an item id, an entry
number), so a channel can post it back as the same engine input whatever its markup; `Screen.key` names what the
screen asks, so an answer given on an older screen (a second tab, a slow network, a re-delivered message) is
recognised as stale instead of landing on another item.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.interview.kinds.base import Widget
from bot.wording import Line

__all__ = ["Act", "Action", "Choice", "GroupAt", "Line", "Row", "Screen", "ScreenKind", "Widget"]


class ScreenKind(StrEnum):
    #: one item asked (a choice, a yes/no, a typed value)
    QUESTION = "question"
    #: the choice included "其他": what it is, typed
    OTHER = "other"
    #: a repeatable group's list: its entries, add, edit N, remove N, done
    GROUP_MENU = "group_menu"
    #: one field of a repeatable group's entry
    GROUP_FIELD = "group_field"
    #: every answer, with edit N and submit
    REVIEW = "review"
    #: the review once "submit" was asked: submit now, or not yet
    CONFIRM = "confirm"
    #: submitted: the result
    RESULT = "result"


class Act(StrEnum):
    """What an action does; each is one engine input (bot/dialogs/actions.py maps them)."""

    PICK = "pick"
    TOGGLE = "toggle"
    DONE = "done"
    BACK = "back"
    SKIP = "skip"
    #: keep the value offered (from the enterprise profile or the earlier answers), or a group field's value
    KEEP = "keep"
    HELP = "help"
    REVIEW = "review"
    CONTINUE = "continue"
    #: change an item from the review screen (target: the item id)
    EDIT = "edit"
    SUBMIT = "submit"
    CONFIRM = "confirm"
    #: "not yet" on the confirmation: back to the review list
    NOT_YET = "not_yet"
    ADD = "add"
    #: a repeatable group's entry (target: its 1-based number)
    EDIT_ENTRY = "edit_entry"
    REMOVE_ENTRY = "remove_entry"
    #: drop the half-typed entry (the only way one is ever dropped)
    DISCARD = "discard"


@dataclass(frozen=True)
class Action:
    act: Act
    #: the button's words, in the person's language
    label: str
    #: what it applies to: an option id (pick, toggle), an item id (edit), an entry number (edit/remove entry)
    target: str = ""


@dataclass(frozen=True)
class Choice:
    """An option as printed: its number (1-based), what a press stands for, its label, whether it is chosen now
    (a multiple choice's ticks so far, or the current answer)."""

    number: int
    option_id: str
    label: str
    chosen: bool = False


@dataclass(frozen=True)
class Row:
    """An item on the review list (or an answered message of the chat)."""

    number: str
    item_id: str
    #: the item's position in the form (Telegram's buttons carry positions)
    position: int
    text: str
    answer: str
    answered: bool
    #: given by helpdesk staff on the owner's behalf
    by_staff: bool = False
    #: the mark shown after such an answer ("（客服代填）"), "" otherwise
    mark: str = ""
    #: the words that tell this item apart in a list: a sub-question's own part ("(2) 利用数字化技术…"), not the
    #: question they share; the whole text otherwise
    short: str = ""


@dataclass(frozen=True)
class GroupAt:
    """Where a repeatable group stands: the field asked (None: its list), the entry changed (None: a new one), how
    many entries it has, and the number of the entry being typed."""

    field: int | None
    editing: int | None
    count: int
    number: int


@dataclass(frozen=True)
class Screen:
    kind: ScreenKind
    session_id: int
    form_id: str
    #: the interview's title
    title: str
    #: what this screen asks ("q:ITEM", "o:ITEM", "g:ITEM:FIELD:EDITING:COUNT", "r", "c", "x"): an input given on
    #: a screen with another key is stale
    key: str
    #: the item asked (the group, for its screens); None on the review and the result
    item_id: str | None = None
    #: its position in the form; -1 without one
    position: int = -1
    #: a section heading, when the item opens a section ("【数字化基础 / 设备系统】")
    heading: str = ""
    #: the number the paper prints ("7", "16.2", "22a", "A3")
    number: str = ""
    #: the question (a group field's: the field's text)
    text: str = ""
    #: "single choice", "optional" … — what the text does not already say
    flags: tuple[str, ...] = ()
    #: what the source prints with the question and a person must read to answer it
    note: str = ""
    widget: Widget = Widget.TYPED
    choices: tuple[Choice, ...] = ()
    #: how to answer when not only with buttons: a format, a unit, "type it" ("" when the buttons say it)
    prompt: str = ""
    #: the current answer, as shown ("" when there is none)
    current: str = ""
    #: a value offered to keep ("" when none) and where it comes from: "before" (an earlier interview of the
    #: enterprise) or "answers" (computed from this interview's answers)
    suggestion: str = ""
    suggested: str = ""
    #: a repeatable group: where it stands, its question (on a field's screen), the entry's name ("供应商 2"), the
    #: entries so far (a line each) and the noun for one entry ("供应商")
    group: GroupAt | None = None
    group_text: str = ""
    entry: str = ""
    entries: tuple[str, ...] = ()
    entry_noun: str = ""
    #: the actions besides the choices, in the order a channel shows them
    actions: tuple[Action, ...] = ()
    answered: int = 0
    total: int = 0
    #: "进度 3/24"
    progress: str = ""
    #: the running score with the level range still open ("" when the form shows none here)
    score: str = ""
    #: the review list
    rows: tuple[Row, ...] = ()
    #: questions still unanswered (as the paper counts them), on the review
    missing: int = 0
    #: what is still wrong, repeated on the review and the confirmation (a failing gate, accepted cross-field
    #: warnings, a contract's total against its filing)
    warnings: tuple[str, ...] = ()
    #: the result of a submitted interview, in lines
    result: tuple[Line, ...] = ()
    #: what the item means (❓)
    help: str = ""
    #: a file may be sent as the answer (evidence)
    takes_files: bool = False

    def action(self, act: Act) -> Action | None:
        """The screen's action of that kind (the first), or None when it has none."""
        return next((a for a in self.actions if a.act is act), None)

    def has(self, act: Act) -> bool:
        return self.action(act) is not None

    @property
    def asking(self) -> bool:
        """An item (or a group's field or list) is asked: answers may be given."""
        return self.kind in (ScreenKind.QUESTION, ScreenKind.OTHER, ScreenKind.GROUP_MENU, ScreenKind.GROUP_FIELD)
