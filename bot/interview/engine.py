"""The interview engine: pure functions from (form, state, input) to the next state.

Nothing here does I/O.  A channel (terminal, Telegram) turns what the person did into an `Input`, calls
`apply`, persists `Step.changes` together with `Step.state`, and then shows `screen(form, step.state)`.

Answer values are JSON-friendly so they can be stored as they are:
  single → option id (str); multi → list of option ids; yesno → bool; text → str;
  integer/decimal/percent/money → the number as a canonical decimal string; a skipped optional item → None.
`Answer.extra` carries what was typed beside a pick (the exact percentage behind a band, say).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, TypeAlias

from bot.interview import validators as v
from bot.interview.conditions import is_true
from bot.interview.errors import AnswerError
from bot.interview.schema import (
    ChoiceItem,
    Form,
    Item,
    MultiChoice,
    NumberItem,
    SingleChoice,
    TextItem,
    YesNo,
)

JSONValue: TypeAlias = Any


@dataclass(frozen=True)
class Answer:
    value: JSONValue
    extra: str | None = None

    @property
    def skipped(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class State:
    answers: Mapping[str, Answer] = field(default_factory=dict)
    #: the item being asked; None means the review screen
    cursor: str | None = None
    #: items answered in the order the person moved through them (for "back")
    history: tuple[str, ...] = ()
    #: the person came from the review screen to change one item, and returns there after it
    returning: bool = False
    #: multiple-choice picks toggled on buttons but not yet confirmed with "done"
    draft: tuple[str, ...] | None = None
    submitted: bool = False

    def to_json(self) -> dict[str, Any]:
        """Everything but the answers (those live in their own table)."""
        return {
            "cursor": self.cursor,
            "history": list(self.history),
            "returning": self.returning,
            "draft": None if self.draft is None else list(self.draft),
            "submitted": self.submitted,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], answers: Mapping[str, Answer]) -> State:
        draft = data.get("draft")
        return cls(
            answers=dict(answers),
            cursor=data.get("cursor"),
            history=tuple(data.get("history", ())),
            returning=bool(data.get("returning", False)),
            draft=None if draft is None else tuple(draft),
            submitted=bool(data.get("submitted", False)),
        )


# --- inputs -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Something typed: an option number, several numbers, a value."""

    text: str


@dataclass(frozen=True)
class Pick:
    """A single-choice button."""

    option_id: str


@dataclass(frozen=True)
class Toggle:
    """A multiple-choice button: ticks or unticks one option of the draft."""

    option_id: str


@dataclass(frozen=True)
class Done:
    """Confirms the multiple-choice draft."""


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class Skip:
    pass


@dataclass(frozen=True)
class Review:
    pass


@dataclass(frozen=True)
class Continue:
    """From the review screen, go on with the first unanswered item."""


@dataclass(frozen=True)
class Edit:
    item_id: str


@dataclass(frozen=True)
class Submit:
    pass


Input: TypeAlias = Text | Pick | Toggle | Done | Back | Skip | Review | Continue | Edit | Submit


@dataclass(frozen=True)
class Change:
    item_id: str
    old: Answer | None
    new: Answer | None


@dataclass(frozen=True)
class Step:
    state: State
    changes: tuple[Change, ...] = ()
    #: the input was refused: the same screen again with this reason, and `typed` kept for correction
    error: AnswerError | None = None
    typed: str | None = None


# --- screens ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int


@dataclass(frozen=True)
class Question:
    item: Item
    answer: Answer | None
    draft: tuple[str, ...] | None
    progress: Progress
    #: the item opens a section the previous visible item was not in
    new_section: bool
    can_back: bool


@dataclass(frozen=True)
class ReviewRow:
    item: Item
    answer: Answer | None


@dataclass(frozen=True)
class ReviewScreen:
    rows: tuple[ReviewRow, ...]
    missing: tuple[str, ...]
    progress: Progress


@dataclass(frozen=True)
class Finished:
    progress: Progress


Screen: TypeAlias = Question | ReviewScreen | Finished


# --- visibility and order -----------------------------------------------------------------------------------


def typed_value(item: Item, answer: Answer) -> Any:
    """An answer's value as conditions and scoring read it (numbers as Decimal)."""
    if answer.value is None:
        return None
    if isinstance(item, NumberItem):
        return Decimal(answer.value)
    return answer.value


def expression_values(form: Form, answers: Mapping[str, Answer]) -> dict[str, Any]:
    return {iid: typed_value(form.item(iid), a) for iid, a in answers.items() if iid in form.index}


def is_visible(form: Form, item: Item, answers: Mapping[str, Answer]) -> bool:
    if item.show_if is None:
        return True
    return is_true(item.show_if, expression_values(form, answers))


def visible_items(form: Form, answers: Mapping[str, Answer]) -> tuple[Item, ...]:
    values = expression_values(form, answers)
    return tuple(i for i in form.items if i.show_if is None or is_true(i.show_if, values))


def visible_answers(form: Form, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers that count: those of items currently shown (a hidden item's old answer is ignored)."""
    return {i.id: answers[i.id] for i in visible_items(form, answers) if i.id in answers}


def missing_items(form: Form, answers: Mapping[str, Answer]) -> tuple[str, ...]:
    return tuple(i.id for i in visible_items(form, answers) if i.id not in answers)


def progress(form: Form, answers: Mapping[str, Answer]) -> Progress:
    shown = visible_items(form, answers)
    return Progress(sum(1 for i in shown if i.id in answers), len(shown))


def first_open(form: Form, answers: Mapping[str, Answer], after: str | None = None) -> str | None:
    """The next unanswered visible item after `after` (wrapping to earlier gaps); None when all are answered."""
    shown = visible_items(form, answers)
    start = 0
    if after is not None:
        pos = form.position(after)
        start = next((n for n, i in enumerate(shown) if form.position(i.id) > pos), len(shown))
    for item in (*shown[start:], *shown[:start]):
        if item.id not in answers:
            return item.id
    return None


def start(form: Form, answers: Mapping[str, Answer] | None = None) -> State:
    """A new interview, or one resumed from stored answers: the cursor is the first unanswered item."""
    answers = dict(answers or {})
    return State(answers=answers, cursor=first_open(form, answers))


def screen(form: Form, state: State) -> Screen:
    prog = progress(form, state.answers)
    if state.submitted:
        return Finished(prog)
    if state.cursor is None:
        rows = tuple(ReviewRow(i, state.answers.get(i.id)) for i in visible_items(form, state.answers))
        return ReviewScreen(rows, missing_items(form, state.answers), prog)
    item = form.item(state.cursor)
    shown = visible_items(form, state.answers)
    before = [i for i in shown if form.position(i.id) < form.position(item.id)]
    new_section = item.section is not None and (not before or before[-1].section != item.section)
    return Question(
        item=item,
        answer=state.answers.get(item.id),
        draft=state.draft,
        progress=prog,
        new_section=new_section,
        can_back=bool(state.history),
    )


# --- parsing one item's input -------------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s,，、;；]+")
_NUMBER_LIKE = re.compile(r"^\s*[0-9０-９]+\s*$")


def _to_halfwidth(text: str) -> str:
    return text.translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}).replace("\u3000", " ")


def _option_by_number(item: ChoiceItem, token: str) -> str:
    n = int(token)
    if not 1 <= n <= len(item.options):
        raise AnswerError("option_out_of_range", max=len(item.options))
    return item.options[n - 1].id


def _option_by_text(item: ChoiceItem, token: str) -> str | None:
    for opt in item.options:
        if token in (opt.label, opt.short, opt.id):
            return opt.id
    return None


def _parse_single(item: SingleChoice, raw: str) -> Answer:
    text = _to_halfwidth(raw).strip()
    if _NUMBER_LIKE.match(text):
        n = int(text)
        if 1 <= n <= len(item.options) or not item.accepts_number:
            return Answer(_option_by_number(item, text))
    by_label = _option_by_text(item, text)
    if by_label is not None:
        return Answer(by_label)
    if item.accepts_number:
        value = v.parse_percent(text) if item.accepts_number == "percent" else v.parse_decimal(text)
        for opt in item.options:
            if opt.holds(value):
                return Answer(opt.id, extra=_canonical(value))
        raise AnswerError("number_in_no_band")
    raise AnswerError("choose_one", max=len(item.options))


def _parse_multi(item: MultiChoice, raw: str) -> Answer:
    text = _to_halfwidth(raw).strip()
    tokens = [t for t in _SPLIT.split(text) if t]
    if not tokens:
        raise AnswerError("choose_some", max=len(item.options))
    picked: list[str] = []
    for token in tokens:
        if token.isdigit():
            oid = _option_by_number(item, token)
        else:
            found = _option_by_text(item, token)
            if found is None:
                raise AnswerError("choose_some", max=len(item.options))
            oid = found
        if oid not in picked:
            picked.append(oid)
    return Answer(_checked_multi(item, picked))


def _checked_multi(item: MultiChoice, picked: list[str] | tuple[str, ...]) -> list[str]:
    if not picked:
        raise AnswerError("choose_some", max=len(item.options))
    exclusive = [o for o in item.options if o.exclusive and o.id in picked]
    if exclusive and len(picked) > 1:
        raise AnswerError("exclusive_with_others", option=exclusive[0].label)
    # keep the printed order whatever order they were typed in
    return [o.id for o in item.options if o.id in picked]


def _canonical(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _parse_number(item: NumberItem, raw: str) -> Answer:
    if item.type == "integer":
        lo = None if item.min is None else int(item.min) + (1 if item.min_exclusive else 0)
        hi = None if item.max is None else int(item.max)
        return Answer(str(v.parse_integer(raw, min=lo, max=hi)))
    if item.type == "percent":
        low = item.min if item.min is not None else Decimal(0)
        high = item.max if item.max is not None else Decimal(100)
        return Answer(_canonical(v.parse_percent(raw, min=low, max=high)))
    if item.type == "money":
        value = v.parse_money_wan(raw, min=item.min, max=item.max, min_exclusive=item.min_exclusive)
        return Answer(_canonical(value))
    value = v.parse_decimal(raw, min=item.min, max=item.max, min_exclusive=item.min_exclusive)
    return Answer(_canonical(value))


_YES_NO_NUMBERS = {"1": True, "2": False}


def parse_answer(item: Item, raw: str) -> Answer:
    """Turn typed text into an answer for `item`, or raise AnswerError."""
    if isinstance(item, SingleChoice):
        return _parse_single(item, raw)
    if isinstance(item, MultiChoice):
        return _parse_multi(item, raw)
    if isinstance(item, YesNo):
        key = _to_halfwidth(raw).strip()
        if key in _YES_NO_NUMBERS:
            return Answer(_YES_NO_NUMBERS[key])
        return Answer(v.parse_yes_no(raw))
    if isinstance(item, TextItem):
        return Answer(v.parse_text(raw, max_length=item.max_length))
    return _parse_number(item, raw)


def answer_from_value(item: Item, value: Any) -> Answer:
    """Accept an answer given as data (ANSWERS.json, carried-over values): 1-based option numbers or ids."""
    if isinstance(item, SingleChoice):
        if isinstance(value, int) and not isinstance(value, bool):
            return Answer(_option_by_number(item, str(value)))
        if isinstance(value, str):
            return parse_answer(item, value)
        raise AnswerError("choose_one", max=len(item.options))
    if isinstance(item, MultiChoice):
        if not isinstance(value, list):
            raise AnswerError("choose_some", max=len(item.options))
        if not value:
            none = [o.id for o in item.options if o.exclusive]
            if not none:
                raise AnswerError("choose_some", max=len(item.options))
            return Answer(none)
        picked: list[str] = []
        for token in value:
            if isinstance(token, int) and not isinstance(token, bool):
                picked.append(_option_by_number(item, str(token)))
            elif isinstance(token, str) and _option_by_text(item, token):
                picked.append(str(_option_by_text(item, token)))
            else:
                raise AnswerError("choose_some", max=len(item.options))
        return Answer(_checked_multi(item, picked))
    if isinstance(item, YesNo) and isinstance(value, bool):
        return Answer(value)
    return parse_answer(item, str(value))


# --- applying an input --------------------------------------------------------------------------------------


def _refuse(state: State, code: str, typed: str | None = None, **params: Any) -> Step:
    return Step(state=state, error=AnswerError(code, **params), typed=typed)


def _record(form: Form, state: State, item_id: str, answer: Answer) -> Step:
    old = state.answers.get(item_id)
    answers = {**state.answers, item_id: answer}
    history = state.history if state.history[-1:] == (item_id,) else (*state.history, item_id)
    # after a change made from the review screen, go back to it; otherwise on to the next open item
    cursor = None if state.returning else first_open(form, answers, after=item_id)
    new_state = replace(state, answers=answers, cursor=cursor, history=history, returning=False, draft=None)
    changes = () if old == answer else (Change(item_id, old, answer),)
    return Step(state=new_state, changes=changes)


def apply(form: Form, state: State, event: Input) -> Step:
    """Apply one input.  Never raises for bad input: a refusal comes back as `Step.error`."""
    if state.submitted:
        return _refuse(state, "already_submitted")
    if isinstance(event, Review):
        return Step(replace(state, cursor=None, draft=None, returning=False))
    if isinstance(event, Continue):
        return Step(replace(state, cursor=first_open(form, state.answers), returning=False, draft=None))
    if isinstance(event, Edit):
        if event.item_id not in form.index or not is_visible(form, form.item(event.item_id), state.answers):
            return _refuse(state, "no_such_item")
        return Step(replace(state, cursor=event.item_id, returning=True, draft=None))
    if isinstance(event, Back):
        return _back(form, state)
    if isinstance(event, Submit):
        missing = missing_items(form, state.answers)
        if missing:
            return _refuse(replace(state, cursor=None), "missing_answers", count=len(missing))
        return Step(replace(state, cursor=None, submitted=True, draft=None))

    if state.cursor is None:
        # on the review screen only the commands above mean something
        return _refuse(state, "on_review", typed=event.text if isinstance(event, Text) else None)
    item = form.item(state.cursor)

    if isinstance(event, Skip):
        if item.required:
            return _refuse(state, "required")
        return _record(form, state, item.id, Answer(None))
    if isinstance(event, Text):
        try:
            answer = parse_answer(item, event.text)
        except AnswerError as exc:
            return Step(state=state, error=exc, typed=event.text)
        return _record(form, state, item.id, answer)
    if isinstance(event, Pick):
        if not isinstance(item, SingleChoice | YesNo):
            return _refuse(state, "stale_button")
        if isinstance(item, YesNo):
            if event.option_id not in ("yes", "no"):
                return _refuse(state, "stale_button")
            return _record(form, state, item.id, Answer(event.option_id == "yes"))
        if event.option_id not in {o.id for o in item.options}:
            return _refuse(state, "stale_button")
        return _record(form, state, item.id, Answer(event.option_id))
    if isinstance(event, Toggle):
        if not isinstance(item, MultiChoice) or event.option_id not in {o.id for o in item.options}:
            return _refuse(state, "stale_button")
        return Step(replace(state, draft=toggle(item, _current_draft(item, state), event.option_id)))
    if isinstance(event, Done):
        if not isinstance(item, MultiChoice):
            return _refuse(state, "stale_button")
        try:
            picked = _checked_multi(item, _current_draft(item, state))
        except AnswerError as exc:
            return Step(state=state, error=exc)
        return _record(form, state, item.id, Answer(picked))
    raise TypeError(f"unknown input {event!r}")  # pragma: no cover - Input is a closed union


def _current_draft(item: MultiChoice, state: State) -> tuple[str, ...]:
    if state.draft is not None:
        return state.draft
    current = state.answers.get(item.id)
    return tuple(current.value) if current and current.value else ()


def toggle(item: MultiChoice, draft: tuple[str, ...], option_id: str) -> tuple[str, ...]:
    """Tick or untick; an exclusive option clears the others, and any other option clears it."""
    if option_id in draft:
        return tuple(o for o in draft if o != option_id)
    if item.option(option_id).exclusive:
        return (option_id,)
    exclusive = {o.id for o in item.options if o.exclusive}
    kept = [o for o in draft if o not in exclusive]
    return tuple(o.id for o in item.options if o.id in kept or o.id == option_id)


def _back(form: Form, state: State) -> Step:
    history = list(state.history)
    while history:
        target = history.pop()
        if target != state.cursor and is_visible(form, form.item(target), state.answers):
            return Step(replace(state, cursor=target, history=tuple(history), returning=False, draft=None))
    return _refuse(state, "at_start")
