"""One session at the desk: who it is, its progress as on paper, the answers as the review shows them (staff answers
marked), the running score and level, the open warnings, the audit trail in words, the staff notes and the
documents; and what staff do with it: take over, answer on the person's behalf, hand back, reopen, write to the
person, add a note, draft a filing's contract, erase the person's data.

Answers go through the same screens and the same Turn as the person's (bot/service/turn.py): the answer form
posts the screen's key, a one-time number and the pressed action exactly as the web chat does, read by the web
chat's own helpers (bot/dialogs/web/chat.py), so a refusal is the person's refusal.  Only the staff member holding
the session may answer (Interviews.apply); their answers are marked.  The person is told on their own channel, in
their language (bot/service/notices.py): taken over, handed back with the answers staff changed, reopened, a
message.  Every look at the person's data is recorded in the session's audit trail.

A session an account may not see is answered exactly as one that does not exist (404).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from bot.dialogs import commands
from bot.dialogs.desk.context import ROOT, desk_page, desk_reader, desk_services, signed_in
from bot.dialogs.web import push
from bot.dialogs.web.chat import Note, Shown, _bounded, _event, _posted, _turn_notes, new_nonce, read_nonce
from bot.dialogs.web.documents import download
from bot.dialogs.web.services import Services, services
from bot.i18n import N_, Translator
from bot.interview.errors import AnswerError
from bot.interview.typed import MAX_READ, clean
from bot.present import error_text
from bot.present.build import build_screen
from bot.present.screen import Act, Screen, ScreenKind, Widget
from bot.present.trail import line
from bot.service.desk import Entry
from bot.service.events import DESK, session_audience
from bot.service.handback import GO_ON, hand_back
from bot.service.helpdesk import NotAllowed
from bot.service.sessions import Opened, Redelivered
from bot.service.staff import Account, StaffError
from bot.service.turn import current_screen, take_turn

#: told to the person, in their language
TAKEN = N_("A helpdesk colleague has taken over your interview; you will be told when it is handed back.")
REOPENED = N_("Your submitted interview was reopened for correction: {reason}.")
MESSAGE = N_("Message from the helpdesk: {text}")

#: what the session page says after an action (?said=…): fixed texts, never a posted value
SAID = {
    "taken": N_("You hold this session now; the person has been told. Answer below, then hand it back."),
    "handed_back": N_("Handed back; the person has been told which answers you changed."),
    "reopened": N_("Reopened; the person has been told."),
    "noted": N_("Note added."),
    "sent": N_("Message sent to the person."),
    "submitted_first": N_("A submitted session is not taken over as it is: reopen it with a reason first."),
    "held": N_("Another colleague holds this session."),
    "no_reason": N_("Please give the reason for reopening."),
    "empty": N_("Nothing to send: the text was empty."),
}

MESSAGE_CHARS = 1000

log = logging.getLogger(__name__)


def _number(request: web.Request) -> int:
    return _bounded(request.match_info["sid"])


async def _entry(request: web.Request, account: Account) -> Entry:
    """The session of the URL when the account may see it; 404 otherwise, as for one that does not exist."""
    found = await desk_services(request).desk.entry_for(account, _number(request))
    if found is None:
        raise web.HTTPNotFound()
    return found


def _back(entry: Entry, said: str = "") -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"{ROOT}/s/{entry.session_id}" + (f"?said={said}" if said else ""))


def _mine(entry: Entry, account: Account) -> bool:
    return entry.held_by is not None and entry.held_by in account.identities


async def _changed(svc: Services, entry: Entry) -> None:
    """Tell the desk's pages (the queue, this session's page) that the session changed."""
    await svc.events.publish(DESK, "session", {"session": entry.session_id})
    await svc.events.publish(session_audience(entry.session_id), "session", {"session": entry.session_id})


async def _load(svc: Services, session_id: int) -> tuple[Any, Any]:
    """The session's form and state as the database holds them: with several workers (PostgreSQL) another one
    may have changed it since this one cached it."""
    if svc.interviews.locks.enabled:
        svc.interviews.forget(session_id)
    return await svc.interviews.load(session_id)


async def _tell(svc: Services, owner: str, message: str, *, kind: str, go_on: bool = True, **params: Any) -> None:
    """A notice to the owner in their language, with what to do next on their channel."""
    tr = await svc.notices.translator(owner)
    text = tr.ui(message, **params)
    if go_on:
        text += " " + tr.ui(GO_ON.get(owner.partition(":")[0], GO_ON[""]))
    await svc.notices.say(owner, text, kind=kind)


# --- the page ------------------------------------------------------------------------------------------------


def _prepare(svc: Services, session_id: int, lang: str) -> None:
    """Render the staff copies in the background; the session's desk pages are told when they are ready."""

    async def work() -> None:
        try:
            await svc.documents.files(session_id, lang, staff=True)
            await svc.events.publish(session_audience(session_id), "documents", {"session": session_id})
        except Exception:
            log.exception("could not render the staff copies of session %s", session_id)

    task = asyncio.create_task(work())
    svc.tasks.add(task)
    task.add_done_callback(svc.tasks.discard)


async def session_page(request: web.Request) -> web.Response:
    account = await signed_in(request)
    entry = await _entry(request, account)
    tr = desk_reader(request)
    said = request.query.get("said", "")
    shown = Shown()
    if said in SAID:
        shown.notes.append(Note("info", tr.ui(SAID[said])))
    return await render(request, account, entry, tr, shown)


async def render(request: web.Request, account: Account, entry: Entry, tr: Translator, shown: Shown,
                 screen: Screen | None = None) -> web.Response:
    svc, ds = services(request), desk_services(request)
    await ds.desk.record_view(entry.session_id, account, "page")
    form, state = await _load(svc, entry.session_id)
    today = svc.interviews.today()
    review = build_screen(form, replace(state, cursor=None, submitted=False, confirming=False), today, tr,
                          session_id=entry.session_id)
    mine = _mine(entry, account) and entry.status == "active"
    if mine and screen is None:
        opened = Opened(entry.session_id, form, state, resumed=True, today=today)
        screen = await current_screen(svc.interviews, opened, tr)
    trail = [(happened.at, line(form, happened, tr)) for happened in await ds.desk.trail(entry.session_id)]
    docs: list[tuple[int, str]] | None = []
    if entry.status == "submitted" and form.documents:
        ready = svc.documents.ready(entry.session_id, tr.lang, staff=True)
        docs = None if ready is None else [(n, f.name) for n, f in enumerate(ready)]
        if ready is None:
            _prepare(svc, entry.session_id, tr.lang)
    providers: list[tuple[int, str]] = []
    if entry.status == "submitted" and account.helps and any(f.starts_from == form.id
                                                             for f in svc.interviews.forms.values()):
        from bot.service.contracts import NoSuchFiling, load_filing

        try:
            filing = await load_filing(svc.interviews.sessionmaker, entry.session_id)
            providers = [(n, filing.provider_name(n)) for n in range(len(filing.providers))]
        except NoSuchFiling:
            providers = []
    return desk_page(
        request, "desk_session.html.j2", account, tr, status=shown.status, entry=entry, review=review,
        screen=screen if mine else None, notes=shown.notes, help_open=shown.help_open,
        confirm_remove=shown.confirm_remove, nonce=new_nonce(), mine=mine,
        holder=await ds.desk.held_by_name(entry.held_by), trail=trail, docs=docs, providers=providers,
        staff_notes=await ds.accounts.notes(entry.session_id), origin=_origin(state.origin),
        last_event=await svc.events.newest(session_audience(entry.session_id)),
        Act=Act, ScreenKind=ScreenKind, Widget=Widget)


def _origin(origin: Any) -> tuple[int, int] | None:
    """(filing session, provider number from 1) of a session drafted from a filing's provider, else None."""
    filing, provider = origin.get("filing"), origin.get("provider")
    return (filing, provider + 1) if isinstance(filing, int) and isinstance(provider, int) else None


async def stamp(request: web.Request) -> web.Response:
    """The session's version: the page asks now and then and refreshes when it changed (the person answering)."""
    account = await signed_in(request)
    entry = await _entry(request, account)
    return web.json_response({"version": entry.version}, headers={"Cache-Control": "no-store"})


async def events(request: web.Request) -> web.StreamResponse:
    account = await signed_in(request)
    entry = await _entry(request, account)
    return await push.stream(request, services(request).events, session_audience(entry.session_id))


# --- answering on the person's behalf -------------------------------------------------------------------------


async def answer(request: web.Request) -> web.StreamResponse:
    account = await signed_in(request, helps=True)
    entry = await _entry(request, account)
    form = await _posted(request)
    tr = desk_reader(request)
    svc = services(request)
    shown = Shown()
    if not _mine(entry, account) or entry.status != "active":
        shown.notes.append(Note("refusal", tr.ui("Take the session over before answering for the person.")))
        return await render(request, account, entry, tr, shown)
    actor = entry.held_by
    assert actor is not None
    form_, state = await _load(svc, entry.session_id)
    opened = Opened(entry.session_id, form_, state, resumed=True, today=svc.interviews.today())
    now = build_screen(form_, state, opened.today, tr, session_id=entry.session_id, scored=False)
    key = str(form.get("key", ""))
    if str(form.get("session", "")) != str(entry.session_id) or key != now.key:
        shown.notes.append(Note("stale", error_text(AnswerError("stale_screen"), tr),
                                str(form.get("text", "")).strip()[:600]))
        return await render(request, account, entry, tr, shown)
    typed = clean(str(form.get("text", "")), lines=True, limit=MAX_READ) if "text" in form else None
    event = _event(now, str(form.get("do", "")), form, typed, shown, opened)
    if isinstance(event, commands.Language):
        event = None  # the person's language is theirs to change
    if event is None:
        if not shown.notes and not shown.help_open and not shown.confirm_remove:
            shown.notes.append(Note("stale", error_text(AnswerError("stale_screen"), tr)))
        return await render(request, account, entry, tr, shown)
    try:
        turn = await take_turn(svc.interviews, opened, event, tr, actor=actor,
                               update_id=read_nonce(str(form.get("nonce", ""))), expect_key=key, typed=typed)
    except Redelivered:
        shown.notes.append(Note("info", tr.ui("Already saved.")))
        return await render(request, account, entry, tr, shown)
    _turn_notes(turn, shown, tr)
    if turn.refusal is None:
        await _changed(svc, entry)
    fresh = await desk_services(request).desk.entry_for(account, entry.session_id) or entry
    return await render(request, account, fresh, tr, shown, turn.screen)


def _form(posted: MultiDictProxy[Any], name: str, limit: int) -> str:
    return clean(str(posted.get(name, "")), lines=True, limit=limit).strip()


# --- take over, hand back, reopen, write, note ---------------------------------------------------------------


async def take(request: web.Request) -> web.StreamResponse:
    account = await signed_in(request, helps=True)
    entry = await _entry(request, account)
    await _posted(request)
    svc = services(request)
    if entry.status != "active":
        raise _back(entry, "submitted_first")
    if entry.held_by is not None and not _mine(entry, account):
        raise _back(entry, "held")
    if not _mine(entry, account):
        try:
            owner = await svc.helpdesk.take(entry.session_id, account.actor)
        except NotAllowed:
            raise web.HTTPNotFound() from None
        await _tell(svc, owner, TAKEN, kind="taken", go_on=False)
        await _changed(svc, entry)
    raise _back(entry, "taken")


async def handback(request: web.Request) -> web.StreamResponse:
    account = await signed_in(request, helps=True)
    entry = await _entry(request, account)
    await _posted(request)
    svc = services(request)
    if not _mine(entry, account):
        raise _back(entry)
    holder = entry.held_by
    assert holder is not None
    try:
        await hand_back(svc.helpdesk, svc.notices, entry.session_id, holder)
    except NotAllowed:
        raise web.HTTPNotFound() from None
    await _changed(svc, entry)
    raise _back(entry, "handed_back")


async def reopen(request: web.Request) -> web.StreamResponse:
    account = await signed_in(request, helps=True)
    entry = await _entry(request, account)
    posted = await _posted(request)
    svc = services(request)
    reason = _form(posted, "reason", 500)
    if not reason:
        raise _back(entry, "no_reason")
    try:
        owner = await svc.helpdesk.reopen(entry.session_id, account.actor, reason)
    except NotAllowed:
        raise _back(entry) from None
    svc.documents.forget(entry.session_id)
    await _tell(svc, owner, REOPENED, kind="reopened", reason=reason)
    await _changed(svc, entry)
    raise _back(entry, "reopened")


async def message(request: web.Request) -> web.StreamResponse:
    account = await signed_in(request, helps=True)
    entry = await _entry(request, account)
    posted = await _posted(request)
    svc = services(request)
    text = _form(posted, "text", MESSAGE_CHARS)
    if not text:
        raise _back(entry, "empty")
    await _tell(svc, entry.owner, MESSAGE, kind="message", go_on=False, text=text)
    await desk_services(request).desk.record(entry.session_id, account, "message", {"text": text})
    raise _back(entry, "sent")


async def note(request: web.Request) -> web.StreamResponse:
    account = await signed_in(request)
    entry = await _entry(request, account)
    posted = await _posted(request)
    try:
        await desk_services(request).accounts.add_note(entry.session_id, account, _form(posted, "text", 4000))
    except StaffError:
        raise _back(entry, "empty") from None
    raise _back(entry, "noted")


async def contract(request: web.Request) -> web.StreamResponse:
    """Draft the contract with provider N (from 1) of this submitted filing for its owner, and hold it."""
    from bot.service.contracts import NoSuchFiling, NoSuchProvider, load_filing, open_contract

    account = await signed_in(request, helps=True)
    entry = await _entry(request, account)
    await _posted(request)
    svc = services(request)
    try:
        filing = await load_filing(svc.interviews.sessionmaker, entry.session_id)
        opened = await open_contract(svc.interviews, filing, _bounded(request.match_info["n"]) - 1)
    except (NoSuchFiling, NoSuchProvider):
        raise web.HTTPNotFound() from None
    drafted = (await desk_services(request).desk.entries([opened.session_id]))[0]
    if drafted.status != "active":  # drafted and submitted before: its page shows it
        raise _back(drafted)
    if drafted.held_by is not None and not _mine(drafted, account):
        raise _back(drafted, "held")
    if not _mine(drafted, account):
        owner = await svc.helpdesk.take(drafted.session_id, account.actor)
        await _tell(svc, owner, TAKEN, kind="taken", go_on=False)
        await _changed(svc, drafted)
    raise _back(drafted, "taken")


# --- documents and erasure ----------------------------------------------------------------------------------


async def document(request: web.Request) -> web.Response:
    """The staff copy of a submitted session's document N (with the change history)."""
    account = await signed_in(request)
    entry = await _entry(request, account)
    if entry.status != "submitted":
        raise web.HTTPNotFound()
    tr = desk_reader(request)
    files = await services(request).documents.files(entry.session_id, tr.lang, staff=True)
    index = _bounded(request.match_info["n"]) if request.match_info["n"].isdigit() else -1
    if not 0 <= index < len(files):
        raise web.HTTPNotFound()
    await desk_services(request).desk.record_view(entry.session_id, account, "file", name=files[index].name)
    return download(files[index])


async def erase_page(request: web.Request) -> web.Response:
    account = await signed_in(request, helps=True)
    entry = await _entry(request, account)
    tr = desk_reader(request)
    counts = await services(request).helpdesk.holdings(entry.owner)
    return desk_page(request, "desk_erase.html.j2", account, tr, entry=entry, counts=counts)


async def erase(request: web.Request) -> web.StreamResponse:
    account = await signed_in(request, helps=True)
    entry = await _entry(request, account)
    await _posted(request)
    svc = services(request)
    counts = await svc.helpdesk.holdings(entry.owner)
    erased = await svc.helpdesk.forget_person(entry.owner)
    svc.documents.forget()
    await desk_services(request).accounts.log(account, "erase", {**counts, "sessions": erased,
                                                                 "session": entry.session_id})
    await svc.events.publish(DESK, "erased", {})
    raise web.HTTPSeeOther(f"{ROOT}?said=erased")


def add_routes(app: web.Application) -> None:
    r = app.router
    base = f"{ROOT}/s/{{sid}}"
    r.add_get(base, session_page)
    r.add_get(f"{base}/stamp", stamp)
    r.add_get(f"{base}/events", events)
    r.add_post(f"{base}/answer", answer)
    r.add_post(f"{base}/take", take)
    r.add_post(f"{base}/handback", handback)
    r.add_post(f"{base}/reopen", reopen)
    r.add_post(f"{base}/message", message)
    r.add_post(f"{base}/note", note)
    r.add_post(f"{base}/contract/{{n}}", contract)
    r.add_get(f"{base}/files/{{n}}", document)
    r.add_get(f"{base}/erase", erase_page)
    r.add_post(f"{base}/erase", erase)
