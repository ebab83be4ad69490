"""Builds the screen model (bot/present/screen.py): what a person sees next, once, for every channel.

`build_screen(form, state, today, tr, session_id=…)` asks the engine where the interview stands, the scoring rule
for the running score (computed once per screen), the item's kind for its options, hints and prompt, and the
catalogs for every word.  Pure: no I/O, no clock (the service passes today's date in).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.i18n import Translator
from bot.interview import engine
from bot.interview.answer import Answer
from bot.interview.engine import Finished, Question, ReviewScreen, State
from bot.interview.groups import GroupView, group_view
from bot.interview.kinds import Widget, kind_of
from bot.interview.kinds.base import YES_NO_IDS
from bot.interview.schema import FieldItem, Form, GroupItem, Item
from bot.present.screen import Act, Action, Choice, GroupAt, Row, Screen, ScreenKind
from bot.present.words import (
    answer_text,
    entry_text,
    explanation,
    item_flags,
    item_label,
    open_count,
    progress_line,
    result_lines,
    review_warnings,
    score_line,
    section_heading,
    size_line,
    staff_mark,
)
from bot.scoring import evaluate, running, scored_items


def screen_key(form: Form, state: State) -> str:
    """What the state asks, as `Screen.key` names it (without building the screen)."""
    if state.submitted:
        return "x"
    if state.cursor is None:
        return "c" if state.confirming else "r"
    item = form.item(state.cursor)
    if state.asking_other:
        return f"o:{item.id}"
    if isinstance(item, GroupItem):
        view = group_view(item, state)
        field = "-" if view.field is None else str(view.field)
        editing = "-" if view.editing is None else str(view.editing)
        return f"g:{item.id}:{field}:{editing}:{len(view.entries)}"
    return f"q:{item.id}"


def build_screen(form: Form, state: State, today: Any, tr: Translator, *, session_id: int,
                 warnings: Sequence[str] = (), scored: bool = True) -> Screen:
    """The screen `state` shows.  `warnings`: what the service knows is still wrong besides the form's own checks
    (a contract's total against its filing), shown on the review and the confirmation.  `scored=False` leaves
    the running score out (a channel reading what a pressed button meant needs no figures)."""
    scr = engine.screen(form, state, today)
    base: dict[str, Any] = {"session_id": session_id, "form_id": form.id, "title": tr.form(form.title),
            "key": screen_key(form, state), "answered": scr.progress.answered, "total": scr.progress.total,
            "progress": progress_line(scr.progress, tr)}
    if isinstance(scr, Finished):
        lines = result_lines(form, evaluate(form, state.answers), tr, state.answers)
        return Screen(ScreenKind.RESULT, result=tuple(lines), **base)
    if isinstance(scr, ReviewScreen):
        return _review(form, state, scr, tr, base, warnings, scored)
    item = scr.item
    score = _score(form, state, item, tr) if scored else ""
    if isinstance(item, GroupItem):
        return _group(form, state, scr, item, tr, base, score)
    return _question(form, state, scr, item, tr, base, score)


# --- a question ------------------------------------------------------------------------------------------------


def _score(form: Form, state: State, item: Item | None, tr: Translator) -> str:
    """The running score, shown under a scored item (or on the review)."""
    if item is not None and item.id not in scored_items(form):
        return ""
    figures = running(form, state.answers)
    return score_line(figures, tr) if figures is not None else ""


def _heading(scr: Question, tr: Translator) -> str:
    item = scr.item
    return section_heading(item.section, tr) if scr.new_section and item.section else ""


def choices(item: Item, tr: Translator, chosen: Sequence[str] = ()) -> tuple[Choice, ...]:
    """An item's options (a yes/no's two answers) as printed, numbered from 1."""
    kind = kind_of(item)
    if kind.widget is Widget.YESNO:
        labels = (tr.ui("Yes"), tr.ui("No"))
        return tuple(Choice(n, oid, label, oid in chosen) for n, (oid, label) in enumerate(zip(YES_NO_IDS, labels,
                                                                                               strict=True), 1))
    return tuple(Choice(n, o.id, tr.form(o.label), o.id in chosen) for n, o in enumerate(kind.options(item), 1))


def _chosen(item: Item, answer: Answer | None, draft: tuple[str, ...] | None) -> tuple[str, ...]:
    if draft is not None:
        return draft
    if answer is None or answer.value is None:
        return ()
    value = answer.value
    if isinstance(value, bool):
        return (YES_NO_IDS[0] if value else YES_NO_IDS[1],)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def _nav(scr: Question, item: Item, tr: Translator, *, asking_other: bool) -> list[Action]:
    actions: list[Action] = []
    if kind_of(item).widget is Widget.TOGGLES and not asking_other:
        actions.append(Action(Act.DONE, tr.ui("Done")))
    if scr.suggestion is not None and scr.answer is None and not asking_other:
        actions.append(Action(Act.KEEP, tr.ui("Use this")))
    if scr.can_back:
        actions.append(Action(Act.BACK, tr.ui("Back")))
    if not item.required and not asking_other:
        actions.append(Action(Act.SKIP, tr.ui("Skip")))
    actions.append(Action(Act.REVIEW, tr.ui("Review")))
    actions.append(Action(Act.HELP, "❓"))
    return actions


def _question(form: Form, state: State, scr: Question, item: Item, tr: Translator, base: dict[str, Any],
              score: str) -> Screen:
    kind = kind_of(item)
    asking_other = scr.asking_other
    suggestion, suggested = "", ""
    if scr.suggestion is not None and scr.answer is None and not asking_other:
        suggestion = answer_text(item, scr.suggestion, tr)
        suggested = "answers" if scr.suggested else "before"
    return Screen(
        ScreenKind.OTHER if asking_other else ScreenKind.QUESTION,
        item_id=item.id, position=form.position(item.id), heading=_heading(scr, tr),
        number=item_label(form, item), text=tr.form(item.text), flags=tuple(item_flags(item, tr)),
        note=tr.form(item.note) if item.note else "",
        widget=Widget.TYPED if asking_other else kind.widget,
        choices=() if asking_other else choices(item, tr, _chosen(item, scr.answer, scr.draft)),
        prompt="" if asking_other else kind.prompt(item, tr, state.answers),
        current=answer_text(item, scr.answer, tr) if scr.answer is not None else "",
        suggestion=suggestion, suggested=suggested,
        actions=tuple(_nav(scr, item, tr, asking_other=asking_other)),
        score=score, help=explanation(item, tr),
        takes_files=kind.takes_files(item) and not asking_other, **base)


# --- a repeatable group --------------------------------------------------------------------------------------


def entry_name(item: GroupItem, number: int, tr: Translator) -> str:
    """"供应商 2": an entry of a repeatable group by its number."""
    return f"{tr.form(item.entry)} {number}"


def _unfinished(view: GroupView) -> bool:
    """The entry being typed holds something that leaving it would lose (Discard is then offered)."""
    if view.field is None:
        return False
    if view.editing is not None and 0 <= view.editing < len(view.entries):
        return dict(view.current) != dict(view.entries[view.editing])
    return any(v is not None for v in view.current.values())


def _group(form: Form, state: State, scr: Question, item: GroupItem, tr: Translator, base: dict[str, Any],
           score: str) -> Screen:
    view = group_view(item, state)
    at = GroupAt(view.field, view.editing, len(view.entries), view.number)
    # a group whose section is itself (the filing's providers) is headed once, by its numbered title
    heading = "" if item.section == item.text else _heading(scr, tr)
    common: dict[str, Any] = {
        "item_id": item.id, "position": form.position(item.id), "heading": heading,
        "number": item_label(form, item), "group": at, "group_text": tr.form(item.text),
        "entries": tuple(entry_text(item, e, tr) for e in view.entries), "entry_noun": tr.form(item.entry),
        "score": score, **base}
    if view.field is None:
        actions = [Action(Act.ADD, "➕ " + tr.ui("Add"))]
        for n in range(1, len(view.entries) + 1):
            actions += [Action(Act.EDIT_ENTRY, f"✏️ {n}", str(n)), Action(Act.REMOVE_ENTRY, f"🗑 {n}", str(n))]
        actions += [Action(Act.DONE, tr.ui("Done")), Action(Act.BACK, tr.ui("Back")),
                    Action(Act.REVIEW, tr.ui("Review")), Action(Act.HELP, "❓")]
        if not item.required:
            actions.insert(-3, Action(Act.SKIP, tr.ui("Skip")))
        return Screen(ScreenKind.GROUP_MENU, text=tr.form(item.text), widget=Widget.GROUP,
                      note=tr.form(item.note) if item.note else "", actions=tuple(actions),
                      help=explanation(item, tr), **common)
    asked: FieldItem = item.fields[view.field]
    kind = kind_of(asked)
    value = view.current.get(asked.id)
    has_value = asked.id in view.current
    actions = []
    if has_value:
        actions.append(Action(Act.KEEP, tr.ui("Keep")))
    if not asked.required:
        actions.append(Action(Act.SKIP, tr.ui("Skip")))
    actions += [Action(Act.BACK, tr.ui("Back")), Action(Act.HELP, "❓")]
    if _unfinished(view):
        if view.editing is not None:
            label = tr.ui("Discard the changes to {entry} {number}", entry=tr.form(item.entry), number=view.number)
        else:
            label = tr.ui("Discard {entry} {number}", entry=tr.form(item.entry), number=view.number)
        actions.append(Action(Act.DISCARD, "🗑 " + label))
    current = Answer(value) if has_value else None
    return Screen(ScreenKind.GROUP_FIELD, text=tr.form(asked.text), flags=tuple(item_flags(asked, tr)),
                  note=tr.form(asked.note) if asked.note else "", widget=kind.widget,
                  choices=choices(asked, tr, _chosen(asked, current, None)), prompt=kind.prompt(asked, tr, {}),
                  current=answer_text(asked, current, tr) if current is not None else "",
                  entry=entry_name(item, view.number, tr), actions=tuple(actions), help=explanation(asked, tr),
                  takes_files=kind.takes_files(asked), **common)


# --- the review and the confirmation -------------------------------------------------------------------------


#: "the question they share —— (2) this part": the separator the forms print before a sub-question's own words
_PART = re.compile(r"\s+—+\s+")


def list_text(text: str) -> str:
    """What tells a sub-question apart from its siblings in a list: the words after the shared question."""
    parts = _PART.split(text)
    return parts[-1] if len(parts) > 1 else text


def rows(form: Form, scr: ReviewScreen, tr: Translator) -> tuple[Row, ...]:
    return tuple(Row(item_label(form, r.item), r.item.id, form.position(r.item.id), tr.form(r.item.text),
                     answer_text(r.item, r.answer, tr), r.answer is not None, r.by_staff,
                     staff_mark(r.by_staff, tr), list_text(tr.form(r.item.text))) for r in scr.rows)


def _review(form: Form, state: State, scr: ReviewScreen, tr: Translator, base: dict[str, Any],
            extra: Sequence[str], scored: bool) -> Screen:
    evaluation = evaluate(form, state.answers) if scored else None
    score = score_line(evaluation, tr) if evaluation is not None else ""
    warnings = (*review_warnings(form, state, tr), *extra)
    listed = rows(form, scr, tr)
    actions: tuple[Action, ...]
    if scr.confirming:
        actions = (Action(Act.CONFIRM, tr.ui("Yes, submit")), Action(Act.NOT_YET, tr.ui("Not yet")))
        kind = ScreenKind.CONFIRM
    else:
        actions = ((Action(Act.CONTINUE, tr.ui("Continue")),) if scr.missing else ()) + (
            Action(Act.SUBMIT, tr.ui("Submit")),)
        kind = ScreenKind.REVIEW
    return Screen(kind, rows=listed, missing=open_count(form, scr.missing), score=score, warnings=warnings,
                  actions=actions, **base)


def transcript(form: Form, state: State, tr: Translator) -> tuple[Row, ...]:
    """The answered items before the one asked, in the order of the form (a chat page shows them collapsed)."""
    shown = engine.visible_items(form, state.answers)
    limit = form.position(state.cursor) if state.cursor is not None else len(form.items)
    return tuple(Row(item_label(form, i), i.id, form.position(i.id), tr.form(i.text),
                     answer_text(i, state.answers[i.id], tr), True, i.id in state.staff_items,
                     staff_mark(i.id in state.staff_items, tr))
                 for i in shown if i.id in state.answers and form.position(i.id) < limit)


def opening(form: Form, state: State, resumed: bool, tr: Translator) -> tuple[str, ...]:
    """What opening an interview says first: welcome back (with the answers kept), or its title and size."""
    if resumed and state.answers:
        return (tr.ui("Welcome back: your {count} earlier answers are kept; continuing where you left off.",
                      count=len(state.answers)),)
    return (tr.form(form.title), size_line(form, tr))


__all__ = ["build_screen", "choices", "entry_name", "opening", "rows", "screen_key", "transcript"]
