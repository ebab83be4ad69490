"""Service contracts in the chat: after a filing is submitted, one button per provider drafts its
contract (annex 2); /contract offers them again; staff draft one for a person with /contract SESSION PROVIDER.

The interview itself runs through the ordinary flow (bot/dialogs/telegram/flow.py); at its submission the
contract's total is compared with the filing's expected investment before the Word and PDF contract are sent
(the submission's Turn carries the comparison and the filing; bot/dialogs/telegram/reports.py tells them and calls
`offer_contracts`).  The rules live in bot/service/contracts.py.
"""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.dialogs.telegram import screens, texts
from bot.dialogs.telegram.callbacks import Index, SessionId
from bot.dialogs.telegram.filters import IsCommand
from bot.dialogs.telegram.people import external_id
from bot.dialogs.telegram.sending import chat_of, replace_keyboard, say, send
from bot.i18n import Translator
from bot.interview.errors import AnswerError
from bot.present import error_text
from bot.service.contracts import (
    Filing,
    NoSuchFiling,
    NoSuchProvider,
    latest_filing,
    load_filing,
    open_contract,
    provider_lines,
)
from bot.service.helpdesk import Helpdesk
from bot.service.notices import Notices
from bot.service.sessions import Interviews, Opened, session_number
from bot.service.turn import opening_lines

#: Telegram shows at most this many characters on a button before it cuts
BUTTON_NAME = 40


class ContractButton(CallbackData, prefix="ct"):
    """Draft the contract of provider `n` (0-based) of the filing session `s`."""

    s: SessionId
    n: Index


def contract_router() -> Router:
    router = Router(name="contract")
    router.message.filter(IsCommand())  # typed answers skip these handlers at once
    router.message.register(on_contract, Command("contract"))
    router.callback_query.register(on_contract_button, ContractButton.filter())
    return router


def _no_filing(tr: Translator) -> str:
    return escape(tr.ui("A contract is drafted from a submitted filing (hangzhou-filing), and you have none: finish "
                        "the filing first."))


async def offer_contracts(bot: Bot, chat_id: int, interviews: Interviews, filing: Filing, tr: Translator) -> None:
    """One button per provider of the filing."""
    buttons = [[InlineKeyboardButton(
        text=tr.ui("Draft the contract: {provider}", provider=filing.provider_name(n)[:BUTTON_NAME]),
        callback_data=ContractButton(s=filing.session_id, n=n).pack())] for n in range(len(filing.providers))]
    text = tr.ui("Next: draft the service contract (annex 2) with each provider; what the filing holds is filled "
                 "in:")
    await send(bot, chat_id, screens.Outgoing(escape(text), InlineKeyboardMarkup(inline_keyboard=buttons)))


async def _show(bot: Bot, chat_id: int, interviews: Interviews, opened: Opened, filing: Filing, provider: int,
                tr: Translator) -> None:
    from bot.dialogs.telegram.reports import send_reports

    intro = escape(tr.ui("Service contract with {provider}.", provider=filing.provider_name(provider)))
    if opened.state.submitted:
        await say(bot, chat_id, intro + "\n" + escape(tr.ui("This contract was already drafted; here are its files "
                                                            "again.")))
        await send_reports(bot, chat_id, interviews, opened.session_id, tr)
        return
    intro += "\n" + texts.opened(opening_lines(opened, tr))
    await send(bot, chat_id, await screens.current(interviews, opened, tr, before=intro))


async def on_contract_button(cb: CallbackQuery, callback_data: ContractButton, bot: Bot, interviews: Interviews,
                             tr: Translator) -> None:
    who = external_id(cb.from_user)
    try:
        filing = await load_filing(interviews.sessionmaker, callback_data.s)
        if filing.owner != who:
            # someone else's filing answers as one that does not exist: a forged button learns nothing
            raise NoSuchFiling(callback_data.s)
        opened = await open_contract(interviews, filing, callback_data.n)
    except (NoSuchFiling, NoSuchProvider):
        # the filing was reopened, erased or moved to another account since the button was sent
        await cb.answer(error_text(AnswerError("stale_button"), tr))
        await replace_keyboard(cb, None)
        await say(bot, chat_of(cb), _no_filing(tr))
        return
    await cb.answer()
    await _show(bot, chat_of(cb), interviews, opened, filing, callback_data.n, tr)


def _numbers(args: str | None) -> list[int] | None:
    """The numbers typed after /contract (any digits a person types, see typed_int); None if a word is not one.
    A session number past what the database holds reads as none (0), which finds no filing."""
    numbers = [session_number(w) for w in (args or "").split()]
    return None if any(n is None for n in numbers) else [n for n in numbers if n is not None]


async def on_contract(message: Message, command: CommandObject, bot: Bot, interviews: Interviews,
                      helpdesk: Helpdesk, tr: Translator, notices: Notices) -> None:
    """/contract: the buttons for the person's latest filing.  Staff: /contract SESSION [PROVIDER] drafts the
    contract for the filing's owner and holds it, as /take does."""
    if message.from_user is None:
        return
    chat_id = message.chat.id
    if not (command.args or "").strip():
        try:
            filing = await latest_filing(interviews.sessionmaker, external_id(message.from_user))
        except NoSuchFiling:
            await say(bot, chat_id, _no_filing(tr))
            return
        await offer_contracts(bot, chat_id, interviews, filing, tr)
        return
    from bot.dialogs.telegram.staff import _take, staff_or_refuse

    staff = await staff_or_refuse(message, bot, helpdesk, tr)
    if staff is None:
        return
    numbers = _numbers(command.args)
    usage = escape(tr.ui("Usage: /contract FILING_SESSION PROVIDER (the provider's number, from 1)"))
    if not numbers or len(numbers) > 2:
        await say(bot, chat_id, usage)
        return
    try:
        filing = await load_filing(interviews.sessionmaker, numbers[0])
    except NoSuchFiling:
        await say(bot, chat_id, escape(tr.ui("Session {id} is not a submitted filing.", id=numbers[0])))
        return
    if len(numbers) == 1 and len(filing.providers) == 1:
        numbers.append(1)
    if len(numbers) == 1 or not 1 <= numbers[1] <= len(filing.providers):
        await say(bot, chat_id, usage + "\n" + escape("\n".join(provider_lines(filing))))
        return
    opened = await open_contract(interviews, filing, numbers[1] - 1)
    await _take(bot, chat_id, staff, opened.session_id, helpdesk, interviews, tr, notices)
