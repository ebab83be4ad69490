"""The interview itself: option, toggle and navigation buttons, repeatable groups, the review screen, typed
answers and evidence files.  Typed words are read by bot/dialogs/commands.py; a pressed button means what the
screen it was shown under says (bot/dialogs/actions.py); every input is applied by the service, which returns a
Turn (bot/service/turn.py) whose screen is marked up here as HTML and a keyboard."""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, Message, Update

from bot.dialogs import commands
from bot.dialogs.actions import input_of
from bot.dialogs.telegram import keyboards, screens, texts
from bot.dialogs.telegram.callbacks import GroupAction, GroupButton, ItemAction, ItemButton, ReviewAction, ReviewButton
from bot.dialogs.telegram.filters import HasFile, IsCommand, PlainText
from bot.dialogs.telegram.people import current_or_tell, external_id
from bot.dialogs.telegram.reports import after_submission
from bot.dialogs.telegram.sending import chat_of, replace_keyboard, replace_text, say, send
from bot.i18n import Translator
from bot.interview import engine
from bot.interview.engine import Input
from bot.interview.errors import AnswerError
from bot.interview.typed import MAX_READ, clean
from bot.present import error_text
from bot.present.build import build_screen, screen_key
from bot.present.screen import Act, Screen, ScreenKind
from bot.service.sessions import Interviews, Opened
from bot.service.shown import typed_before
from bot.service.turn import Turn, take_turn

STALE = AnswerError("stale_button")
#: answers recorded by these buttons turn the question's message into a record of the answer
_RECORDING = (ItemAction.PICK, ItemAction.DONE, ItemAction.SKIP, ItemAction.USE)
NO_FILES = AnswerError("no_files_here")
#: refusals after which the screen is shown without its buttons (nothing the person may press meanwhile)
_HELD = ("held_by_staff",)


def flow_router() -> Router:
    router = Router(name="interview")
    router.callback_query.register(on_item_button, ItemButton.filter())
    router.callback_query.register(on_group_button, GroupButton.filter())
    router.callback_query.register(on_review_button, ReviewButton.filter())
    router.message.register(on_text, PlainText())
    router.message.register(on_file, HasFile())
    return router


def unknown_commands_router() -> Router:
    """A command none of the command routers knows (asked after them): said so."""
    router = Router(name="unknown-commands")
    router.message.register(on_text, IsCommand())
    return router


def shown(opened: Opened, tr: Translator) -> Screen:
    """The screen the person is looking at (without the running score): what a pressed button or a typed command
    means is read from it."""
    return build_screen(opened.form, opened.state, opened.today, tr, session_id=opened.session_id, scored=False)


def _notes(turn: Turn, first: str | None = None) -> str | None:
    """HTML put above the next screen: `first` (a refusal or "saved"), then the warnings of the turn."""
    lines = [first] if first else []
    lines.extend(texts.warning_notes(turn.warnings))
    return "\n".join(lines) or None


async def show(bot: Bot, chat_id: int, interviews: Interviews, turn: Turn, tr: Translator, *,
               before: str | None = None) -> None:
    """The turn's next screen (with `before` above it); after a submission, what follows it."""
    held = turn.refusal is not None and turn.refusal.error.code in _HELD
    await send(bot, chat_id, screens.outgoing(turn.screen, tr, interviews, before=before, buttons=not held))
    if turn.after is not None:
        await after_submission(bot, chat_id, interviews, turn.after, tr)


async def stale(cb: CallbackQuery, opened: Opened | None, bot: Bot, interviews: Interviews, tr: Translator) -> None:
    """A button of an earlier screen: say so, and show the current screen again (never apply it)."""
    await cb.answer(error_text(STALE, tr))
    await replace_keyboard(cb, None)
    if opened is None:
        await say(bot, chat_of(cb), texts.no_interview(tr))
        return
    await send(bot, chat_of(cb), await screens.current(interviews, opened, tr, viewer=external_id(cb.from_user)))


def _at_item(opened: Opened, position: int) -> bool:
    """Whether the button's item position still is the current item's."""
    form, state = opened.form, opened.state
    if state.submitted or state.cursor is None or not 0 <= position < len(form.items):
        return False
    return form.items[position].id == state.cursor


async def pressed_session(cb: CallbackQuery, session_id: int, bot: Bot, interviews: Interviews,
                          tr: Translator) -> Opened | None:
    """The presser's current interview when the button belongs to it; otherwise the button is stale (said so,
    the current screen shown again) and None comes back."""
    opened = await interviews.current(external_id(cb.from_user))
    if opened is None or opened.session_id != session_id:
        await stale(cb, opened, bot, interviews, tr)
        return None
    return opened


async def _apply_button(cb: CallbackQuery, opened: Opened, event: Input, interviews: Interviews, bot: Bot,
                        tr: Translator, update_id: int) -> Turn | None:
    """Apply a button of the current item; None when it was handled already (stale, refused)."""
    turn = await take_turn(interviews, opened, event, tr, actor=external_id(cb.from_user), chat_id=chat_of(cb),
                           update_id=update_id, expect_cursor=opened.state.cursor)
    if turn.refusal is not None:
        if turn.refusal.stale:
            await stale(cb, opened, bot, interviews, tr)
            return None
        await cb.answer(turn.refusal.reason, show_alert=True)
        if turn.refusal.error.code in ("entry_unfinished", *_HELD):
            # the refusal stays readable under the screen it is about (with the Discard button; held: none)
            await replace_keyboard(cb, None)
            await show(bot, chat_of(cb), interviews, turn, tr, before=texts.refusal(turn.refusal.reason, None, tr))
        return None
    await cb.answer()
    return turn


def _choice(now: Screen, option: int) -> str:
    """The option a button's 0-based index names on the screen shown ("" when there is none)."""
    return now.choices[option].option_id if 0 <= option < len(now.choices) else ""


_ITEM_ACTS: dict[ItemAction, Act] = {ItemAction.PICK: Act.PICK, ItemAction.TOGGLE: Act.TOGGLE,
                                     ItemAction.DONE: Act.DONE, ItemAction.BACK: Act.BACK, ItemAction.SKIP: Act.SKIP,
                                     ItemAction.REVIEW: Act.REVIEW, ItemAction.USE: Act.KEEP}


async def on_item_button(cb: CallbackQuery, callback_data: ItemButton, bot: Bot, interviews: Interviews,
                         tr: Translator, event_update: Update) -> None:
    opened = await pressed_session(cb, callback_data.s, bot, interviews, tr)
    if opened is None:
        return None
    if not _at_item(opened, callback_data.p):
        return await stale(cb, opened, bot, interviews, tr)
    now = shown(opened, tr)
    if callback_data.a is ItemAction.HELP:
        await cb.answer()
        await say(bot, chat_of(cb), texts.item_help(now))
        return None
    act = _ITEM_ACTS[callback_data.a]
    event = input_of(now, act, _choice(now, callback_data.o) if act in (Act.PICK, Act.TOGGLE) else "")
    if event is None or now.group is not None:
        return await stale(cb, opened, bot, interviews, tr)
    turn = await _apply_button(cb, opened, event, interviews, bot, tr, event_update.update_id)
    if turn is None:
        return None
    if callback_data.a is ItemAction.TOGGLE:
        if turn.screen.kind is ScreenKind.QUESTION:
            await replace_keyboard(cb, keyboards.question(turn.screen, tr))
        return None
    if callback_data.a in _RECORDING and turn.answered is not None:
        await replace_text(cb, texts.answered(turn.answered))
    else:
        await replace_keyboard(cb, None)
    await show(bot, chat_of(cb), interviews, turn, tr, before=_notes(turn))
    return None


_GROUP_ACTS: dict[GroupAction, Act] = {GroupAction.PICK: Act.PICK, GroupAction.KEEP: Act.KEEP,
                                       GroupAction.SKIP: Act.SKIP, GroupAction.ADD: Act.ADD,
                                       GroupAction.EDIT: Act.EDIT_ENTRY, GroupAction.REMOVE_YES: Act.REMOVE_ENTRY,
                                       GroupAction.DONE: Act.DONE, GroupAction.BACK: Act.BACK,
                                       GroupAction.DISCARD: Act.DISCARD}


def _group_stale(now: Screen, data: GroupButton) -> bool:
    """The button was shown when the group stood elsewhere (another field, entry count or entry changed)."""
    at = now.group
    if at is None:
        return True
    field = -1 if at.field is None else at.field
    editing = -1 if at.editing is None else at.editing
    return (data.f, data.c) != (field, at.count) or (field >= 0 and data.e != editing)


async def on_group_button(cb: CallbackQuery, callback_data: GroupButton, bot: Bot, interviews: Interviews,
                          tr: Translator, event_update: Update) -> None:
    """A repeatable group: a field's option, Keep or Skip; or the menu's add, edit N, remove N (confirmed), done."""
    opened = await pressed_session(cb, callback_data.s, bot, interviews, tr)
    if opened is None:
        return None
    if not _at_item(opened, callback_data.p):
        return await stale(cb, opened, bot, interviews, tr)
    now = shown(opened, tr)
    if _group_stale(now, callback_data):
        return await stale(cb, opened, bot, interviews, tr)
    if callback_data.a is GroupAction.HELP:
        await cb.answer()
        await say(bot, chat_of(cb), texts.item_help(now))
        return None
    if callback_data.a in (GroupAction.REMOVE, GroupAction.REMOVE_NO):
        await cb.answer()
        number = callback_data.o
        if callback_data.a is GroupAction.REMOVE_NO or not now.has(Act.REMOVE_ENTRY) or not (
                1 <= number <= len(now.entries)):
            await replace_keyboard(cb, keyboards.group(now, tr))
            return None
        await replace_keyboard(cb, keyboards.confirm_remove(now, number, tr))
        return None
    act = _GROUP_ACTS[callback_data.a]
    target = _choice(now, callback_data.o) if act is Act.PICK else str(callback_data.o) if act in (
        Act.EDIT_ENTRY, Act.REMOVE_ENTRY) else ""
    event = input_of(now, act, target)
    if event is None:
        return await stale(cb, opened, bot, interviews, tr)
    turn = await _apply_button(cb, opened, event, interviews, bot, tr, event_update.update_id)
    if turn is None:
        return None
    if act in (Act.BACK, Act.DISCARD):
        await replace_keyboard(cb, None)
    elif now.kind is ScreenKind.GROUP_FIELD and turn.answered is not None:
        await replace_text(cb, texts.group_answered(turn.answered))
    elif turn.removed is not None:
        await replace_text(cb, "🗑 " + escape(turn.removed))
    else:
        await replace_keyboard(cb, None)
    await show(bot, chat_of(cb), interviews, turn, tr, before=_notes(turn))
    return None


_REVIEW_ACTS: dict[ReviewAction, Act] = {ReviewAction.EDIT: Act.EDIT, ReviewAction.CONTINUE: Act.CONTINUE,
                                         ReviewAction.SUBMIT: Act.SUBMIT, ReviewAction.CONFIRM: Act.CONFIRM,
                                         ReviewAction.REVIEW: Act.NOT_YET}


async def on_review_button(cb: CallbackQuery, callback_data: ReviewButton, bot: Bot, interviews: Interviews,
                           tr: Translator, event_update: Update) -> None:
    opened = await pressed_session(cb, callback_data.s, bot, interviews, tr)
    if opened is None:
        return None
    form = opened.form
    now = shown(opened, tr)
    if now.kind not in (ScreenKind.REVIEW, ScreenKind.CONFIRM):
        return await stale(cb, opened, bot, interviews, tr)
    act = _REVIEW_ACTS[callback_data.a]
    if act is Act.NOT_YET and now.kind is ScreenKind.REVIEW:
        act = Act.REVIEW  # "not yet" pressed twice: the list again
    target = form.items[callback_data.p].id if act is Act.EDIT and 0 <= callback_data.p < len(form.items) else ""
    event = input_of(now, act, target) if act is not Act.REVIEW else engine.Review()
    if event is None:
        return await stale(cb, opened, bot, interviews, tr)
    turn = await take_turn(interviews, opened, event, tr, actor=external_id(cb.from_user), chat_id=chat_of(cb),
                           update_id=event_update.update_id)
    if turn.refusal is not None:
        if turn.refusal.error.code == "no_such_item" or turn.refusal.stale:
            return await stale(cb, opened, bot, interviews, tr)
        await cb.answer(turn.refusal.reason, show_alert=True)
        if turn.refusal.error.code in _HELD:
            await replace_keyboard(cb, None)
            await show(bot, chat_of(cb), interviews, turn, tr, before=texts.refusal(turn.refusal.reason, None, tr))
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
        await say(bot, message.chat.id, escape(shown(opened, tr).help
                                               or tr.ui("No further explanation for this question.")))
        return
    if isinstance(command, commands.RemoveEntry):
        now = shown(opened, tr)
        if any(a.act is Act.REMOVE_ENTRY and a.target == str(command.number) for a in now.actions):
            # "remove N" typed on a group's menu: ask first, with the same buttons as 🗑 N
            await send(bot, message.chat.id, screens.Outgoing(texts.remove_question(now, command.number, tr),
                                                              keyboards.confirm_remove(now, command.number, tr)))
            return
        command = engine.GroupRemove(command.number)  # no such entry: the engine says why, nothing changes
    if await typed_too_early(message, bot, interviews, opened, who, tr, typed=text):
        return
    await _apply_and_show(bot, message.chat.id, interviews, opened, command, who, event_update, tr, typed=text)


async def typed_too_early(message: Message, bot: Bot, interviews: Interviews, opened: Opened, who: str,
                          tr: Translator, *, typed: str | None) -> bool:
    """A message typed before the chat showed the session's current screen was typed against an earlier one
    (in a private chat, message ids increase across both sides; bot/service/shown.py): it is not applied, and
    the current screen is shown with a note naming what was and was not saved.  Returns whether it was so."""
    recorded = await interviews.shown.get(message.chat.id, opened.session_id)
    if not typed_before(recorded, screen_key(opened.form, opened.state), message.message_id):
        return False
    note = texts.typed_too_early(opened.form, opened.state, typed, tr)
    await send(bot, message.chat.id, await screens.current(interviews, opened, tr, before=note, viewer=who))
    return True


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
    elif turn.removed is not None:
        first = "🗑 " + escape(turn.removed)
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


async def on_file(message: Message, bot: Bot, interviews: Interviews, tr: Translator, event_update: Update) -> None:
    """A document or photo: evidence for an item that accepts a file, else politely refused."""
    found = await current_or_tell(message, bot, interviews, tr)
    if found is None:
        return
    who, opened = found
    attach = _file_of(message)
    if attach is not None:
        attach = engine.Attach(attach.file_id, clean(attach.name, limit=200) or "document",
                               None if attach.caption is None else clean(attach.caption, lines=True))
    if attach is None or not shown(opened, tr).takes_files:
        refusal = texts.refusal(error_text(NO_FILES, tr), None, tr)
        await send(bot, message.chat.id, await screens.current(interviews, opened, tr, before=refusal, viewer=who))
        return
    if await typed_too_early(message, bot, interviews, opened, who, tr, typed=attach.caption or attach.name):
        return
    await _apply_and_show(bot, message.chat.id, interviews, opened, attach, who, event_update, tr,
                          typed=attach.caption)
