"""Helpdesk in chat: resume codes for everyone; /find, /take, /handback, /reopen, /audit, /export, /staff for staff;
/forget for everyone.

Every staff-only command and button answers a non-staff person with the same refusal, whether or not the
session it names exists.  The rules themselves live in bot/service/helpdesk.py.
"""

from __future__ import annotations

import io
import logging
from contextlib import suppress
from datetime import date
from html import escape
from typing import Any, Literal

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.dialogs.telegram import screens
from bot.dialogs.telegram.callbacks import SessionId
from bot.dialogs.telegram.filters import IsCommand
from bot.dialogs.telegram.people import current_or_tell, external_id
from bot.dialogs.telegram.sending import chat_of, replace_keyboard, replace_text, say, send
from bot.i18n import N_, Translator
from bot.interview.typed import clean, typed_int, visible
from bot.present.trail import line
from bot.service.desk import audit_in_words
from bot.service.file_names import safe_part
from bot.service.handback import hand_back
from bot.service.helpdesk import Helpdesk, NotAllowed, SlowDown, mask_phone, pretty_code
from bot.service.notices import Notices
from bot.service.sessions import Interviews, session_number

log = logging.getLogger(__name__)

#: Telegram's user ids have at most 52 significant bits
TELEGRAM_ID_MAX = 2**52 - 1


class StaffButton(CallbackData, prefix="k"):
    """`a`: t(ake) a session; f(orget) my data (confirmed) or n(o)."""

    a: Literal["t", "f", "n"]
    s: SessionId = 0


def staff_router() -> Router:
    router = Router(name="staff")
    router.message.filter(IsCommand())  # answers typed in an interview skip these handlers at once
    router.message.register(on_start_code, CommandStart(deep_link=True))
    router.message.register(on_code, Command("code"))
    router.message.register(on_find, Command("find"))
    router.message.register(on_take, Command("take"))
    router.message.register(on_handback, Command("handback"))
    router.message.register(on_reopen, Command("reopen"))
    router.message.register(on_audit, Command("audit"))
    router.message.register(on_export, Command("export"))
    router.message.register(on_staff, Command("staff"))
    router.message.register(on_staff_report, Command("report", magic=F.args.func(_is_number)))
    router.message.register(on_forget, Command("forget"))
    router.callback_query.register(on_button, StaffButton.filter())
    return router


def refusal(tr: Translator) -> str:
    """The one answer to anything staff-only (the same whether or not the session exists)."""
    return escape(tr.ui("This command is for helpdesk staff only."))


def _is_number(args: str | None) -> bool:
    return typed_int(clean(args or "")) is not None


def _number(args: str | None) -> int | None:
    """The session number a staff command names (any typed digits, bot.interview.typed), None when there is
    none; a number no session can have (past the database's integers) is 0, which finds nothing."""
    first = clean(args or "").split(maxsplit=1)
    return session_number(first[0]) if first else None


async def _tell(bot: Bot, who: str, text: str) -> None:
    """A message to another person (by external id 'tg:<id>'); a blocked bot is not an error."""
    if who.startswith("tg:"):
        try:
            await say(bot, int(who[3:]), text)
        except TelegramAPIError:  # the person may have blocked the bot; nothing else to do
            log.info("could not tell %s", who)


#: a session's status in /find, in the staff member's words
STATUSES: dict[str, str] = {"active": N_("in progress"), "submitted": N_("submitted")}


async def owner_tr(interviews: Interviews, owner: str, default_lang: str = "zh") -> Translator:
    """The owner's language for a notice about their interview (the one they chose; else the default)."""
    return Translator(await interviews.lang_of(owner) or default_lang)


async def tell_owner(bot: Bot, interviews: Interviews, owner: str, message: str, *, notices: Notices,
                     kind: str = "notice", **params: Any) -> None:
    """A notice to a session's owner, in the owner's language, on their own channel (Telegram, WeChat, the web
    chat: bot/service/notices.py)."""
    await notices.tell(owner, message, kind=kind, **params)


async def staff_or_refuse(message: Message, bot: Bot, helpdesk: Helpdesk, tr: Translator) -> str | None:
    """Who wrote, when they are staff; anyone else gets the one refusal and None comes back."""
    if message.from_user is None:
        return None
    who = external_id(message.from_user)
    if not await helpdesk.is_staff(who):
        await say(bot, message.chat.id, refusal(tr))
        return None
    return who


async def on_start_code(message: Message, command: CommandObject, bot: Bot, helpdesk: Helpdesk,
                        interviews: Interviews, tr: Translator, notices: Notices) -> None:
    """/start CODE (a t.me deep link): continue a session on this account, or take it over (staff)."""
    if message.from_user is None or not command.args:
        return
    who = external_id(message.from_user)
    owner_before = await _owner_of_code(interviews, helpdesk, command.args)
    try:
        session_id, how = await helpdesk.redeem(clean(command.args, limit=64), who)
    except SlowDown as slow:
        await say(bot, message.chat.id, escape(tr.ui("Too many wrong codes. Please wait {seconds} seconds and "
                                                     "try again.", seconds=int(slow.wait) + 1)))
        return
    except LookupError:
        await say(bot, message.chat.id, escape(tr.ui("This code is not valid (wrong, expired or revoked).")))
        return
    if how == "taken" and (await interviews.load(session_id))[1].submitted:
        # a submitted session is not held as it is: released at once, the owner not told, staff told why
        await helpdesk.handback(session_id, who)
        await say(bot, message.chat.id, submitted_refusal(session_id, tr))
        return
    interviews.focus(who, session_id)
    opened = await interviews.current(who)
    if opened is None:
        await say(bot, message.chat.id, escape(tr.ui("Session {id} could not be opened.", id=session_id)))
        return
    owner, _ = await interviews.holder(session_id)
    if how == "taken":
        await tell_owner(bot, interviews, owner, N_("A helpdesk colleague has taken over your interview; you will "
                                                    "be told when it is handed back."), notices=notices, kind="taken")
        intro = escape(tr.ui("You hold session {id}. /handback returns it.", id=session_id))
    else:
        if owner_before and owner_before != who:
            await _tell_moved(bot, interviews, owner_before, session_id, message)
        intro = escape(tr.ui("The interview continues on this account."))
    await send(bot, message.chat.id, await screens.current(interviews, opened, tr,
                                                     before=intro))


async def _owner_tr(interviews: Interviews, owner: str) -> Translator:
    """The owner's language (what they chose, else Chinese) for a notice about their interview."""
    return Translator(await interviews.lang_of(owner) or "zh")


async def _owner_of_code(interviews: Interviews, helpdesk: Helpdesk, code: str) -> str | None:
    """The owner of the session a code opens, before it is used (None when the code opens nothing); counts no
    attempt (the redeem that follows does, and refuses while guessing is slowed down)."""
    session_id = await helpdesk.code_session(clean(code, limit=64))
    return None if session_id is None else (await interviews.holder(session_id))[0]


async def _tell_moved(bot: Bot, interviews: Interviews, owner: str, session_id: int, message: Message) -> None:
    """A code moved the owner's interview to another account: tell them at once, in their language."""
    owner_tr = await _owner_tr(interviews, owner)
    user = message.from_user
    taker = clean(f"{user.full_name} (id {user.id})", limit=100) if user is not None else "?"
    when = message.date.strftime("%Y-%m-%d %H:%M UTC")
    await _tell(bot, owner, escape(owner_tr.ui(
        "Your interview (session {id}) was opened with your resume code by {who} at {when} and now continues on "
        "that account. If this was not you, contact the helpdesk at once: they can give it back to you.",
        id=session_id, who=taker, when=when)))


async def _revoke_without_session(message: Message, bot: Bot, helpdesk: Helpdesk, who: str,
                                  tr: Translator) -> None:
    """/code revoke after a code moved the interview away: say what happened instead of "no interview"."""
    moved = await helpdesk.moved_away(who)
    if not moved:
        await say(bot, message.chat.id, escape(tr.ui("You have no interview with a code to revoke.")))
        return
    last = moved[0]
    await say(bot, message.chat.id, escape(tr.ui(
        "Your interview (session {id}) was moved to another account with your code on {when}; a used code cannot "
        "be revoked. If this was not you, contact the helpdesk: they can give it back to you.",
        id=last.session_id, when=f"{last.at:%Y-%m-%d %H:%M} UTC")))


async def on_code(message: Message, command: CommandObject, bot: Bot, helpdesk: Helpdesk, interviews: Interviews,
                  tr: Translator) -> None:
    """A resume code for the current session (/code revoke: revoke every code of it)."""
    revoking = clean(command.args or "").strip().lower() in ("revoke", "撤销")
    if revoking and message.from_user is not None:
        who = external_id(message.from_user)
        if await interviews.current(who) is None:
            await _revoke_without_session(message, bot, helpdesk, who, tr)
            return
    found = await current_or_tell(message, bot, interviews, tr)
    if found is None:
        return
    who, opened = found
    if revoking:
        count = await helpdesk.revoke_codes(opened.session_id, who)
        await say(bot, message.chat.id, escape(tr.ui("{count} code(s) revoked.", count=count)))
        return
    code = await helpdesk.issue_code(opened.session_id, who)
    me = await bot.me()
    link = f"https://t.me/{me.username}?start={code}" if me.username else ""
    lines = [escape(tr.ui("Your resume code (valid 7 days):")), f"<code>{escape(pretty_code(code))}</code>",
             escape(tr.ui("Open it on another phone, or read it to the helpdesk. /code revoke cancels it."))]
    if link:
        lines.append(escape(link))
    await say(bot, message.chat.id, "\n".join(lines))


async def on_find(message: Message, command: CommandObject, bot: Bot, helpdesk: Helpdesk, interviews: Interviews,
                  tr: Translator) -> None:
    who = await staff_or_refuse(message, bot, helpdesk, tr)
    if who is None:
        return
    query = clean(command.args or "", limit=200).strip()
    if not query:
        await say(bot, message.chat.id, escape(tr.ui("Usage: /find company name, credit code, phone or resume "
                                                     "code")))
        return
    found = await helpdesk.find(who, query)
    if not found:
        await say(bot, message.chat.id, escape(tr.ui("Nothing found.")))
        return
    lines, buttons = [], []
    for f in found[:20]:
        phone = f.phone if f.held_by == who else mask_phone(f.phone) if f.phone else ""
        held = tr.ui(" · held by {who}", who=f.held_by) if f.held_by else ""
        form = interviews.forms.get(f.form_id)
        status = tr.ui(STATUSES[f.status]) if f.status in STATUSES else f.status
        lines.append(escape(tr.ui("#{id} {form} · {status} · {answered}/{total} · {company} {phone}{held}",
                                  id=f.session_id, form=tr.form(form.title) if form else f.form_id, status=status,
                                  answered=f.answered, total=f.total, company=f.company, phone=phone, held=held)))
        buttons.append([InlineKeyboardButton(text=tr.ui("Take #{id}", id=f.session_id),
                                             callback_data=StaffButton(a="t", s=f.session_id).pack())])
    await send(bot, message.chat.id, screens.Outgoing("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=buttons)))


def submitted_refusal(session_id: int, tr: Translator) -> str:
    return escape(tr.ui("Session {id} is submitted, so it cannot be taken over as it is. To correct it, reopen it "
                        "with a reason first: /reopen {id} REASON (the owner is told, and the reason is kept in the "
                        "audit trail); then take it.", id=session_id))


async def _take(bot: Bot, chat_id: int, who: str, session_id: int, helpdesk: Helpdesk, interviews: Interviews,
                tr: Translator, notices: Notices) -> None:
    """Take a session over: only an active one (a submitted one is reopened first, with a reason, by /reopen);
    the owner is told only once it is really held."""
    if not await helpdesk.is_staff(who):
        await say(bot, chat_id, refusal(tr))
        return
    try:
        _, state = await interviews.load(session_id)
    except LookupError:
        await say(bot, chat_id, escape(tr.ui("There is no session {id}.", id=session_id)))
        return
    if state.submitted:
        await say(bot, chat_id, submitted_refusal(session_id, tr))
        return
    _, held_by = await interviews.holder(session_id)
    if held_by is not None and held_by != who:
        await say(bot, chat_id, escape(tr.ui("Session {id} is already held by {who}.", id=session_id, who=held_by)))
        return
    try:
        owner = await helpdesk.take(session_id, who)
    except NotAllowed:
        await say(bot, chat_id, escape(tr.ui("There is no session {id}.", id=session_id)))
        return
    interviews.focus(who, session_id)
    opened = await interviews.current(who)
    if opened is None or opened.session_id != session_id:
        await say(bot, chat_id, escape(tr.ui("Session {id} could not be opened.", id=session_id)))
        return
    await tell_owner(bot, interviews, owner, N_("A helpdesk colleague has taken over your interview; you will be "
                                                "told when it is handed back."), notices=notices, kind="taken")
    intro = escape(tr.ui("You hold session {id}. /handback returns it.", id=session_id))
    await send(bot, chat_id, await screens.current(interviews, opened, tr, before=intro))


async def on_take(message: Message, command: CommandObject, bot: Bot, helpdesk: Helpdesk, interviews: Interviews,
                  tr: Translator, notices: Notices) -> None:
    who = await staff_or_refuse(message, bot, helpdesk, tr)
    if who is None:
        return
    session_id = _number(command.args)
    if session_id is None:
        await say(bot, message.chat.id, escape(tr.ui("Usage: /take SESSION_NUMBER")))
        return
    await _take(bot, message.chat.id, who, session_id, helpdesk, interviews, tr, notices)


async def on_handback(message: Message, bot: Bot, helpdesk: Helpdesk, interviews: Interviews,
                      tr: Translator, notices: Notices) -> None:
    who = await staff_or_refuse(message, bot, helpdesk, tr)
    if who is None:
        return
    opened = await interviews.current(who)
    if opened is None:
        await say(bot, message.chat.id, escape(tr.ui("You hold no session, so there is nothing to hand back. "
                                                     "/take N takes one over.")))
        return
    try:  # the owner is told which answers staff changed, on their own channel
        await hand_back(helpdesk, notices, opened.session_id, who)
    except NotAllowed:
        await say(bot, message.chat.id, escape(tr.ui("You do not hold session {id} (it is not taken over by you), "
                                                     "so there is nothing to hand back. /take N takes one over.",
                                                     id=opened.session_id)))
        return
    await say(bot, message.chat.id, escape(tr.ui("Session {id} handed back; its owner has been told.",
                                                 id=opened.session_id)))


async def on_reopen(message: Message, command: CommandObject, bot: Bot, helpdesk: Helpdesk, interviews: Interviews,
                    tr: Translator, notices: Notices) -> None:
    who = await staff_or_refuse(message, bot, helpdesk, tr)
    if who is None:
        return
    parts = clean(command.args or "", lines=True).split(maxsplit=1)
    session_id = _number(parts[0]) if parts else None
    if len(parts) < 2 or session_id is None or not visible(parts[1]):  # the reason is kept: it must say something
        await say(bot, message.chat.id, escape(tr.ui("Usage: /reopen SESSION_NUMBER reason")))
        return
    try:
        owner = await helpdesk.reopen(session_id, who, parts[1])
    except NotAllowed:
        await say(bot, message.chat.id, escape(tr.ui("Only a submitted session can be reopened.")))
        return
    await tell_owner(bot, interviews, owner, N_("Your submitted interview was reopened for correction: {reason}. "
                                                "Send /resume to see it."), reason=parts[1], notices=notices,
                     kind="reopened")
    await say(bot, message.chat.id, escape(tr.ui("Session {id} reopened; its owner has been told. /take {id} takes "
                                                 "it over.", id=session_id)))


async def on_audit(message: Message, command: CommandObject, bot: Bot, helpdesk: Helpdesk, interviews: Interviews,
                   tr: Translator) -> None:
    who = await staff_or_refuse(message, bot, helpdesk, tr)
    if who is None:
        return
    session_id = _number(command.args)
    if session_id is None:
        await say(bot, message.chat.id, escape(tr.ui("Usage: /audit SESSION_NUMBER")))
        return
    events = await helpdesk.audit(session_id, who)
    if not events:
        try:
            await interviews.load(session_id)
        except LookupError:
            await say(bot, message.chat.id, escape(tr.ui("There is no session {id}.", id=session_id)))
            return
        await say(bot, message.chat.id, escape(tr.ui("No changes recorded for session {id} yet.", id=session_id)))
        return
    form, _ = await interviews.load(session_id)
    lines = [escape(tr.ui("Audit trail of session {id}:", id=session_id))]
    # in words, as the desk shows it: question numbers, option labels, who by name
    for happened in (await audit_in_words(helpdesk, session_id))[-40:]:
        lines.append(escape(f"{happened.at:%Y-%m-%d %H:%M} · {line(form, happened, tr)}"))
    await say(bot, message.chat.id, "\n".join(lines))


async def on_export(message: Message, command: CommandObject, bot: Bot, helpdesk: Helpdesk, interviews: Interviews,
                    tr: Translator) -> None:
    from bot.service.reports import XLSX, UnknownDistrict, export_district

    who = await staff_or_refuse(message, bot, helpdesk, tr)
    if who is None:
        return
    district = clean(command.args or "", limit=200).strip() or None
    buffer = io.BytesIO()
    try:
        count = await export_district(interviews.sessionmaker, interviews.forms, buffer, district=district)
    except UnknownDistrict as unknown:
        await say(bot, message.chat.id, escape(tr.ui("There is no district “{district}”. The districts are: "
                                                     "{known}.", district=unknown.district,
                                                     known=("、" if tr.lang == "zh" else ", ").join(unknown.known))))
        return
    name = f"备案汇总表-{safe_part(district or '') or '全部'}-{date.today():%Y%m%d}.xlsx"
    await bot.send_document(message.chat.id, BufferedInputFile(buffer.getvalue(), filename=name),
                            caption=tr.ui("{count} submitted filing(s).", count=count))
    log.info("export of %s (%d filings, %s) by %s", district, count, XLSX, who)


async def on_staff_report(message: Message, command: CommandObject, bot: Bot, helpdesk: Helpdesk,
                          interviews: Interviews, tr: Translator) -> None:
    """/report N (staff): the staff copy of a session's reports, with its audit trail."""
    from bot.service.reports import session_reports

    if await staff_or_refuse(message, bot, helpdesk, tr) is None:
        return
    try:
        files = await session_reports(interviews.sessionmaker, interviews.forms, _number(command.args) or 0,
                                      lang=tr.lang, staff_copy=True)
    except LookupError:
        await say(bot, message.chat.id, escape(tr.ui("Nothing found.")))
        return
    for report in files:
        await bot.send_document(message.chat.id, BufferedInputFile(report.content, filename=report.name))


async def on_staff(message: Message, command: CommandObject, bot: Bot, helpdesk: Helpdesk, tr: Translator) -> None:
    """/staff add TELEGRAM_USER_ID (staff only)."""
    who = await staff_or_refuse(message, bot, helpdesk, tr)
    if who is None:
        return
    parts = clean(command.args or "").split()
    user_id = typed_int(parts[1], max_digits=19) if len(parts) == 2 and parts[0] == "add" else None
    if user_id is None or not 0 < user_id <= TELEGRAM_ID_MAX:
        await say(bot, message.chat.id, escape(tr.ui("Usage: /staff add TELEGRAM_USER_ID")))
        return
    await helpdesk.add_staff(who, f"tg:{user_id}")
    await say(bot, message.chat.id, escape(tr.ui("{id} is now helpdesk staff.", id=user_id)))


async def on_forget(message: Message, bot: Bot, tr: Translator) -> None:
    buttons = [[InlineKeyboardButton(text=tr.ui("Erase everything"), callback_data=StaffButton(a="f").pack()),
                InlineKeyboardButton(text=tr.ui("No, keep it"), callback_data=StaffButton(a="n").pack())]]
    text = tr.ui("This erases all your interviews, answers, reports and enterprise profiles. It cannot be undone, "
                 "not even by the helpdesk. Erase?")
    await send(bot, message.chat.id, screens.Outgoing(escape(text), InlineKeyboardMarkup(inline_keyboard=buttons)))


async def on_button(cb: CallbackQuery, callback_data: StaffButton, bot: Bot, helpdesk: Helpdesk,
                    interviews: Interviews, tr: Translator, notices: Notices) -> None:
    who = external_id(cb.from_user)
    with suppress(TelegramAPIError):
        await cb.answer()
    if callback_data.a == "t":
        await replace_keyboard(cb, None)
        await _take(bot, chat_of(cb), who, callback_data.s, helpdesk, interviews, tr, notices)
    elif callback_data.a == "f":
        count = await helpdesk.forget_person(who)
        interviews.focus(who, None)
        await replace_text(cb, escape(tr.ui("Erased: {count} interview(s) and everything linked to you.",
                                            count=count)))
    else:
        await replace_text(cb, escape(tr.ui("Nothing was erased.")))

