"""Words shared by the chat texts (bot/present.py) and the scoring rules' own texts (bot/scoring/NAME.py).

Pure: a Translator in, text out.  Kept apart from bot.present so that a rule module can speak without importing
the channels' text module (which imports bot.scoring).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.i18n import N_, Translator
from bot.interview.conditions import render_message
from bot.interview.kinds.base import list_sep as list_sep  # the kinds join picked labels with it too

#: the size classes of 工信部联企业〔2011〕300号 as the scoring names them, in the interface's words
SIZE_CLASSES: dict[str, str] = {"大型": N_("large"), "中型": N_("medium-sized"), "小型": N_("small"),
                                "微型": N_("micro")}


def size_class_name(value: str, tr: Translator) -> str:
    return tr.ui(SIZE_CLASSES[value]) if value in SIZE_CLASSES else tr.form(value)


def form_message(template: str, values: Mapping[str, Any], tr: Translator) -> str:
    """A form's message (a check, a reason) in the person's language: the template translated, then filled in;
    a size class it names ("中型", a computed value) in the person's words."""
    text = render_message(tr.form(template), values)
    if tr.lang != "zh":
        for name, words in SIZE_CLASSES.items():
            text = text.replace(name, tr.ui(words))
    return text


@dataclass(frozen=True)
class Line:
    """One line of a result: `strong` lines are headlines, `note` lines are small print."""

    text: str
    strong: bool = False
    note: bool = False
