"""The one grammar of typed words, in English and Chinese, for every channel.

`read(form, state, text)` says what a typed line means where the interview stands: an engine input (back, skip,
review, submit, continue, keep, add, done, discard, edit N, an item's number on the review screen, or else the
text as an answer), or a channel command the engine never sees (help, quit, report, lang xx, file PATH, remove N
to confirm first, an item number the review list does not have).  A channel that has its own way for one of
them (Telegram: /lang, /report, files sent as files) reads it as typed text (`as_text`).

Words are commands only where they mean something: "add", "done", "edit N" and "remove N" on a group's list,
"done" on a multiple choice, "discard" inside a group (inside a group's entry "add", "done" and "remove N" are
refused, so a provider is never named "新增"), an item's number on the review screen or after
"edit"/"修改"/"改" (an unknown number after "edit" is an answer elsewhere: "改善工艺" stays a text).
Pure: no I/O, no channel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeAlias

from bot.interview import engine
from bot.interview.engine import Input, State
from bot.interview.groups import group_view
from bot.interview.numbering import looks_like_label, numbering
from bot.interview.schema import Form, GroupItem, MultiChoice
from bot.interview.typed import typed_int

#: each word command, in English and Chinese
WORDS: dict[str, tuple[str, ...]] = {
    "back": ("back", "b", "返回", "上一题"),
    "skip": ("skip", "跳过"),
    "review": ("review", "检查", "查看", "回顾"),
    "help": ("help", "?", "？", "帮助"),
    "quit": ("quit", "exit", "q", "退出"),
    "submit": ("submit", "提交"),
    "continue": ("continue", "继续"),
    "keep": ("keep", "沿用"),
    "add": ("add", "新增", "添加"),
    "done": ("done", "完成"),
    "discard": ("discard", "放弃"),
    "report": ("report", "报告"),
}

#: the answers to "submit now?" typed instead of pressed: yes submits, no goes back to the list
CONFIRM_YES = ("是", "是的", "确定", "确认", "好", "yes", "y", "ok", "确定提交")
CONFIRM_NO = ("否", "不", "不是", "暂不", "还没", "取消", "no", "n", "not yet")

#: the commands followed by a number, in English and Chinese
NUMBERED: dict[str, tuple[str, ...]] = {
    "edit": ("edit", "修改", "改"),
    "remove": ("remove", "删除"),
}

#: "edit 3", "修改 16.2", "改 22a" — on a group's list N is an entry, elsewhere the number the paper prints
_EDIT = re.compile(rf"^(?:{'|'.join(NUMBERED['edit'])})\s*(\S+)$", re.IGNORECASE)
_REMOVE = re.compile(rf"^(?:{'|'.join(NUMBERED['remove'])})\s*(\S+)$", re.IGNORECASE)
_LANG = re.compile(r"^(?:lang|语言)\s+(\S+)$", re.IGNORECASE)
_FILE = re.compile(r"^(?:file|文件)\s+(.+)$", re.IGNORECASE)


def word_of(text: str) -> str | None:
    """The word command a line is ("back", "quit" …), or None."""
    key = text.strip().lower()
    for name, words in WORDS.items():
        if key in words:
            return name
    return None


def word(name: str, lang: str) -> str:
    """The word a person types for the command `name` ("back", "edit" …) in their language (a text-only channel
    prints it): the first Chinese one for Chinese, else the first English one."""
    words = WORDS.get(name) or NUMBERED[name]
    chinese = lang.startswith("zh")
    return next((w for w in words if w.isascii() != chinese and len(w) > 1), words[0])


@dataclass(frozen=True)
class Help:
    """What the current item means, and the commands."""


@dataclass(frozen=True)
class Quit:
    """Leave (the answers are kept)."""


@dataclass(frozen=True)
class Report:
    """The report files of this interview (or of the latest submitted one)."""


@dataclass(frozen=True)
class Language:
    """Switch the language ("lang en", "语言 zh"); `code` as typed."""

    code: str


@dataclass(frozen=True)
class AttachFile:
    """Attach the file at `path` as evidence ("file PATH", "文件 PATH")."""

    path: str


@dataclass(frozen=True)
class RemoveEntry:
    """"remove N" on a group's list: a channel may ask to confirm before `engine.GroupRemove(number)`."""

    number: int


@dataclass(frozen=True)
class NoSuchLabel:
    """An item number on the review screen that the review list does not have."""

    label: str


ChannelCommand: TypeAlias = Help | Quit | Report | Language | AttachFile | RemoveEntry | NoSuchLabel
Command: TypeAlias = Input | ChannelCommand


def _label_item(form: Form, label: str) -> str | None:
    """The item a printed number names ("7", "０７", "16.2", "22a", "A3"), or None."""
    n = typed_int(label)
    return numbering(form).item_of(str(n) if n is not None else label)


def read_language(text: str) -> Language | None:
    """"lang en" / "语言 zh" typed outside an interview (a channel's own screens), else None."""
    m = _LANG.match(text.strip())
    return Language(m.group(1)) if m else None


def read(form: Form, state: State, text: str) -> Command:
    """What the line `text` means where the interview stands (`state`)."""
    line = text.strip()
    word = word_of(line)
    if word == "discard" and state.group is not None:  # elsewhere "放弃" may well be an answer
        return engine.Discard()
    item = form.item(state.cursor) if state.cursor is not None else None
    if isinstance(item, GroupItem):  # the list's words; typed inside an entry the engine refuses them (never stored)
        at_list = group_view(item, state).field is None
        if word == "add":
            return engine.GroupAdd()
        if word == "done":
            return engine.Done()
        if at_list and (m := _EDIT.match(line)) and (n := typed_int(m.group(1))) is not None:
            return engine.GroupEdit(n)  # inside an entry "修改 N" names a question, as everywhere else
        if (m := _REMOVE.match(line)) and (n := typed_int(m.group(1))) is not None:
            return RemoveEntry(n) if at_list else engine.GroupRemove(n)
    if word == "done" and isinstance(item, MultiChoice):
        return engine.Done()
    if state.confirming and state.cursor is None:  # "确定现在提交吗？" answered in words
        if line.lower() in CONFIRM_YES:
            return engine.Submit(confirmed=True)
        if line.lower() in CONFIRM_NO:
            return engine.Review()
    simple: dict[str | None, Command] = {
        "back": engine.Back(), "skip": engine.Skip(), "review": engine.Review(), "continue": engine.Continue(),
        "submit": engine.Submit(confirmed=state.confirming), "keep": engine.UseSuggestion(),
        "help": Help(), "quit": Quit(), "report": Report()}
    if word in simple:
        return simple[word]
    if m := _LANG.match(line):
        return Language(m.group(1))
    if m := _FILE.match(line):
        return AttachFile(m.group(1).strip())
    m = _EDIT.match(line)
    label = m.group(1) if m else line if state.cursor is None and (
        looks_like_label(line) or typed_int(line) is not None) else None
    if label is not None:
        if (item_id := _label_item(form, label)) is not None:
            return engine.Edit(item_id)
        if state.cursor is None:
            return NoSuchLabel(label)
    return engine.Text(text)


def as_text(command: Command, text: str) -> Input | Help | RemoveEntry:
    """For a channel with its own way to quit, report, switch language, attach files and refuse a number: those
    commands read as the typed text (an answer, or a refusal on the review screen)."""
    if isinstance(command, Quit | Report | Language | AttachFile | NoSuchLabel):
        return engine.Text(text)
    return command
