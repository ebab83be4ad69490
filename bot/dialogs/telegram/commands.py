"""Chat commands: /start, /resume, /lang, /help, /cancel, their buttons, and the command menu (/report lives in
bot/dialogs/telegram/reports.py)."""

from __future__ import annotations

from dataclasses import replace
from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import BotCommand, CallbackQuery, Message

from bot.dialogs.telegram import keyboards, screens, texts
from bot.dialogs.telegram.callbacks import FormChoice, LangButton, LeaveButton
from bot.dialogs.telegram.filters import IsCommand
from bot.dialogs.telegram.people import current_or_tell, external_id, store_lang
from bot.dialogs.telegram.sending import chat_of, replace_keyboard, replace_text, say, send
from bot.i18n import LANGUAGES, Translator, language_name, normalise_lang
from bot.interview.errors import AnswerError
from bot.interview.schema import Form
from bot.present import error_text
from bot.service.helpdesk import Helpdesk
from bot.service.sessions import Interviews
from bot.service.turn import opening_lines


def menu(tr: Translator) -> list[BotCommand]:
    """The command menu in one language (registered with setMyCommands)."""
    return [
        BotCommand(command="start", description=tr.ui("Choose an interview")),
        BotCommand(command="resume", description=tr.ui("Continue the current interview")),
        BotCommand(command="lang", description=tr.ui("Language: {language}",
                                                     language=" / ".join(map(language_name, LANGUAGES)))),
        BotCommand(command="help", description=tr.ui("How this works")),
        BotCommand(command="cancel", description=tr.ui("Leave the interview (answers are kept)")),
        BotCommand(command="report", description=tr.ui("Report files of your latest submitted interview")),
        BotCommand(command="contract", description=tr.ui("Draft the service contract with a provider of your filing")),
        BotCommand(command="code", description=tr.ui("A code to continue on another phone or with the helpdesk")),
        BotCommand(command="forget", description=tr.ui("Erase all my data")),
    ]


def commands_router() -> Router:
    router = Router(name="commands")
    router.message.filter(IsCommand())  # typed answers skip these handlers at once
    router.message.register(on_start, CommandStart())
    router.message.register(on_resume, Command("resume"))
    router.message.register(on_lang, Command("lang"))
    router.message.register(on_help, Command("help"))
    router.message.register(on_cancel, Command("cancel"))
    router.callback_query.register(on_form_choice, FormChoice.filter())
    router.callback_query.register(on_lang_button, LangButton.filter())
    router.callback_query.register(on_leave_button, LeaveButton.filter())
    return router


def listed(interviews: Interviews) -> list[Form]:
    """The interviews on the /start list: not those started from another's submission (a contract)."""
    return [f for f in interviews.forms.values() if f.starts_from is None]


async def on_start(message: Message, bot: Bot, interviews: Interviews, tr: Translator) -> None:
    forms = listed(interviews)
    await send(bot, message.chat.id, screens.Outgoing(texts.form_list(forms, tr), keyboards.form_list(forms, tr)))


async def on_form_choice(cb: CallbackQuery, callback_data: FormChoice, bot: Bot, interviews: Interviews,
                         tr: Translator) -> None:
    forms = listed(interviews)
    if not 0 <= callback_data.n < len(forms):
        await cb.answer(error_text(AnswerError("stale_button"), tr))
        return
    form = forms[callback_data.n]
    opened = await interviews.open(external_id(cb.from_user), form.id, lang=tr.lang,
                                   display_name=cb.from_user.full_name)
    await cb.answer()
    await replace_keyboard(cb, None)
    intro = texts.opened(opening_lines(opened, tr))
    await send(bot, chat_of(cb), await screens.current(interviews, opened, tr, before=intro))


async def on_resume(message: Message, bot: Bot, interviews: Interviews, tr: Translator) -> None:
    found = await current_or_tell(message, bot, interviews, tr)
    if found is None:
        return
    who, opened = found
    intro = texts.opened(opening_lines(replace(opened, resumed=True), tr))
    await send(bot, message.chat.id, await screens.current(interviews, opened, tr, before=intro, viewer=who))


async def on_help(message: Message, bot: Bot, helpdesk: Helpdesk, tr: Translator) -> None:
    """How this works; for helpdesk staff, their commands too."""
    text = texts.help_text(tr)
    if message.from_user is not None and await helpdesk.is_staff(external_id(message.from_user)):
        text += "\n\n" + texts.staff_help_text(tr)
    await say(bot, message.chat.id, text)


async def _switch(bot: Bot, chat_id: int, cb_or_message: Message | CallbackQuery, lang: str,
                  interviews: Interviews) -> None:
    user = cb_or_message.from_user
    if user is None:
        return
    await store_lang(interviews, user, lang)
    tr = Translator(lang)
    await say(bot, chat_id, escape(tr.ui("Language: {language}", language=language_name(lang))))
    opened = await interviews.current(external_id(user))
    if opened is not None:
        await send(bot, chat_id, await screens.current(interviews, opened, tr, viewer=external_id(user)))


async def on_lang(message: Message, command: CommandObject, bot: Bot, interviews: Interviews,
                  tr: Translator) -> None:
    if command.args:
        await _switch(bot, message.chat.id, message, normalise_lang(command.args), interviews)
        return
    await send(bot, message.chat.id, screens.Outgoing(escape(tr.ui("Choose your language:")), keyboards.languages()))


async def on_lang_button(cb: CallbackQuery, callback_data: LangButton, bot: Bot, interviews: Interviews) -> None:
    await cb.answer()
    await replace_keyboard(cb, None)
    lang = callback_data.code if callback_data.code in LANGUAGES else normalise_lang(callback_data.code)
    await _switch(bot, chat_of(cb), cb, lang, interviews)


async def on_cancel(message: Message, bot: Bot, interviews: Interviews, tr: Translator) -> None:
    found = await current_or_tell(message, bot, interviews, tr)
    if found is None:
        return
    _, opened = found
    question = tr.ui("Leave “{title}”? Your answers are kept; /resume continues later.",
                     title=tr.form(opened.form.title))
    await send(bot, message.chat.id, screens.Outgoing(escape(question), keyboards.leave(opened.session_id, tr)))


async def on_leave_button(cb: CallbackQuery, callback_data: LeaveButton, bot: Bot, interviews: Interviews,
                          tr: Translator) -> None:
    opened = await interviews.current(external_id(cb.from_user))
    await cb.answer()
    if opened is None or opened.session_id != callback_data.s:
        await replace_keyboard(cb, None)
        return
    if callback_data.yes:
        await replace_text(cb, escape(tr.ui("You left the interview. Your answers are kept: send /resume to "
                                            "continue, or /start to choose an interview.")))
        return
    await replace_keyboard(cb, None)
    await send(bot, chat_of(cb), await screens.current(interviews, opened, tr, viewer=external_id(cb.from_user)))
