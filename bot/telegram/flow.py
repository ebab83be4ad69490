"""The interview itself: option, toggle and navigation buttons, the review screen, and typed answers."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message, Update

from bot.console import command_of
from bot.i18n import Translator
from bot.interview import engine
from bot.interview.engine import Input, State
from bot.interview.errors import AnswerError
from bot.interview.schema import ChoiceItem, Form, Item, YesNo
from bot.interviews import DUPLICATE, Interviews, Opened
from bot.present import answer_text, error_text, notice_text
from bot.telegram import keyboards, screens, texts
from bot.telegram.callbacks import ItemAction, ItemButton, ReviewAction, ReviewButton
from bot.telegram.people import external_id
from bot.telegram.sending import chat_of, replace_keyboard, replace_text, say, send

STALE = AnswerError("stale_button")
#: answers recorded by these buttons turn the question's message into a record of the answer
_RECORDING = (ItemAction.PICK, ItemAction.DONE, ItemAction.SKIP)


def flow_router() -> Router:
    router = Router(name="interview")
    router.callback_query.register(on_item_button, ItemButton.filter())
    router.callback_query.register(on_review_button, ReviewButton.filter())
    router.message.register(on_text, F.text)
    return router


async def stale(cb: CallbackQuery, opened: Opened | None, bot: Bot, tr: Translator) -> None:
    """A button of an earlier screen: say so, and show the current screen again (never apply it)."""
    await cb.answer(error_text(STALE, tr))
    await replace_keyboard(cb, None)
    if opened is None:
        await say(bot, chat_of(cb), escape(tr.ui("You have no interview in progress. Send /start to choose "
                                                          "one.")))
        return
    await send(bot, chat_of(cb), screens.current(opened.form, opened.state, opened.session_id, tr))


def _at_item(opened: Opened, position: int) -> Item | None:
    """The current item when the button's position still is the current one, else None."""
    form, state = opened.form, opened.state
    if state.submitted or state.cursor is None or not 0 <= position < len(form.items):
        return None
    item = form.items[position]
    return item if item.id == state.cursor else None


def _button_input(item: Item, data: ItemButton) -> Input | None:
    if data.a in (ItemAction.PICK, ItemAction.TOGGLE):
        if isinstance(item, YesNo) and data.a is ItemAction.PICK and data.o in (0, 1):
            return engine.Pick("yes" if data.o == 0 else "no")
        if not isinstance(item, ChoiceItem) or not 0 <= data.o < len(item.options):
            return None
        option = item.options[data.o].id
        return engine.Pick(option) if data.a is ItemAction.PICK else engine.Toggle(option)
    simple: dict[ItemAction, Input] = {ItemAction.DONE: engine.Done(), ItemAction.BACK: engine.Back(),
                                       ItemAction.SKIP: engine.Skip(), ItemAction.REVIEW: engine.Review()}
    return simple.get(data.a)


async def on_item_button(cb: CallbackQuery, callback_data: ItemButton, bot: Bot, interviews: Interviews,
                         tr: Translator, event_update: Update) -> None:
    who = external_id(cb.from_user)
    opened = await interviews.current(who)
    if opened is None or opened.session_id != callback_data.s:
        return await stale(cb, opened, bot, tr)
    item = _at_item(opened, callback_data.p)
    if item is None:
        return await stale(cb, opened, bot, tr)
    if callback_data.a is ItemAction.HELP:
        await cb.answer()
        explanation = tr.form(item.help) if item.help else tr.ui("No further explanation for this question.")
        await say(bot, chat_of(cb), f"❓ <b>{escape(tr.form(item.text))}</b>\n\n{escape(explanation)}")
        return None
    event = _button_input(item, callback_data)
    if event is None:
        return await stale(cb, opened, bot, tr)
    step = await interviews.apply(opened.session_id, event, actor=who, chat_id=chat_of(cb),
                                  update_id=event_update.update_id, expect_cursor=item.id)
    if step.error is DUPLICATE:
        await cb.answer()
        return None
    if step.error is not None:
        if step.error.code == STALE.code:
            return await stale(cb, opened, bot, tr)
        await cb.answer(error_text(step.error, tr), show_alert=True)
        return None
    await cb.answer()
    form = opened.form
    if callback_data.a is ItemAction.TOGGLE:
        scr = engine.screen(form, step.state)
        if isinstance(scr, engine.Question):
            await replace_keyboard(cb, keyboards.question(form, scr, opened.session_id, tr))
        return None
    if callback_data.a in _RECORDING:
        await replace_text(cb, texts.answered(item, step.state, tr))
    else:
        await replace_keyboard(cb, None)
    warnings = "\n".join(f"⚠️ {escape(notice_text(w, tr))}" for w in step.warnings) or None
    await send(bot, chat_of(cb), screens.current(form, step.state, opened.session_id, tr, before=warnings))
    return None


async def on_review_button(cb: CallbackQuery, callback_data: ReviewButton, bot: Bot, interviews: Interviews,
                           tr: Translator, event_update: Update) -> None:
    who = external_id(cb.from_user)
    opened = await interviews.current(who)
    if opened is None or opened.session_id != callback_data.s:
        return await stale(cb, opened, bot, tr)
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
    else:
        event = engine.Submit()
    step = await interviews.apply(opened.session_id, event, actor=who, chat_id=chat_of(cb),
                                  update_id=event_update.update_id)
    if step.error is DUPLICATE:
        await cb.answer()
        return None
    if step.error is not None:
        if step.error.code == "no_such_item":
            return await stale(cb, opened, bot, tr)
        await cb.answer(error_text(step.error, tr), show_alert=True)
        return None
    await cb.answer()
    await replace_keyboard(cb, None)
    await send(bot, chat_of(cb), screens.current(form, step.state, opened.session_id, tr))
    return None


def typed_input(form: Form, state: State, text: str) -> Input | str:
    """What a typed line means: an engine input, or "help"."""
    command = command_of(text)
    simple: dict[str, Input] = {"back": engine.Back(), "skip": engine.Skip(), "review": engine.Review(),
                                "submit": engine.Submit(), "continue": engine.Continue()}
    if command in simple:
        return simple[command]
    if command == "help":
        return "help"
    if state.cursor is None and text.strip().isdigit():
        rows = engine.visible_items(form, state.answers)
        n = int(text.strip())
        if 1 <= n <= len(rows):
            return engine.Edit(rows[n - 1].id)
    return engine.Text(text)


async def on_text(message: Message, bot: Bot, interviews: Interviews, tr: Translator, event_update: Update) -> None:
    text = message.text or ""
    if message.from_user is None:
        return
    if text.startswith("/"):
        await say(bot, message.chat.id, escape(tr.ui("Unknown command. Send /help to see what I understand.")))
        return
    who = external_id(message.from_user)
    opened = await interviews.current(who)
    if opened is None:
        await say(bot, message.chat.id, escape(tr.ui("You have no interview in progress. Send /start to choose one.")))
        return
    form, state = opened.form, opened.state
    event = typed_input(form, state, text)
    if event == "help":
        item = form.item(state.cursor) if state.cursor else None
        explanation = tr.form(item.help) if item is not None and item.help else tr.ui(
            "No further explanation for this question.")
        await say(bot, message.chat.id, escape(explanation))
        return
    assert not isinstance(event, str)
    step = await interviews.apply(opened.session_id, event, actor=who, chat_id=message.chat.id,
                                  update_id=event_update.update_id)
    if step.error is DUPLICATE:
        return
    before: str | None = None
    if step.error is not None:
        before = texts.refusal(error_text(step.error, tr), step.typed or text, tr)
    elif step.changes:
        change = step.changes[-1]
        before = "✓ " + escape(tr.ui("Saved: {answer}", answer=answer_text(form.item(change.item_id), change.new,
                                                                             tr)))
    if step.error is None and step.warnings:
        before = "\n".join([*([before] if before else []), *(f"⚠️ {escape(notice_text(w, tr))}" for w in step.warnings)])
    await send(bot, message.chat.id, screens.current(form, step.state, opened.session_id, tr, before=before))
