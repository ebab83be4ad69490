"""The numbers a person recognises from the paper form, derived from what the form declares.

- An item without a condition (`show_if`) is a numbered item of the paper; an item with one is a follow-up of the
  numbered item before it ("22a": the exact figure behind Q22's band, "1a": indicator 1's evidence) and never
  changes the count.
- The scoring rule may print a question in parts (`RuleModel.sub_questions`): in a weighted-tree form, a group node
  standing where questions stand (Q16 and its three parts) is one question whose items are its sub-questions
  ("16.1", "16.2", "16.3").
- The scoring rule may number items itself (`RuleModel.indicator_labels`): a points rubric numbers its indicators
  1… in the rubric's order (Heilongjiang's 30 indicators), its bonus items B1…; the other numbered items (the
  enterprise's details) are then A1….

Pure: a Form in, labels out; computed once per form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.interview.schema import Form


@dataclass(frozen=True)
class Numbering:
    #: item id → its label ("7", "16.2", "22a", "A3", "B1")
    labels: Mapping[str, str]
    #: item id → the question it counts towards (numbered items and sub-questions only)
    question_of: Mapping[str, str]
    #: the questions in order (their labels)
    questions: tuple[str, ...]
    #: label (lower case) → item id
    by_label: Mapping[str, str]

    @property
    def total(self) -> int:
        return len(self.questions)

    def item_of(self, label: str) -> str | None:
        return self.by_label.get(label.strip().lower().replace("。", ".").replace("．", "."))


def numbering(form: Form) -> Numbering:
    known = form.memos.get("numbering")
    if known is None:
        known = form.memos["numbering"] = _numbering(form)
    assert isinstance(known, Numbering)
    return known


def _numbering(form: Form) -> Numbering:
    labels: dict[str, str] = {}
    question_of: dict[str, str] = {}
    questions: list[str] = []
    rule = form.scoring
    subs = rule.sub_questions() if rule is not None else {}
    sub_of = {item: (first, n) for first, items in subs.items() for n, item in enumerate(items, 1)}
    indicators = rule.indicator_labels() if rule is not None else {}
    plain = 0
    last: str | None = None
    follow_ups = 0
    for item in form.items:
        if item.show_if is not None and last is not None:
            follow_ups += 1
            labels[item.id] = f"{last}{chr(ord('a') + follow_ups - 1)}"
            continue
        follow_ups = 0
        if item.id in indicators:
            label = indicators[item.id]
            question = label
        elif item.id in sub_of:
            first, n = sub_of[item.id]
            if n == 1:
                plain += 1
                question = str(plain)
            else:
                question = question_of[first]
            label = f"{question}.{n}"
        else:
            plain += 1
            label = f"A{plain}" if indicators else str(plain)
            question = label
        labels[item.id] = label
        question_of[item.id] = question
        if question not in questions:
            questions.append(question)
        last = question if item.id in sub_of else label
    by_label = {label.lower(): item_id for item_id, label in labels.items()}
    # a question with sub-questions is reached by its own number too (its first part)
    for first, _items in subs.items():
        by_label.setdefault(question_of[first], first)
    return Numbering(labels, question_of, tuple(questions), by_label)


_LABEL = re.compile(r"^[A-Za-z]?\d+(?:[.．。]\d+)?[a-z]?$")


def looks_like_label(text: str) -> bool:
    return bool(_LABEL.match(text.strip()))


def answered_questions(form: Form, visible: Any, answers: Mapping[str, Any]) -> int:
    """Questions all of whose shown items (sub-questions included, follow-ups not) are answered."""
    numbers = numbering(form)
    open_questions: set[str] = set()
    seen: set[str] = set()
    for item in visible:
        question = numbers.question_of.get(item.id)
        if question is None:
            continue
        seen.add(question)
        if item.id not in answers:
            open_questions.add(question)
    return len(seen - open_questions)
