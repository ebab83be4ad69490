"""Inline keyboards: options, toggles, navigation, review, the form list, language and leave confirmation."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

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
from bot.dialogs.telegram.texts import numbered_options
from bot.i18n import LANGUAGES, Translator, language_name
from bot.interview.schema import Form
from bot.present.screen import Act, Screen, ScreenKind, Widget

NUMBERS_PER_ROW = 5
TICK = "✓ "


#: a button as the Bot API spells it: the keyboard is validated once, as a whole (`_markup`), which costs pydantic
#: a third less than building each InlineKeyboardButton on its own (every answer sends a keyboard)
Button = dict[str, str]


def _button(text: str, data: str) -> Button:
    return {"text": text, "callback_data": data}


def _markup(rows: list[list[Button]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup.model_validate({"inline_keyboard": rows})


def _rows(buttons: list[Button], per_row: int) -> list[list[Button]]:
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]


def for_screen(scr: Screen, tr: Translator) -> InlineKeyboardMarkup | None:
    """The keyboard under a screen's message (None for the result)."""
    if scr.kind in (ScreenKind.REVIEW, ScreenKind.CONFIRM):
        return review(scr, tr)
    if scr.kind is ScreenKind.RESULT:
        return None
    return question(scr, tr)


#: the buttons under a question, by what they do
_ITEM_ACTIONS: dict[Act, ItemAction] = {Act.KEEP: ItemAction.USE, Act.BACK: ItemAction.BACK,
                                        Act.SKIP: ItemAction.SKIP, Act.REVIEW: ItemAction.REVIEW,
                                        Act.HELP: ItemAction.HELP}


def question(scr: Screen, tr: Translator) -> InlineKeyboardMarkup:
    if scr.group is not None:  # the group's own keyboard: its menu, or the field asked
        return group(scr, tr)

    def data(action: ItemAction, option: int = -1) -> str:
        return ItemButton.fast_pack(scr.session_id, scr.position, action, option)

    rows: list[list[Button]] = []
    if scr.widget in (Widget.OPTIONS, Widget.TOGGLES):
        numbered = numbered_options(scr)
        toggles = scr.widget is Widget.TOGGLES
        action = ItemAction.TOGGLE if toggles else ItemAction.PICK
        buttons = [_button((TICK if toggles and c.chosen else "") + (str(c.number) if numbered else c.label),
                           data(action, c.number - 1)) for c in scr.choices]
        rows.extend(_rows(buttons, NUMBERS_PER_ROW if numbered else 1))
        if (done := scr.action(Act.DONE)) is not None:
            rows.append([_button(done.label, data(ItemAction.DONE))])
    elif scr.widget is Widget.YESNO:
        rows.append([_button(c.label, data(ItemAction.PICK, c.number - 1)) for c in scr.choices])
    if (keep := scr.action(Act.KEEP)) is not None:
        rows.append([_button(keep.label, data(ItemAction.USE))])
    rows.append([_button(a.label, data(_ITEM_ACTIONS[a.act])) for a in scr.actions
                 if a.act in _ITEM_ACTIONS and a.act is not Act.KEEP])
    return _markup(rows)


def group_button(scr: Screen, action: GroupAction, option: int = -1) -> str:
    """A group button's data: it carries where the group stood when shown (field, entries, entry changed)."""
    at = scr.group
    assert at is not None
    return GroupButton(s=scr.session_id, p=scr.position, f=-1 if at.field is None else at.field, a=action, o=option,
                       c=at.count, e=-1 if at.editing is None else at.editing).pack()


_GROUP_ACTIONS: dict[Act, GroupAction] = {Act.KEEP: GroupAction.KEEP, Act.SKIP: GroupAction.SKIP,
                                          Act.BACK: GroupAction.BACK, Act.HELP: GroupAction.HELP,
                                          Act.DONE: GroupAction.DONE}


def group(scr: Screen, tr: Translator) -> InlineKeyboardMarkup:
    """A repeatable group: a field's options (and Keep / Skip), or the group's menu."""
    rows: list[list[Button]] = []
    if scr.kind is ScreenKind.GROUP_MENU:
        add = scr.action(Act.ADD)
        if add is not None:
            rows.append([_button(add.label, group_button(scr, GroupAction.ADD))])
        edits = {a.target: a for a in scr.actions if a.act is Act.EDIT_ENTRY}
        for removal in (a for a in scr.actions if a.act is Act.REMOVE_ENTRY):
            n = int(removal.target)
            rows.append([_button(edits[removal.target].label, group_button(scr, GroupAction.EDIT, n)),
                         _button(removal.label, group_button(scr, GroupAction.REMOVE, n))])
        rows.append([_button(a.label, group_button(scr, _GROUP_ACTIONS[a.act])) for a in scr.actions
                     if a.act in _GROUP_ACTIONS])
        return _markup(rows)
    if scr.widget is Widget.OPTIONS:
        numbered = numbered_options(scr)
        buttons = [_button(str(c.number) if numbered else c.label, group_button(scr, GroupAction.PICK, c.number - 1))
                   for c in scr.choices]
        rows.extend(_rows(buttons, NUMBERS_PER_ROW if numbered else 1))
    elif scr.widget is Widget.YESNO:
        rows.append([_button(c.label, group_button(scr, GroupAction.PICK, c.number - 1)) for c in scr.choices])
    rows.append([_button(a.label, group_button(scr, _GROUP_ACTIONS[a.act])) for a in scr.actions
                 if a.act in _GROUP_ACTIONS])
    if (discard := scr.action(Act.DISCARD)) is not None:
        rows.append([_button(discard.label, group_button(scr, GroupAction.DISCARD))])
    return _markup(rows)


def confirm_remove(scr: Screen, number: int, tr: Translator) -> InlineKeyboardMarkup:
    return _markup([[
        _button(tr.ui("Yes, remove {number}", number=number), group_button(scr, GroupAction.REMOVE_YES, number)),
        _button(tr.ui("No, keep it"), group_button(scr, GroupAction.REMOVE_NO, number)),
    ]])


def review(scr: Screen, tr: Translator) -> InlineKeyboardMarkup:
    edits = [_button(row.number, ReviewButton(s=scr.session_id, a=ReviewAction.EDIT, p=row.position).pack())
             for row in scr.rows]
    rows = _rows(edits, 6)
    codes = {Act.CONFIRM: ReviewAction.CONFIRM, Act.NOT_YET: ReviewAction.REVIEW, Act.CONTINUE: ReviewAction.CONTINUE,
             Act.SUBMIT: ReviewAction.SUBMIT}
    rows.append([_button(a.label, ReviewButton(s=scr.session_id, a=codes[a.act]).pack()) for a in scr.actions
                 if a.act in codes])
    return _markup(rows)


def form_list(forms: list[Form], tr: Translator) -> InlineKeyboardMarkup:
    return _markup([
        [_button(tr.form(form.title), FormChoice(n=n).pack())] for n, form in enumerate(forms)
    ])


def languages() -> InlineKeyboardMarkup:
    """One button per language found under locales/, each named in its own language."""
    return _markup([[
        _button(language_name(code), LangButton(code=code).pack()) for code in LANGUAGES
    ]])


def leave(session_id: int, tr: Translator) -> InlineKeyboardMarkup:
    return _markup([[
        _button(tr.ui("Yes, leave"), LeaveButton(s=session_id, yes=True).pack()),
        _button(tr.ui("No, go on"), LeaveButton(s=session_id, yes=False).pack()),
    ]])
