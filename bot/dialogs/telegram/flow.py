"""The interview itself: option, toggle and navigation buttons, repeatable groups, the review screen, typed
answers and evidence files.  Typed words are read by bot/dialogs/commands.py; every input is applied by the
service, which returns a Turn (bot/service/turn.py) that is rendered here as HTML."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, Message, Update

from bot.dialogs import commands
from bot.dialogs.telegram import keyboards, screens, texts
from bot.dialogs.telegram.callbacks import GroupAction, GroupButton, ItemAction, ItemButton, ReviewAction, ReviewButton
from bot.dialogs.telegram.filters import HasFile, HasText
from bot.dialogs.telegram.people import current_or_tell, external_id
from bot.dialogs.telegram.reports import after_submission
from bot.dialogs.telegram.sending import chat_of, replace_keyboard, replace_text, say, send
from bot.i18n import Translator
from bot.interview import engine
from bot.interview.engine import Input, Question, State
from bot.interview.errors import AnswerError
from bot.interview.groups import GroupView, group_view
from bot.interview.kinds import Widget, kind_of
from bot.interview.schema import Form, GroupItem, Item
from bot.interview.typed import MAX_READ, clean
from bot.present import entry_text, error_text, explanation
from bot.service.sessions import Interviews, Opened
from bot.service.turn import Turn, take_turn

STALE = AnswerError("stale_button")
#: answers recorded by these buttons turn the question's message into a record of the answer
_RECORDING = (ItemAction.PICK, ItemAction.DONE, ItemAction.SKIP, ItemAction.USE)
NO_FILES = AnswerError("no_files_here")


def flow_router() -> Router:
    router = Router(name="interview")
    router.callback_query.register(on_item_button, ItemButton.filter())
    router.callback_query.register(on_group_button, GroupButton.filter())
    router.callback_query.register(on_review_button, ReviewButton.filter())
    router.message.register(on_text, HasText())
    router.message.register(on_file, HasFile())
    return router


def _notes(turn: Turn, first: str | None = None) -> str | None:
    """HTML put above the next screen: `first` (a refusal or "saved"), then the warnings of the turn."""
    lines = [first] if first else []
    lines.extend(texts.warning_notes(turn.warnings))
    return "\n".join(lines) or None


async def show(bot: Bot, chat_id: int, interviews: Interviews, turn: Turn, tr: Translator, *,
               before: str | None = None) -> None:
    """The turn's next screen (with `before` above it); after a submission, what follows it."""
    await send(bot, chat_id, screens.current(turn, tr, before=before))
    if turn.after is not None:
        await after_submission(bot, chat_id, interviews, turn.after, tr)


async def stale(cb: CallbackQuery, opened: Opened | None, bot: Bot, tr: Translator) -> None:
    """A button of an earlier screen: say so, and show the current screen again (never apply it)."""
    await cb.answer(error_text(STALE, tr))
    await replace_keyboard(cb, None)
    if opened is None:
        await say(bot, chat_of(cb), texts.no_interview(tr))
        return
    await send(bot, chat_of(cb), screens.current(opened, tr))


def _at_item(opened: Opened, position: int) -> Item | None:
    """The current item when the button's position still is the current one, else None."""
    form, state = opened.form, opened.state
    if state.submitted or state.cursor is None or not 0 <= position < len(form.items):
        return None
    item = form.items[position]
    return item if item.id == state.cursor else None


async def pressed_session(cb: CallbackQuery, session_id: int, bot: Bot, interviews: Interviews,
                          tr: Translator) -> Opened | None:
    """The presser's current interview when the button belongs to it; otherwise the button is stale (said so,
    the current screen shown again) and None comes back."""
    opened = await interviews.current(external_id(cb.from_user))
    if opened is None or opened.session_id != session_id:
        await stale(cb, opened, bot, tr)
        return None
    return opened


async def _apply_button(cb: CallbackQuery, opened: Opened, event: Input, item: Item, interviews: Interviews,
                        bot: Bot, tr: Translator, update_id: int) -> Turn | None:
    """Apply a button of the current item; None when it was handled already (stale, refused)."""
    turn = await take_turn(interviews, opened, event, tr, actor=external_id(cb.from_user), chat_id=chat_of(cb),
                           update_id=update_id, expect_cursor=item.id)
    if turn.refusal is not None:
        if turn.refusal.error.code == STALE.code:
            await stale(cb, opened, bot, tr)
            return None
        await cb.answer(turn.refusal.reason, show_alert=True)
        if turn.refusal.error.code == "entry_unfinished":
            # the refusal stays readable, with the Discard button, under the entry it is about
            await replace_keyboard(cb, None)
            await show(bot, chat_of(cb), interviews, turn, tr, before=texts.refusal(turn.refusal.reason, None, tr))
        return None
    await cb.answer()
    return turn


def _button_input(item: Item, data: ItemButton) -> Input | None:
    if data.a in (ItemAction.PICK, ItemAction.TOGGLE):
        kind = kind_of(item)
        ids = kind.button_ids(item)
        if not 0 <= data.o < len(ids) or (kind.widget is Widget.YESNO and data.a is ItemAction.TOGGLE):
            return None
        return engine.Pick(ids[data.o]) if data.a is ItemAction.PICK else engine.Toggle(ids[data.o])
    simple: dict[ItemAction, Input] = {ItemAction.DONE: engine.Done(), ItemAction.BACK: engine.Back(),
                                       ItemAction.SKIP: engine.Skip(), ItemAction.REVIEW: engine.Review(),
                                       ItemAction.USE: engine.UseSuggestion()}
    return simple.get(data.a)


async def on_item_button(cb: CallbackQuery, callback_data: ItemButton, bot: Bot, interviews: Interviews,
                         tr: Translator, event_update: Update) -> None:
    opened = await pressed_session(cb, callback_data.s, bot, interviews, tr)
    if opened is None:
        return None
    item = _at_item(opened, callback_data.p)
    if item is None:
        return await stale(cb, opened, bot, tr)
    if callback_data.a is ItemAction.HELP:
        await cb.answer()
        await say(bot, chat_of(cb), texts.item_help(item, tr))
        return None
    event = _button_input(item, callback_data)
    if event is None:
        return await stale(cb, opened, bot, tr)
    turn = await _apply_button(cb, opened, event, item, interviews, bot, tr, event_update.update_id)
    if turn is None:
        return None
    if callback_data.a is ItemAction.TOGGLE:
        scr = turn.screen
        if isinstance(scr, engine.Question):
            await replace_keyboard(cb, keyboards.question(turn.form, scr, opened.session_id, tr))
        return None
    if callback_data.a in _RECORDING:
        await replace_text(cb, texts.answered(item, turn.state, tr))
    else:
        await replace_keyboard(cb, None)
    await show(bot, chat_of(cb), interviews, turn, tr, before=_notes(turn))
    return None


def _group_input(item: GroupItem, view: GroupView, data: GroupButton) -> Input | None:
    if data.a is GroupAction.PICK:
        if view.field is None:
            return None
        asked = item.fields[view.field]
        kind = kind_of(asked)
        ids = kind.button_ids(asked)
        if kind.widget in (Widget.OPTIONS, Widget.YESNO) and 0 <= data.o < len(ids):
            return engine.Pick(ids[data.o])
        return None
    if data.a is GroupAction.EDIT:
        return engine.GroupEdit(data.o)
    if data.a is GroupAction.REMOVE_YES:
        return engine.GroupRemove(data.o)
    simple: dict[GroupAction, Input] = {GroupAction.KEEP: engine.UseSuggestion(), GroupAction.SKIP: engine.Skip(),
                                        GroupAction.ADD: engine.GroupAdd(), GroupAction.DONE: engine.Done(),
                                        GroupAction.BACK: engine.Back(), GroupAction.DISCARD: engine.Discard()}
    return simple.get(data.a)


def _picked_value(item: GroupItem, view: GroupView, event: Input) -> Any:
    """The value a group field's button gave (for the record the pressed message becomes)."""
    assert view.field is not None
    asked = item.fields[view.field]
    if isinstance(event, engine.Pick):
        try:
            return kind_of(asked).pick(asked, event.option_id).value
        except AnswerError:
            return None
    if isinstance(event, engine.UseSuggestion):
        return view.current.get(asked.id)
    return None


async def on_group_button(cb: CallbackQuery, callback_data: GroupButton, bot: Bot, interviews: Interviews,
                          tr: Translator, event_update: Update) -> None:
    """A repeatable group: a field's option, Keep or Skip; or the menu's add, edit N, remove N (confirmed), done."""
    opened = await pressed_session(cb, callback_data.s, bot, interviews, tr)
    if opened is None:
        return None
    item = _at_item(opened, callback_data.p)
    if not isinstance(item, GroupItem) or opened.state.asking_other:
        return await stale(cb, opened, bot, tr)
    form = opened.form
    view = group_view(item, opened.state)
    field = -1 if view.field is None else view.field
    editing = -1 if view.editing is None else view.editing
    if (callback_data.f, callback_data.c) != (field, len(view.entries)) or (
            field >= 0 and callback_data.e != editing):
        return await stale(cb, opened, bot, tr)
    if callback_data.a is GroupAction.HELP:
        await cb.answer()
        asked = item if view.field is None else item.fields[view.field]
        await say(bot, chat_of(cb), texts.item_help(asked, tr))
        return None
    if callback_data.a in (GroupAction.REMOVE, GroupAction.REMOVE_NO):
        await cb.answer()
        if callback_data.a is GroupAction.REMOVE_NO or not 1 <= callback_data.o <= len(view.entries):
            await replace_keyboard(cb, keyboards.group(form, item, view, opened.session_id, tr))
            return None
        number = callback_data.o
        await replace_keyboard(cb, keyboards.confirm_remove(form, item, view, number, opened.session_id, tr))
        return None
    event = _group_input(item, view, callback_data)
    if event is None:
        return await stale(cb, opened, bot, tr)
    turn = await _apply_button(cb, opened, event, item, interviews, bot, tr, event_update.update_id)
    if turn is None:
        return None
    if isinstance(event, engine.Back | engine.Discard):
        await replace_keyboard(cb, None)
    elif view.field is not None:
        asked = item.fields[view.field]
        await replace_text(cb, texts.group_answered(item, asked, view.number, _picked_value(item, view, event), tr))
    elif isinstance(event, engine.GroupRemove):
        removed = view.entries[event.index - 1]
        await replace_text(cb, "🗑 " + escape(tr.ui("Removed {entry}: {text}",
                                                    entry=texts.entry_label(item, event.index, tr),
                                                    text=entry_text(item, removed, tr))))
    else:
        await replace_keyboard(cb, None)
    await show(bot, chat_of(cb), interviews, turn, tr, before=_notes(turn))
    return None


async def on_review_button(cb: CallbackQuery, callback_data: ReviewButton, bot: Bot, interviews: Interviews,
                           tr: Translator, event_update: Update) -> None:
    opened = await pressed_session(cb, callback_data.s, bot, interviews, tr)
    if opened is None:
        return None
    form, state = opened.form, opened.state
    if state.submitted or state.cursor is not None:
        return await stale(cb, opened, bot, tr)
    event: Input
    if callback_data.a is ReviewAction.EDIT:
        if not 0 <= callback_data.p < len(form.items):
            return await stale(cb, opened, bot, tr)
        event = engine.Edit(form.items[callback_data.p].id)
    elif callback_data.a is ReviewAction.CONTINUE:
        event = engine.Continue()
    elif callback_data.a is ReviewAction.REVIEW:
        event = engine.Review()
    else:
        event = engine.Submit(confirmed=callback_data.a is ReviewAction.CONFIRM)
    turn = await take_turn(interviews, opened, event, tr, actor=external_id(cb.from_user), chat_id=chat_of(cb),
                           update_id=event_update.update_id)
    if turn.refusal is not None:
        if turn.refusal.error.code == "no_such_item":
            return await stale(cb, opened, bot, tr)
        await cb.answer(turn.refusal.reason, show_alert=True)
        return None
    await cb.answer()
    await replace_keyboard(cb, None)
    await show(bot, chat_of(cb), interviews, turn, tr)
    return None


async def on_text(message: Message, bot: Bot, interviews: Interviews, tr: Translator, event_update: Update) -> None:
    # the boundary: capped, controls dropped (newlines kept for free text), NFC
    text = clean(message.text or "", lines=True, limit=MAX_READ)
    if message.from_user is None:
        return
    if text.startswith("/"):
        await say(bot, message.chat.id, escape(tr.ui("Unknown command. Send /help to see what I understand.")))
        return
    found = await current_or_tell(message, bot, interviews, tr)
    if found is None:
        return
    who, opened = found
    form, state = opened.form, opened.state
    # the words Telegram has its own way for (/lang, /report, files sent as files) are typed text here
    command = commands.as_text(commands.read(form, state, text), text)
    if isinstance(command, commands.Help):
        item = form.item(state.cursor) if state.cursor else None
        await say(bot, message.chat.id, escape(explanation(item, tr)))
        return
    if isinstance(command, commands.RemoveEntry):
        await _confirm_typed_remove(bot, message.chat.id, opened, command.number, tr)
        return
    await _apply_and_show(bot, message.chat.id, interviews, opened, command, who, event_update, tr, typed=text)


async def _confirm_typed_remove(bot: Bot, chat_id: int, opened: Opened, number: int, tr: Translator) -> None:
    """"remove N" typed on a group's menu: ask first, with the same buttons as 🗑 N."""
    form, state = opened.form, opened.state
    item = form.item(state.cursor) if state.cursor else None
    assert isinstance(item, GroupItem)
    view = group_view(item, state)
    if (error := engine.entry_number_error(len(view.entries), number)) is not None:  # as the engine would refuse
        refusal = texts.refusal(error_text(error, tr), None, tr)
        await send(bot, chat_id, screens.current(opened, tr, before=refusal))
        return
    await send(bot, chat_id, screens.Outgoing(
        texts.remove_question(item, number, view.entries[number - 1], tr),
        keyboards.confirm_remove(form, item, view, number, opened.session_id, tr)))


async def _apply_and_show(bot: Bot, chat_id: int, interviews: Interviews, opened: Opened, event: Input, who: str,
                          event_update: Update, tr: Translator, *, typed: str | None) -> None:
    """Apply a typed answer or a file; show the Turn: the refusal (with what was typed) or "saved", the warnings,
    and the next screen; after a submission, the report files."""
    turn = await take_turn(interviews, opened, event, tr, actor=who, chat_id=chat_id,
                           update_id=event_update.update_id, typed=typed)
    first: str | None = None
    if turn.refusal is not None:
        first = texts.refusal(turn.refusal.reason, turn.refusal.typed, tr)
    elif turn.saved is not None:
        first = "✓ " + escape(tr.ui("Saved: {answer}", answer=turn.saved))
    await show(bot, chat_id, interviews, turn, tr, before=_notes(turn, first))


def _file_of(message: Message) -> engine.Attach | None:
    """A document or a photo (its largest size) as evidence; the caption is the note."""
    if message.document is not None:
        doc = message.document
        return engine.Attach(doc.file_id, doc.file_name or "document", message.caption)
    if message.photo:
        photo = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return engine.Attach(photo.file_id, f"photo-{photo.file_unique_id}.jpg", message.caption)
    return None


def accepts_file(form: Form, state: State, today: date) -> bool:
    scr = engine.screen(form, state, today)
    return (isinstance(scr, Question) and kind_of(scr.item).takes_files(scr.item)
            and not scr.asking_other)


async def on_file(message: Message, bot: Bot, interviews: Interviews, tr: Translator, event_update: Update) -> None:
    """A document or photo: evidence for an item that accepts a file, else politely refused."""
    found = await current_or_tell(message, bot, interviews, tr)
    if found is None:
        return
    who, opened = found
    form, state = opened.form, opened.state
    attach = _file_of(message)
    if attach is not None:
        attach = engine.Attach(attach.file_id, clean(attach.name, limit=200) or "document",
                               None if attach.caption is None else clean(attach.caption, lines=True))
    if attach is None or not accepts_file(form, state, opened.today):
        refusal = texts.refusal(error_text(NO_FILES, tr), None, tr)
        await send(bot, message.chat.id, screens.current(opened, tr, before=refusal))
        return
    await _apply_and_show(bot, message.chat.id, interviews, opened, attach, who, event_update, tr,
                          typed=attach.caption)
