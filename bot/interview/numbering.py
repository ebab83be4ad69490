"""The numbers a person recognises from the paper form, derived from what the form declares.

- An item without a condition (`show_if`) is a numbered item of the paper; an item with one is a follow-up of the
  numbered item before it ("22a": the exact figure behind Q22's band, "1a": indicator 1's evidence) and never
  changes the count.
- An item may say whose fill-in it is (`fill_in_of`): it is then lettered after that question wherever it stands
  (the device counts asked before the rate they pre-select are "Q2a", "Q2b"; the rate's own figure after it "Q2c").
  Follow-ups and fill-ins of one question are lettered together, in the order they are asked.
- The scoring rule may print a question in parts (`RuleModel.sub_questions`): in a weighted-tree form, a group node
  standing where questions stand (Q16 and its three parts) is one question whose items are its sub-questions
  ("16.1", "16.2", "16.3").
- The scoring rule may number items itself (`RuleModel.indicator_labels`): a points rubric numbers its indicators
  1… in the rubric's order (Heilongjiang's 30 indicators), its bonus items B1…; the 2024 self-assessment its
  questions Q1–Q15 and scenarios S1–S16, as the platform does; the other numbered items (the enterprise's details)
  are then A1….  A label "Q11" may be typed without its Q ("修改 11", "修改 2a").

Every channel, the review, `修改 N`, the advice and the reports print these labels; nothing numbers items otherwise.
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
    #: item id → its label ("7", "16.2", "22a", "A3", "B1", "Q2a", "S3")
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


#: a label's "Q" that may be left out when typed ("11" for "Q11", "2a" for "Q2a")
_OPTIONAL_PREFIX = re.compile(r"^q(?=\d)")


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
    #: the follow-ups and fill-ins in form order, each with the label it is lettered after (or the item whose
    #: label that is, for a fill-in standing before its question)
    lettered: list[tuple[str, str | None, str | None]] = []
    for item in form.items:
        if item.fill_in_of is not None:
            lettered.append((item.id, None, item.fill_in_of))
            continue
        if item.show_if is not None and last is not None:
            lettered.append((item.id, last, None))
            continue
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
    letters: dict[str, int] = {}
    for item_id, after, of in lettered:
        base = after if after is not None else question_of[of] if of in sub_of else labels[of or ""]
        letters[base] = letters.get(base, 0) + 1
        labels[item_id] = f"{base}{chr(ord('a') + letters[base] - 1)}"
    by_label = {label.lower(): item_id for item_id, label in labels.items()}
    # a question with sub-questions is reached by its own number too (its first part)
    for first, _items in subs.items():
        by_label.setdefault(question_of[first], first)
    for label, item_id in list(by_label.items()):
        by_label.setdefault(_OPTIONAL_PREFIX.sub("", label), item_id)
    ordered = {i.id: labels[i.id] for i in form.items}
    return Numbering(ordered, question_of, tuple(questions), by_label)


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
