"""Inline keyboards: options, toggles, navigation, review, the form list, language and leave confirmation."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.dialogs.telegram.callbacks import (
    FormChoice,
    GroupAction,
    GroupButton,
    ItemAction,
    ItemButton,
    LangButton,
    LeaveButton,
    ReviewAction,
    ReviewButton,
)
from bot.dialogs.telegram.texts import numbered_options, option_labels
from bot.i18n import LANGUAGES, Translator, language_name
from bot.interview.engine import Question, ReviewScreen, State
from bot.interview.groups import GroupView, group_view
from bot.interview.kinds import Widget, kind_of
from bot.interview.numbering import numbering
from bot.interview.schema import Form, GroupItem

NUMBERS_PER_ROW = 5
TICK = "✓ "


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def _yes_no(data: Callable[[int], str], tr: Translator) -> list[InlineKeyboardButton]:
    """A Yes and a No button: the kind's button 0 and 1."""
    return [_button(tr.ui("Yes"), data(0)), _button(tr.ui("No"), data(1))]


def _rows(buttons: list[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]


def question(form: Form, scr: Question, session_id: int, tr: Translator,
             state: State | None = None) -> InlineKeyboardMarkup:
    item = scr.item
    pos = form.position(item.id)
    widget = kind_of(item).widget
    if isinstance(item, GroupItem):  # the group's own keyboard: its menu, or the field asked
        view = group_view(item, state) if state is not None else GroupView((), 0)
        return group(form, item, view, session_id, tr)

    def data(action: ItemAction, option: int = -1) -> str:
        return ItemButton.fast_pack(session_id, pos, action, option)

    rows: list[list[InlineKeyboardButton]] = []
    if widget in (Widget.OPTIONS, Widget.TOGGLES):
        labels = option_labels(item, tr)
        numbered = numbered_options(item, tr)
        if widget is Widget.TOGGLES:
            current = scr.answer.value if scr.answer is not None and scr.answer.value else []
            ticked = set(scr.draft if scr.draft is not None else current)
            buttons = [
                _button((TICK if option_id in ticked else "") + (str(n + 1) if numbered else labels[n]),
                        data(ItemAction.TOGGLE, n))
                for n, option_id in enumerate(kind_of(item).button_ids(item))
            ]
        else:
            buttons = [_button(str(n + 1) if numbered else labels[n], data(ItemAction.PICK, n))
                       for n in range(len(labels))]
        rows.extend(_rows(buttons, NUMBERS_PER_ROW if numbered else 1))
        if widget is Widget.TOGGLES:
            rows.append([_button(tr.ui("Done"), data(ItemAction.DONE))])
    elif widget is Widget.YESNO:
        rows.append(_yes_no(lambda n: data(ItemAction.PICK, n), tr))
    if scr.suggestion is not None and scr.answer is None and not scr.asking_other:
        rows.append([_button(tr.ui("Use this"), data(ItemAction.USE))])
    nav: list[InlineKeyboardButton] = []
    if scr.can_back:
        nav.append(_button(tr.ui("Back"), data(ItemAction.BACK)))
    if not item.required and not scr.asking_other:
        nav.append(_button(tr.ui("Skip"), data(ItemAction.SKIP)))
    nav.append(_button(tr.ui("Review"), data(ItemAction.REVIEW)))
    nav.append(_button("❓", data(ItemAction.HELP)))
    rows.append(nav)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def group(form: Form, item: GroupItem, view: GroupView, session_id: int, tr: Translator) -> InlineKeyboardMarkup:
    """A repeatable group: a field's options (and Keep / Skip), or the group's menu."""
    pos = form.position(item.id)
    f = -1 if view.field is None else view.field
    editing = -1 if view.editing is None else view.editing

    def data(action: GroupAction, option: int = -1) -> str:
        return GroupButton(s=session_id, p=pos, f=f, a=action, o=option, c=len(view.entries), e=editing).pack()

    rows: list[list[InlineKeyboardButton]] = []
    if view.field is None:
        rows.append([_button("➕ " + tr.ui("Add"), data(GroupAction.ADD))])
        for n in range(1, len(view.entries) + 1):
            rows.append([_button(f"✏️ {n}", data(GroupAction.EDIT, n)), _button(f"🗑 {n}", data(GroupAction.REMOVE, n))])
        rows.append([_button(tr.ui("Done"), data(GroupAction.DONE)), _button(tr.ui("Back"), data(GroupAction.BACK)),
                     _button("❓", data(GroupAction.HELP))])
        return InlineKeyboardMarkup(inline_keyboard=rows)
    asked = item.fields[view.field]
    widget = kind_of(asked).widget
    if widget is Widget.OPTIONS:
        numbered = numbered_options(asked, tr)
        labels = option_labels(asked, tr)
        buttons = [_button(str(n + 1) if numbered else labels[n], data(GroupAction.PICK, n))
                   for n in range(len(labels))]
        rows.extend(_rows(buttons, NUMBERS_PER_ROW if numbered else 1))
    elif widget is Widget.YESNO:
        rows.append(_yes_no(lambda n: data(GroupAction.PICK, n), tr))
    nav: list[InlineKeyboardButton] = []
    if asked.id in view.current:
        nav.append(_button(tr.ui("Keep"), data(GroupAction.KEEP)))
    if not asked.required:
        nav.append(_button(tr.ui("Skip"), data(GroupAction.SKIP)))
    nav.append(_button(tr.ui("Back"), data(GroupAction.BACK)))
    nav.append(_button("❓", data(GroupAction.HELP)))
    rows.append(nav)
    if view.editing is not None and 0 <= view.editing < len(view.entries):
        if dict(view.current) != dict(view.entries[view.editing]):
            rows.append([_button("🗑 " + tr.ui("Discard the changes to {entry} {number}", entry=tr.form(item.entry),
                                               number=view.number), data(GroupAction.DISCARD))])
    elif any(v is not None for v in view.current.values()):
        rows.append([_button("🗑 " + tr.ui("Discard {entry} {number}", entry=tr.form(item.entry), number=view.number),
                             data(GroupAction.DISCARD))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def confirm_remove(form: Form, item: GroupItem, view: GroupView, number: int, session_id: int,
                   tr: Translator) -> InlineKeyboardMarkup:
    pos = form.position(item.id)

    def data(action: GroupAction) -> str:
        return GroupButton(s=session_id, p=pos, f=-1, a=action, o=number, c=len(view.entries)).pack()

    return InlineKeyboardMarkup(inline_keyboard=[[
        _button(tr.ui("Yes, remove {number}", number=number), data(GroupAction.REMOVE_YES)),
        _button(tr.ui("No, keep it"), data(GroupAction.REMOVE_NO)),
    ]])


def review(form: Form, scr: ReviewScreen, session_id: int, tr: Translator) -> InlineKeyboardMarkup:
    labels = numbering(form).labels
    edits = [
        _button(labels[row.item.id], ReviewButton(s=session_id, a=ReviewAction.EDIT,
                                                  p=form.position(row.item.id)).pack())
        for row in scr.rows
    ]
    rows = _rows(edits, 6)
    if scr.confirming:
        rows.append([_button(tr.ui("Yes, submit"), ReviewButton(s=session_id, a=ReviewAction.CONFIRM).pack()),
                     _button(tr.ui("Not yet"), ReviewButton(s=session_id, a=ReviewAction.REVIEW).pack())])
        return InlineKeyboardMarkup(inline_keyboard=rows)
    last: list[InlineKeyboardButton] = []
    if scr.missing:
        last.append(_button(tr.ui("Continue"), ReviewButton(s=session_id, a=ReviewAction.CONTINUE).pack()))
    last.append(_button(tr.ui("Submit"), ReviewButton(s=session_id, a=ReviewAction.SUBMIT).pack()))
    rows.append(last)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def form_list(forms: list[Form], tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [_button(tr.form(form.title), FormChoice(n=n).pack())] for n, form in enumerate(forms)
    ])


def languages() -> InlineKeyboardMarkup:
    """One button per language found under locales/, each named in its own language."""
    return InlineKeyboardMarkup(inline_keyboard=[[
        _button(language_name(code), LangButton(code=code).pack()) for code in LANGUAGES
    ]])


def leave(session_id: int, tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        _button(tr.ui("Yes, leave"), LeaveButton(s=session_id, yes=True).pack()),
        _button(tr.ui("No, go on"), LeaveButton(s=session_id, yes=False).pack()),
    ]])
