"""The interview engine: pure functions from (form, state, input) to the next state.

Nothing here does I/O.  A channel (terminal, Telegram) turns what the person did into an `Input`, calls
`apply`, persists `Step.changes` together with `Step.state`, and then shows `screen(form, step.state)`.

Answer values are JSON-friendly so they can be stored as they are:
  single → option id (str); multi → list of option ids; yesno → bool; text → str;
  integer/decimal/percent/money → the number as a canonical decimal string; a skipped optional item → None.
`Answer.extra` carries what was typed beside a pick (the exact percentage behind a band, say).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, TypeAlias

from bot.interview import derived
from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.conditions import is_true, names_in, value_of
from bot.interview.errors import AnswerError, Doubt
from bot.interview.kinds import kind_of
from bot.interview.kinds.choice import checked_multi
from bot.interview.kinds.number import implausible
from bot.interview.numbering import answered_questions, numbering
from bot.interview.parsing import answer_from_value, parse_answer
from bot.interview.schema import (
    FieldItem,
    Form,
    GroupItem,
    Item,
    MultiChoice,
    NumberItem,
)
from bot.interview.typed import clean, visible

#: the longest file name kept with an attached file
MAX_FILE_NAME = 200


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
    #: the current item's choice included "其他" and its text is being asked
    asking_other: bool = False
    #: a repeatable group being filled in (see GroupDraft)
    group: GroupDraft | None = None
    #: values offered from the enterprise profile or an earlier interview, by item id (confirmed, never assumed)
    suggestions: Mapping[str, Answer] = field(default_factory=dict)
    #: items whose current answer was given by helpdesk staff on the owner's behalf (kept by the service)
    staff_items: frozenset[str] = frozenset()
    #: what a session was started from (a form with `starts_from`), set by the service, never changed by the
    #: engine: a contract's {"filing": session id, "provider": 0-based provider index}; empty for one started alone
    origin: Mapping[str, Any] = field(default_factory=dict)
    #: "submit" was asked once on the review screen; the next "submit" (confirmed) submits
    confirming: bool = False
    #: an answer refused once as a likely slip (errors.Doubt: 0.5 at a percentage, an implausible amount), as
    #: (item or "group.field", the value as JSON): the same answer given next is taken
    unconfirmed: tuple[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        """Everything but the answers (those live in their own table)."""
        return {
            "cursor": self.cursor,
            "history": list(self.history),
            "returning": self.returning,
            "draft": None if self.draft is None else list(self.draft),
            "submitted": self.submitted,
            "asking_other": self.asking_other,
            "group": None if self.group is None else self.group.to_json(),
            "suggestions": {k: {"value": a.value, "extra": a.extra} for k, a in self.suggestions.items()},
            "staff_items": sorted(self.staff_items),
            **({"origin": dict(self.origin)} if self.origin else {}),
            "confirming": self.confirming,
            **({"unconfirmed": list(self.unconfirmed)} if self.unconfirmed else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], answers: Mapping[str, Answer]) -> State:
        draft = data.get("draft")
        group = data.get("group")
        return cls(
            answers=dict(answers),
            cursor=data.get("cursor"),
            history=tuple(data.get("history", ())),
            returning=bool(data.get("returning", False)),
            draft=None if draft is None else tuple(draft),
            submitted=bool(data.get("submitted", False)),
            asking_other=bool(data.get("asking_other", False)),
            group=None if group is None else GroupDraft.from_json(group),
            suggestions={k: Answer(a["value"], a.get("extra")) for k, a in (data.get("suggestions") or {}).items()},
            staff_items=frozenset(data.get("staff_items") or ()),
            origin=dict(data.get("origin") or {}),
            confirming=bool(data.get("confirming", False)),
            unconfirmed=_pair(data.get("unconfirmed")),
        )


def _pair(value: Any) -> tuple[str, str] | None:
    return (str(value[0]), str(value[1])) if isinstance(value, list | tuple) and len(value) == 2 else None


@dataclass(frozen=True)
class GroupDraft:
    """A repeatable group in progress: the entries so far and the entry being typed field by field.

    `field` is the index of the field being asked, or None on the group's menu (add, edit N, remove N, done).
    """

    entries: tuple[Mapping[str, Any], ...] = ()
    current: Mapping[str, Any] = field(default_factory=dict)
    field: int | None = 0
    #: the entry being changed (None: a new one)
    editing: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"entries": [dict(e) for e in self.entries], "current": dict(self.current), "field": self.field,
                "editing": self.editing}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GroupDraft:
        return cls(tuple(data.get("entries", ())), dict(data.get("current", {})), data.get("field"),
                   data.get("editing"))


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
    """On the review screen: the first asks for confirmation (the screen then lists what is still wrong); a
    confirmed one, after that, submits."""

    confirmed: bool = False


@dataclass(frozen=True)
class Discard:
    """Inside a repeatable group: drop the entry being typed (or the changes to the entry being edited) and go
    to the group's menu.  The only way a half-entered entry is ever dropped."""


@dataclass(frozen=True)
class Attach:
    """A file sent as evidence (Telegram file_id, or a path on the terminal)."""

    file_id: str
    name: str
    caption: str | None = None


@dataclass(frozen=True)
class UseSuggestion:
    """Confirms the value offered from the enterprise profile."""


@dataclass(frozen=True)
class GroupAdd:
    pass


@dataclass(frozen=True)
class GroupEdit:
    index: int


@dataclass(frozen=True)
class GroupRemove:
    index: int


Input: TypeAlias = (
    Text | Pick | Toggle | Done | Back | Skip | Review | Continue | Edit | Submit | Attach | UseSuggestion
    | GroupAdd | GroupEdit | GroupRemove | Discard
)


@dataclass(frozen=True)
class Notice:
    """A cross-field warning: a message template (a form text, translated by the channel) and its values."""

    template: str
    values: Mapping[str, Any]


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
    #: warnings from cross-field checks about the answer just accepted
    warnings: tuple[Notice, ...] = ()


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
    #: a value offered from the profile, to confirm or replace
    suggestion: Answer | None = None
    #: the value offered was computed from this interview's answers (the item's `suggest`: a band from the device
    #: counts), not given before (the enterprise profile, an earlier interview, the filing): said so on every channel
    suggested: bool = False
    #: the choice included "其他": its text is asked now
    asking_other: bool = False
    #: inside a repeatable group: the group draft and the field asked (None: the group's menu)
    group: GroupDraft | None = None
    field: FieldItem | None = None


@dataclass(frozen=True)
class ReviewRow:
    item: Item
    answer: Answer | None
    #: the answer was given by helpdesk staff
    by_staff: bool = False


@dataclass(frozen=True)
class ReviewScreen:
    rows: tuple[ReviewRow, ...]
    missing: tuple[str, ...]
    progress: Progress
    #: "submit" was pressed once: the channel asks to confirm it
    confirming: bool = False


@dataclass(frozen=True)
class Finished:
    progress: Progress


Screen: TypeAlias = Question | ReviewScreen | Finished


# --- visibility and order -----------------------------------------------------------------------------------


def is_visible(form: Form, item: Item, answers: Mapping[str, Answer]) -> bool:
    if item.show_if is None:
        return True
    return is_true(item.show_if, derived.values(form, answers))


#: per form (kept on it, `Form.memos`): (item, the values its condition reads) → shown; conditions are pure
_SHOWN_LIMIT = 50_000


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


#: the last (form, answers, result) of visible_items: one screen asks it four or five times of the same answers.
#: Holding the answers mapping keeps its identity from being reused; states never change their answers in place.
_LAST_VISIBLE: list[tuple[Form, Mapping[str, Answer], int, tuple[Item, ...]]] = []


def visible_items(form: Form, answers: Mapping[str, Answer]) -> tuple[Item, ...]:
    if all(i.show_if is None for i in form.items):
        return form.items
    if _LAST_VISIBLE:
        last_form, last_answers, size, result = _LAST_VISIBLE[0]
        if last_form is form and last_answers is answers and size == len(answers):
            return result
    result = _visible_items(form, answers)
    _LAST_VISIBLE[:] = [(form, answers, len(answers), result)]
    return result


def _visible_items(form: Form, answers: Mapping[str, Answer]) -> tuple[Item, ...]:
    values: dict[str, Any] | None = None
    shown: list[Item] = []
    known: dict[tuple[str, tuple[Any, ...]], bool] = form.memos.setdefault("shown", {})
    for item in form.items:
        if item.show_if is None:
            shown.append(item)
            continue
        reads = names_in(item.show_if)
        key = None
        if reads <= form.index.keys():  # reads answers only (no computed values): the result can be kept
            key = (item.id, tuple((n, _frozen(answers[n].value)) if n in answers else (n,) for n in sorted(reads)))
            if key in known:
                if known[key]:
                    shown.append(item)
                continue
        if values is None:
            values = derived.values(form, answers)
        result = is_true(item.show_if, values)
        if key is not None:
            if len(known) > _SHOWN_LIMIT:
                known.clear()
            known[key] = result
        if result:
            shown.append(item)
    return tuple(shown)


def visible_answers(form: Form, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers that count: those of items currently shown (a hidden item's old answer is ignored)."""
    return {i.id: answers[i.id] for i in visible_items(form, answers) if i.id in answers}


def missing_items(form: Form, answers: Mapping[str, Answer]) -> tuple[str, ...]:
    return tuple(i.id for i in visible_items(form, answers) if i.id not in answers)


def progress(form: Form, answers: Mapping[str, Answer]) -> Progress:
    """Questions answered of the questions the paper numbers (follow-ups and sub-questions never change the
    total; a question with sub-questions counts once all of them are answered)."""
    shown = visible_items(form, answers)
    return Progress(answered_questions(form, shown, answers), numbering(form).total)


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


def screen(form: Form, state: State, today: date) -> Screen:
    """What the interview shows now (`today`: the service's date, for a value an item's `suggest` computes)."""
    prog = progress(form, state.answers)
    if state.submitted:
        return Finished(prog)
    if state.cursor is None:
        rows = tuple(ReviewRow(i, state.answers.get(i.id), i.id in state.staff_items)
                     for i in visible_items(form, state.answers))
        return ReviewScreen(rows, missing_items(form, state.answers), prog, state.confirming)
    item = form.item(state.cursor)
    shown = visible_items(form, state.answers)
    before = [i for i in shown if form.position(i.id) < form.position(item.id)]
    new_section = item.section is not None and (not before or before[-1].section != item.section)
    group = state.group if isinstance(item, GroupItem) else None
    field_item = None
    if isinstance(item, GroupItem) and group is not None and group.field is not None:
        field_item = item.fields[group.field]
    suggestion = offered(form, state, item, today) if state.answers.get(item.id) is None else None
    return Question(
        item=item,
        answer=state.answers.get(item.id),
        draft=state.draft,
        progress=prog,
        new_section=new_section,
        can_back=bool(state.history),
        suggestion=suggestion,
        suggested=suggestion is not None and item.id not in state.suggestions,
        asking_other=state.asking_other,
        group=group,
        field=field_item,
    )


#: the date given to a kind that does not read it (offered() without today)
_UNDATED = date.min


def offered(form: Form, state: State, item: Item, today: date | None) -> Answer | None:
    """The value offered for an item: from the enterprise profile, else from the item's `suggest` expression
    (read by the item's kind; one that reads today's date is offered only when `today` is given)."""
    if item.id in state.suggestions:
        return state.suggestions[item.id]
    if item.suggest is None or (today is None and kind_of(item).dated):
        return None
    value = value_of(item.suggest, derived.values(form, state.answers))
    if value is None:
        return None
    try:
        return answer_from_value(item, value, today if today is not None else _UNDATED)
    except AnswerError:
        return None


def _needs_other_text(item: Item, answer: Answer) -> bool:
    options = {o.id: o for o in kind_of(item).options(item)}
    if not options or answer.value is None or answer.extra:
        return False
    picked = answer.value if isinstance(answer.value, list) else [answer.value]
    return any(options[oid].other for oid in picked)


# --- applying an input --------------------------------------------------------------------------------------


def _refuse(state: State, code: str, typed: str | None = None, **params: Any) -> Step:
    return Step(state=state, error=AnswerError(code, **params), typed=typed)


#: where a session's origin keeps the answers of the form it was started from that its checks read
ORIGIN_VALUES = "values"


def origin_values(state: State) -> Mapping[str, Any] | None:
    """The answers of the session's origin form its checks read (`Form.origin_values`), None when it has none."""
    kept = state.origin.get(ORIGIN_VALUES)
    return kept if isinstance(kept, Mapping) else None


def _fingerprint(key: str, answer: Answer) -> tuple[str, str]:
    return key, json.dumps(answer.value, ensure_ascii=False, sort_keys=True)


def _doubted(state: State, key: str, doubt: Doubt, typed: str | None) -> Step | None:
    """A likely slip refused (its reason naming both readings), remembered so that the same answer given next is
    taken; None when it is that next time."""
    pair = _fingerprint(key, doubt.answer)
    if state.unconfirmed == pair:
        return None
    return Step(state=replace(state, unconfirmed=pair), error=doubt, typed=typed)


def _plausibility(form: Form, state: State, item: Item, answer: Answer) -> Doubt | None:
    """An amount beyond what the enterprise's size makes plausible (the item's `plausible_max`), or None."""
    if not isinstance(item, NumberItem) or item.plausible_max is None or answer.value is None:
        return None
    bound = value_of(item.plausible_max, derived.values(form, state.answers))
    if bound is None:
        return None
    try:
        return implausible(item, answer, Decimal(str(bound)))
    except ArithmeticError:
        return None


def _record(form: Form, state: State, item_id: str, answer: Answer, typed: str | None = None) -> Step:
    """Accept an answer: run the cross-field checks, then move on (or ask for the "其他" text first)."""
    doubt = _plausibility(form, state, form.item(item_id), answer)
    if doubt is not None and (refused := _doubted(state, item_id, doubt, typed)) is not None:
        return refused
    answers = {**state.answers, item_id: answer}
    origin = origin_values(state)
    failures = derived.failed_checks(form, answers, touching=item_id, origin=origin)
    errors = [f for f in failures if f.check.severity == "error"]
    if errors:
        vals = derived.values(form, answers, origin)
        return Step(state=state, typed=typed,
                    error=AnswerError("check_failed", template=errors[0].check.message, values=vals))
    warnings = tuple(Notice(f.check.message, derived.values(form, answers, origin)) for f in failures
                     if f.check.severity == "warning")
    old = state.answers.get(item_id)
    history = state.history if state.history[-1:] == (item_id,) else (*state.history, item_id)
    asking_other = _needs_other_text(form.item(item_id), answer)
    if asking_other:
        cursor: str | None = item_id
    else:
        # after a change made from the review screen, go back to it; otherwise on to the next open item
        cursor = None if state.returning else first_open(form, answers, after=item_id)
    new_state = replace(state, answers=answers, cursor=cursor, history=history,
                        returning=state.returning and asking_other, draft=None, asking_other=asking_other,
                        group=None)
    changes = () if old == answer else (Change(item_id, old, answer),)
    return Step(state=new_state, changes=changes, warnings=warnings)


def apply(form: Form, state: State, event: Input, today: date) -> Step:
    """Apply one input.  Never raises for bad input: a refusal comes back as `Step.error`.

    A pending "submit" question (`confirming`) ends with anything accepted but a confirmed submit; a refused
    input leaves it pending, so the screen shown again is the same question."""
    step = _apply(form, state, event, today)
    if step.error is None and step.state.unconfirmed is not None:
        step = replace(step, state=replace(step.state, unconfirmed=None))  # a doubt holds for the next answer only
    if state.confirming and step.error is None and not isinstance(event, Submit) and step.state.confirming:
        return replace(step, state=replace(step.state, confirming=False))
    if step.error is not None and step.state.confirming != state.confirming and not isinstance(event, Submit):
        return replace(step, state=replace(step.state, confirming=state.confirming))
    return step


def _apply(form: Form, state: State, event: Input, today: date) -> Step:
    if state.submitted:
        return _refuse(state, "already_submitted")
    if isinstance(event, Discard):
        return _discard(form, state)
    if state.group is not None and isinstance(event, Back) and state.group.field is not None:
        return _group_back(form, state)
    if isinstance(event, Review | Continue | Edit | Back) and state.group is not None:
        if _unfinished(state.group):
            # a half-entered entry is never dropped without the person saying so (Discard)
            return _refuse_unfinished(form, state)
        if state.group.entries:
            # leaving a repeatable group: the entries already completed are kept as its answer, never dropped
            kept = _keep_group_entries(form, state)
            step = apply(form, kept.state, event, today)
            return replace(step, changes=kept.changes + step.changes) if step.error is None else kept
    if isinstance(event, Review):
        return Step(replace(state, cursor=None, draft=None, returning=False, asking_other=False, group=None))
    if isinstance(event, Continue):
        return Step(replace(state, cursor=first_open(form, state.answers), returning=False, draft=None,
                            asking_other=False, group=None))
    if isinstance(event, Edit):
        if event.item_id not in form.index:
            return _refuse(state, "no_such_item")
        if not is_visible(form, form.item(event.item_id), state.answers):
            return _refuse(state, "item_not_asked", number=numbering(form).labels.get(event.item_id, ""))
        return Step(replace(state, cursor=event.item_id, returning=True, draft=None, asking_other=False,
                            group=None))
    if isinstance(event, Back):
        return _back(form, state)
    if isinstance(event, Submit):
        # a half-typed entry first: the review list would offer commands that must not leave it unconfirmed
        if state.cursor is not None and state.group is not None and _unfinished(state.group):
            return _refuse_unfinished(form, state)
        missing = missing_items(form, state.answers)
        if missing:
            questions = numbering(form).question_of
            return _refuse(replace(state, cursor=None, confirming=False), "missing_answers",
                           count=len({questions.get(i, i) for i in missing}))
        if state.cursor is not None and state.group is not None:
            return _refuse(state, "group_use_menu")
        if not (event.confirmed and state.confirming):
            return Step(replace(state, cursor=None, confirming=True, draft=None, asking_other=False, group=None,
                                returning=False))
        return Step(replace(state, cursor=None, submitted=True, draft=None, confirming=False))

    if state.cursor is None:
        # on the review screen only the commands above mean something
        return _refuse(state, "on_review", typed=event.text if isinstance(event, Text) else None)
    item = form.item(state.cursor)

    if state.asking_other:
        return _other_text(form, state, item, event, today)
    if isinstance(item, GroupItem):
        return _group(form, state, item, event, today)
    if isinstance(event, UseSuggestion):
        suggestion = offered(form, state, item, today)
        if suggestion is None:
            return _refuse(state, "no_suggestion")
        return _record(form, state, item.id, suggestion)
    if isinstance(event, Skip):
        if item.required:
            return _refuse(state, "required")
        return _record(form, state, item.id, Answer(None))
    if isinstance(event, Text):
        try:
            answer = parse_answer(item, event.text, state.answers, today)
        except Doubt as doubt:
            if (refused := _doubted(state, item.id, doubt, event.text)) is not None:
                return refused
            answer = doubt.answer
        except AnswerError as exc:
            return Step(state=state, error=exc, typed=event.text)
        return _record(form, state, item.id, answer, typed=event.text)
    if isinstance(event, Attach):
        # a file's name and caption are a person's text too: through the boundary, stored only as they show
        name = clean(event.name, limit=MAX_FILE_NAME).strip()
        caption = clean(event.caption or "", lines=True).strip()
        note = caption if visible(caption) else name
        files = json.dumps([{"file_id": event.file_id, "name": name}], ensure_ascii=False)
        try:
            attached = kind_of(item).attach(item, note, files)
        except AnswerError as exc:
            return Step(state=state, error=exc)
        return _record(form, state, item.id, attached)
    if isinstance(event, Pick):
        try:
            chosen = kind_of(item).pick(item, event.option_id)
        except AnswerError as exc:
            return Step(state=state, error=exc)
        return _record(form, state, item.id, chosen)
    if isinstance(event, Toggle):
        if not isinstance(item, MultiChoice) or event.option_id not in {o.id for o in item.options}:
            return _refuse(state, "stale_button")
        return Step(replace(state, draft=toggle(item, _current_draft(item, state), event.option_id)))
    if isinstance(event, Done):
        if not isinstance(item, MultiChoice):
            return _refuse(state, "stale_button")
        try:
            picked = checked_multi(item, _current_draft(item, state))
        except AnswerError as exc:
            return Step(state=state, error=exc)
        return _record(form, state, item.id, Answer(picked))
    return _refuse(state, "stale_button")


def _keep_group_entries(form: Form, state: State) -> Step:
    assert state.cursor is not None and state.group is not None
    item_id = state.cursor
    answer = Answer([dict(e) for e in state.group.entries])
    old = state.answers.get(item_id)
    kept = replace(state, answers={**state.answers, item_id: answer}, group=None)
    return Step(kept, changes=() if old == answer else (Change(item_id, old, answer),))


def _unfinished(draft: GroupDraft) -> bool:
    """Something typed into the entry being filled in would be lost by leaving it now."""
    if draft.field is None:
        return False
    if draft.editing is None:
        return any(v is not None for v in draft.current.values())
    return dict(draft.current) != dict(draft.entries[draft.editing])


def entry_number_error(entries: int, number: int) -> AnswerError | None:
    """Why `number` names no entry of a group holding `entries` (None when it names one)."""
    if not entries:
        return AnswerError("no_entries_yet")
    if not 1 <= number <= entries:
        return AnswerError("no_such_entry", max=entries)
    return None


def _refuse_unfinished(form: Form, state: State) -> Step:
    assert state.cursor is not None and state.group is not None
    item = form.item(state.cursor)
    assert isinstance(item, GroupItem)
    draft = state.group
    number = draft.editing + 1 if draft.editing is not None else len(draft.entries) + 1
    return _refuse(state, "entry_unfinished", entry=item.entry, number=number)


def _group_back(form: Form, state: State) -> Step:
    """Back inside an entry: the previous field, its value kept; from the first field, the group's menu (or
    the item before the group when nothing is entered at all)."""
    draft = state.group
    assert draft is not None and draft.field is not None
    if draft.field > 0:
        return Step(replace(state, group=replace(draft, field=draft.field - 1)))
    if _unfinished(draft):
        return _refuse_unfinished(form, state)
    if draft.entries or draft.editing is not None:
        return Step(replace(state, group=replace(draft, current={}, field=None, editing=None)))
    return _back(form, replace(state, group=None))


def _discard(form: Form, state: State) -> Step:
    draft = state.group
    if state.cursor is None or draft is None or draft.field is None:
        return _refuse(state, "nothing_to_discard")
    return Step(replace(state, group=replace(draft, current={}, field=None, editing=None)))


def _other_text(form: Form, state: State, item: Item, event: Input, today: date) -> Step:
    """The choice included "其他": the next text is what "其他" means."""
    current = state.answers[item.id]
    if isinstance(event, Text):
        try:
            text = v.parse_text(event.text, max_length=100)
        except AnswerError as exc:
            return Step(state=state, error=exc, typed=event.text)
        return _record(form, replace(state, asking_other=False), item.id, replace(current, extra=text))
    if isinstance(event, Skip):
        return _refuse(state, "other_needs_text")
    # a new pick replaces the choice that asked for the text
    return apply(form, replace(state, asking_other=False), event, today)


def _group(form: Form, state: State, item: GroupItem, event: Input, today: date) -> Step:
    """A repeatable group: fields one by one for each entry, then a menu to add, edit, remove or finish."""
    existing = state.answers.get(item.id)
    draft = state.group
    if draft is None:
        entries = tuple(existing.value) if existing is not None and existing.value else ()
        draft = GroupDraft(entries=entries, field=None if entries else 0)
    if draft.field is None:  # the menu
        if isinstance(event, GroupAdd):
            if len(draft.entries) >= item.max_entries:
                return _refuse(state, "group_full", max=item.max_entries)
            return Step(replace(state, group=replace(draft, current={}, field=0, editing=None)))
        if isinstance(event, GroupEdit | GroupRemove):
            if (wrong := entry_number_error(len(draft.entries), event.index)) is not None:
                return Step(state=state, error=wrong)
            if isinstance(event, GroupEdit):
                chosen = dict(draft.entries[event.index - 1])
                return Step(replace(state, group=replace(draft, current=chosen, field=0, editing=event.index - 1)))
            kept = draft.entries[: event.index - 1] + draft.entries[event.index:]
            return Step(replace(state, group=replace(draft, entries=kept)))
        if isinstance(event, Done):
            if len(draft.entries) < item.min_entries:
                return _refuse(state, "group_too_few", min=item.min_entries)
            return _record(form, state, item.id, Answer([dict(e) for e in draft.entries]))
        if isinstance(event, Skip) and not item.required:
            return _record(form, state, item.id, Answer(None))
        return _refuse(state, "group_use_menu", typed=event.text if isinstance(event, Text) else None)

    assert draft.field is not None
    field_item = item.fields[draft.field]
    value: Any
    if isinstance(event, Skip):
        if field_item.required:
            return _refuse(state, "required")
        value = None
    elif isinstance(event, UseSuggestion) and field_item.id in draft.current:
        value = draft.current[field_item.id]  # keep the value of the entry being edited
    elif isinstance(event, Text):
        try:
            value = parse_answer(field_item, event.text, {}, today).value
        except Doubt as doubt:
            if (refused := _doubted(state, f"{item.id}.{field_item.id}", doubt, event.text)) is not None:
                return refused
            value = doubt.answer.value
        except AnswerError as exc:
            return Step(state=state, error=exc, typed=event.text)
    elif isinstance(event, Pick):
        try:
            value = kind_of(field_item).pick(field_item, event.option_id).value
        except AnswerError as exc:
            return Step(state=state, error=exc)
    elif isinstance(event, GroupAdd | GroupEdit | GroupRemove | Done):  # the list's words, typed inside an entry
        number = draft.editing + 1 if draft.editing is not None else len(draft.entries) + 1
        return _refuse(state, "entry_in_progress", entry=item.entry, number=number)
    else:
        return _refuse(state, "stale_button")
    current = {**draft.current, field_item.id: value}
    if draft.field + 1 < len(item.fields):
        return Step(replace(state, group=replace(draft, current=current, field=draft.field + 1)))
    if draft.editing is None:
        entries = (*draft.entries, current)
    else:
        entries = (*draft.entries[: draft.editing], current, *draft.entries[draft.editing + 1:])
    return Step(replace(state, group=GroupDraft(entries=entries, current={}, field=None, editing=None)))
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
            return Step(replace(state, cursor=target, history=tuple(history), returning=False, draft=None,
                                group=None))
    return _refuse(state, "at_start")
