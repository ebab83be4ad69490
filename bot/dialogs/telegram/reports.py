"""Report files in the chat: sent after a submission, and again on /report (the latest submitted interview).

Rendering runs in worker threads (bot.service.reports); while it runs the chat shows "sending a file…".  A failure to
render or to send never touches the submission: it is logged and the person is told to try /report later.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from html import escape

from aiogram import Bot, Router
from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.dialogs.telegram.callbacks import FormChoice
from bot.dialogs.telegram.filters import IsCommand
from bot.dialogs.telegram.people import external_id
from bot.dialogs.telegram.screens import Outgoing
from bot.dialogs.telegram.sending import say, send
from bot.i18n import Translator
from bot.service.reports import session_reports
from bot.service.sessions import Interviews
from bot.service.turn import AfterSubmission

log = logging.getLogger(__name__)

#: Telegram shows a chat action for about 5 seconds: renew it while the files render
ACTION_EVERY = 4.0


def reports_router() -> Router:
    router = Router(name="reports")
    router.message.filter(IsCommand())  # typed answers skip these handlers at once
    router.message.register(on_report, Command("report"))
    return router


async def _show_action(bot: Bot, chat_id: int, stop: asyncio.Event) -> None:
    while not stop.is_set():
        with suppress(TelegramAPIError):
            await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), ACTION_EVERY)


async def send_reports(bot: Bot, chat_id: int, interviews: Interviews, session_id: int, tr: Translator) -> bool:
    """Render the session's report files and send them; False (and a message saying /report) when that failed."""
    preparing = await say(bot, chat_id, escape(tr.ui("Preparing your report files…")))
    stop = asyncio.Event()
    action = asyncio.create_task(_show_action(bot, chat_id, stop))
    try:
        files = await session_reports(interviews.sessionmaker, interviews.forms, session_id, lang=tr.lang)
    except Exception:
        log.exception("could not render the reports of session %s", session_id)
        files = None
    finally:
        stop.set()
        await action
    try:
        if files is not None:
            for file in files:
                await bot.send_document(chat_id, BufferedInputFile(file.content, filename=file.name))
            with suppress(TelegramAPIError):  # the files are there: "preparing…" would only mislead now
                await bot.delete_message(chat_id, preparing.message_id)
            return True
    except TelegramAPIError:
        log.exception("could not send the reports of session %s", session_id)
    await say(bot, chat_id, escape(tr.ui("The report files could not be made just now. Your answers are submitted "
                                         "and kept: send /report a little later to get them.")))
    return False


async def on_report(message: Message, bot: Bot, interviews: Interviews, tr: Translator) -> None:
    if message.from_user is None:
        return
    session_id = await interviews.latest_submitted(external_id(message.from_user))
    if session_id is None:
        await say(bot, message.chat.id, escape(tr.ui("You have not submitted an interview yet, so there is no report. "
                                                     "Send /start to choose one.")))
        return
    await send_reports(bot, message.chat.id, interviews, session_id, tr)


async def after_submission(bot: Bot, chat_id: int, interviews: Interviews, after: AfterSubmission,
                           tr: Translator) -> None:
    """What a Turn says follows a submission: a contract's total against its filing, the report files, the
    contract buttons of a filing, and — when the interview ended well and names what comes next (an eligible
    check) — buttons to start those interviews, whose answers carry over for confirmation."""
    from bot.dialogs.telegram.contract import offer_contracts  # the contracts to draft after a filing

    if after.contract_check is not None:
        await say(bot, chat_id, ("⚠ " if after.contract_differs else "")
                  + "\n".join(escape(line) for line in after.contract_check))
    await send_reports(bot, chat_id, interviews, after.documents, tr)
    if after.filing is not None:
        await offer_contracts(bot, chat_id, interviews, after.filing, tr)
    if not after.next_forms:
        return
    from bot.dialogs.telegram.commands import listed  # the /start list: the buttons' numbers must match it

    everything = listed(interviews)
    buttons = [[InlineKeyboardButton(text=tr.form(f.title), callback_data=FormChoice(n=n).pack())]
               for n, f in enumerate(everything) if f.id in after.next_forms]
    text = tr.ui("Next: the self-assessment and the filing. What you answered here is offered there for you to "
                 "confirm.")
    await send(bot, chat_id, Outgoing(escape(text), InlineKeyboardMarkup(inline_keyboard=buttons)))
