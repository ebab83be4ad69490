"""The web chat's pages for a person: the privacy notice, the list of interviews, the chat itself (every answered
item collapsed above the one asked), the review, the result with its documents, resume codes and links, the
helpdesk request, the language, erasure.

Every action is a plain form POST answered by the whole page (JavaScript, /static/chat.js, only avoids the
reload and listens for pushes).  A POST carries the key of the screen it was given on (an answer from an older
screen — a second tab, the back button, a slow network — is refused as stale and nothing lands on another item)
and a one-time number (a resent form, a retry after the network came back, is recognised and changes nothing:
the service keeps it as it keeps Telegram's update ids).  What a page shows is the screen model
(bot/present/screen.py) of the Turn the service built (bot/service/turn.py); this module decides nothing of it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import web
from multidict import MultiDictProxy

from bot.dialogs import commands
from bot.dialogs.actions import act_named, input_of
from bot.dialogs.web import push
from bot.dialogs.web.documents import download, image
from bot.dialogs.web.pages import page
from bot.dialogs.web.security import (
    LANG,
    address,
    csrf_ok,
    csrf_token,
    error_page,
    reader,
    remember_language,
)
from bot.dialogs.web.services import Services, services
from bot.dialogs.web.visitors import leave
from bot.i18n import LANGUAGES, N_, Translator, known_lang, language_name
from bot.interview import engine
from bot.interview.engine import Input
from bot.interview.errors import AnswerError
from bot.interview.typed import MAX_READ, clean
from bot.present import error_text
from bot.present.build import build_screen, transcript
from bot.present.screen import Act, Screen, ScreenKind, Widget
from bot.service import links
from bot.service.events import DESK, person
from bot.service.helpdesk import NotAllowed, SlowDown, pretty_code
from bot.service.sessions import SESSION_ID_MAX, Opened, Redelivered
from bot.service.turn import AfterSubmission, Turn, after_submission, current_screen, opening_lines, take_turn

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.Response]]

#: the web's one-time numbers live below zero, apart from Telegram's update ids
NONCE_RANGE = 2**62
#: told to the owner whose interview a resume code moved to this browser
MOVED = N_("Your interview (session {id}) was opened with your resume code on another device and now continues "
           "there. If this was not you, contact the helpdesk at once: they can give it back to you.")


@dataclass
class Note:
    """A line above the screen: a refusal (with the text typed), what was saved, a warning, a notice."""

    kind: str
    text: str
    typed: str = ""


@dataclass
class Shown:
    """What a chat page holds besides the screen."""

    notes: list[Note] = field(default_factory=list)
    after: AfterSubmission | None = None
    #: "remove N?" asked on a group's list (the number), 0 when not
    confirm_remove: int = 0
    #: ❓ pressed: the help is shown open
    help_open: bool = False
    #: a resume code just made (shown once)
    code: str = ""
    status: int = 200


#: one-time numbers need to be distinct, not secret (a forged one can only make its own post count as sent twice):
#: a generator seeded once from the system, as the system's own source costs a system call per page
_NONCES = random.Random(secrets.randbits(128))


def new_nonce() -> int:
    return -(_NONCES.getrandbits(62) + 1)


def read_nonce(text: str | None) -> int | None:
    if not text or len(text) > 22 or not text.startswith("-") or not text[1:].isascii() or not text[1:].isdigit():
        return None
    value = int(text)
    return value if -NONCE_RANGE <= value < 0 else None


async def visitor(request: web.Request) -> str | None:
    return await services(request).visitors.who(request)


async def _admitted(request: web.Request) -> str:
    """The visitor; anyone without the chat's cookie is sent to the home page (its privacy notice first)."""
    who = await visitor(request)
    if who is None:
        raise _see("/")
    return who


async def _their_session(request: web.Request, svc: Services) -> tuple[str, Opened, Translator]:
    """The visitor, the session their chat shows and their language; the home page for anyone without one."""
    who = await _admitted(request)
    opened = await shown_session(svc, who)
    if opened is None:
        raise _see("/")
    return who, opened, await person_tr(request, who)


async def shown_session(svc: Services, who: str) -> Opened | None:
    """The session the chat shows: the one the person touched last, active or just submitted (with several
    workers, read after the database was asked what changed elsewhere)."""
    await svc.interviews.refresh(who)
    return await svc.interviews.latest(who)


async def person_tr(request: web.Request, who: str | None) -> Translator:
    """The person's chosen language (stored), else the cookie's or the browser's."""
    if who is not None:
        lang = await services(request).interviews.lang_of(who)
        if lang:
            request[LANG] = lang
    return reader(request)


def _form_values(request: web.Request, tr: Translator) -> dict[str, Any]:
    return {"csrf": csrf_token(request), "languages": [(c, language_name(c)) for c in LANGUAGES]}


async def _posted(request: web.Request) -> MultiDictProxy[Any]:
    """The form posted, its CSRF token checked (HTTPForbidden, answered with a page saying to reload)."""
    form = await request.post()
    if not csrf_ok(request, str(form.get("csrf", ""))):
        raise web.HTTPForbidden()
    return form


async def _limited(request: web.Request, who: str | None) -> bool:
    """Over the rate limit of this browser or of this address (counted so every worker agrees)."""
    svc = services(request)
    if who is not None and not await svc.throttle.hit(f"v:{who}", limit=svc.settings.web_rate_per_visitor,
                                                      window=10):
        return True
    return not await svc.throttle.hit(f"a:{address(request)}", limit=svc.settings.web_rate_per_address, window=60)


def _see(location: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(location)


# --- the first screen, the list of interviews ---------------------------------------------------------------


def startable(svc: Services) -> list[Any]:
    return [f for f in svc.interviews.forms.values() if f.starts_from is None]


async def home(request: web.Request) -> web.Response:
    svc = services(request)
    who = await visitor(request)
    tr = await person_tr(request, who)
    if who is None:
        return page("welcome.html.j2", tr, **_form_values(request, tr), then=request.query.get("then", ""),
                    forms=[(tr.form(f.title), tr.form(f.summary or "")) for f in startable(svc)])
    opened = await svc.interviews.current(who)
    submitted = await svc.helpdesk.submitted_of(who)
    return page("home.html.j2", tr, **_form_values(request, tr),
                current=None if opened is None else tr.form(opened.form.title),
                forms=[(f.id, tr.form(f.title), tr.form(f.summary or "")) for f in startable(svc)],
                submitted=[(sid, tr.form(svc.interviews.forms[fid].title), when) for sid, fid, when in submitted])


async def consent(request: web.Request) -> web.StreamResponse:
    """The person agrees to the privacy notice: from now on this browser is theirs (a cookie)."""
    form = await _posted(request)
    svc = services(request)
    lang = known_lang(str(form.get("lang", ""))) or reader(request).lang
    then = str(form.get("then", ""))
    target = then if then.startswith("/r/") and len(then) < 80 else "/"
    response = _see(target)
    who = await visitor(request)
    if who is None:
        who = await svc.visitors.admit(response, request)
    await svc.interviews.set_lang(who, lang)
    raise response


async def start(request: web.Request) -> web.StreamResponse:
    form = await _posted(request)
    svc = services(request)
    who = await _admitted(request)
    form_id = request.match_info["form_id"]
    found = next((f for f in startable(svc) if f.id == form_id), None)
    if found is None:
        raise web.HTTPNotFound()
    tr = await person_tr(request, who)
    await svc.interviews.open(who, found.id, lang=tr.lang)
    del form
    raise _see("/chat")


async def set_language(request: web.Request) -> web.StreamResponse:
    form = await _posted(request)
    svc = services(request)
    lang = known_lang(str(form.get("lang", ""))) or "zh"
    back = str(form.get("back", "/"))
    response = _see(back if back in ("/", "/chat", "/privacy") else "/")
    remember_language(response, request, lang)
    who = await visitor(request)
    if who is not None:
        await svc.interviews.set_lang(who, lang)
    raise response


# --- the chat ------------------------------------------------------------------------------------------------


async def chat(request: web.Request) -> web.StreamResponse:
    svc = services(request)
    who, opened, tr = await _their_session(request, svc)
    scr = await current_screen(svc.interviews, opened, tr)
    shown = Shown()
    if request.query.get("opened"):
        shown.notes.append(Note("info", " ".join(opening_lines(opened, tr))))
    return await chat_page(request, who, opened, scr, tr, shown)


async def answer(request: web.Request) -> web.StreamResponse:
    """A POST of the chat: an option, an action, a typed answer."""
    form = await _posted(request)
    svc = services(request)
    who, opened, tr = await _their_session(request, svc)
    shown = Shown()
    if await _limited(request, who):
        shown.notes.append(Note("refusal", tr.ui("You are sending very quickly. Please wait a moment, then "
                                                 "continue.")))
        shown.status = 429
        return await chat_page(request, who, opened, await current_screen(svc.interviews, opened, tr), tr, shown)
    now = build_screen(opened.form, opened.state, opened.today, tr, session_id=opened.session_id, scored=False)
    key, posted_session = str(form.get("key", "")), str(form.get("session", ""))
    nonce = read_nonce(str(form.get("nonce", "")))
    if posted_session != str(opened.session_id) or key != now.key:
        if nonce is not None and await svc.interviews.was_handled(nonce):
            # the same form again (a resend, a retry after the network came back): saved the first time
            shown.notes.append(Note("info", tr.ui("Already saved.")))
        else:
            shown.notes.append(Note("stale", error_text(AnswerError("stale_screen"), tr),
                                    str(form.get("text", "")).strip()[:600]))
        return await chat_page(request, who, opened, await current_screen(svc.interviews, opened, tr), tr, shown)
    do = str(form.get("do", ""))
    typed = clean(str(form.get("text", "")), lines=True, limit=MAX_READ) if "text" in form else None
    event = _event(now, do, form, typed, shown, opened)
    if event is None:
        if not shown.notes and not shown.help_open and not shown.confirm_remove:
            shown.notes.append(Note("stale", error_text(AnswerError("stale_screen"), tr)))
        return await chat_page(request, who, opened, await current_screen(svc.interviews, opened, tr), tr, shown)
    if isinstance(event, commands.Language):
        lang = known_lang(event.code)
        if lang is None:
            shown.notes.append(Note("refusal", tr.ui("Unknown language: {code}. Available: {languages}.",
                                                     code=event.code,
                                                     languages=" / ".join(map(language_name, LANGUAGES)))))
        else:
            await svc.interviews.set_lang(who, lang)
            tr = Translator(lang)
            request[LANG] = lang
        return await chat_page(request, who, opened, await current_screen(svc.interviews, opened, tr), tr, shown)
    try:
        turn = await take_turn(svc.interviews, opened, event, tr, actor=who, update_id=nonce, expect_key=key,
                               typed=typed)
    except Redelivered:  # the same form sent again (a reload, a retry): it was saved the first time
        shown.notes.append(Note("info", tr.ui("Already saved.")))
        fresh = await shown_session(svc, who) or opened
        return await chat_page(request, who, fresh, await current_screen(svc.interviews, fresh, tr), tr, shown)
    _turn_notes(turn, shown, tr)
    if turn.after is not None:
        shown.after = turn.after
        _render_documents(request, who, opened.session_id, tr.lang)
    fresh = Opened(opened.session_id, opened.form, turn.state, resumed=True, today=opened.today)
    return await chat_page(request, who, fresh, turn.screen, tr, shown)


def _event(now: Screen, do: str, form: MultiDictProxy[Any], typed: str | None, shown: Shown,
           opened: Opened) -> Input | commands.Language | None:
    """What a post means on the screen it was given on; None when it applies nothing (help, a confirmation
    asked, or an action the screen does not offer)."""
    if do == "text":
        if typed is None:
            return None
        command = commands.read(opened.form, opened.state, typed)
        if isinstance(command, commands.Help):
            shown.help_open = True
            return None
        if isinstance(command, commands.Language):
            return command
        if isinstance(command, commands.RemoveEntry):
            if any(a.act is Act.REMOVE_ENTRY and a.target == str(command.number) for a in now.actions):
                shown.confirm_remove = command.number
                return None
            return engine.GroupRemove(command.number)  # no such entry: the engine says why
        if isinstance(command, commands.Quit | commands.Report | commands.AttachFile | commands.NoSuchLabel):
            return engine.Text(typed)  # the web has its own ways for these: read as the text typed
        return command
    if do == "choose":  # a multiple choice's ticks, sent with Done
        picked = {str(v) for v in form.getall("pick", [])}
        numbers = [str(c.number) for c in now.choices if c.option_id in picked]
        if now.widget is not Widget.TOGGLES:
            return None
        return engine.Text(" ".join(numbers)) if numbers else engine.Done()
    name, _, target = do.partition(":")
    if name == "remove_ask":
        if any(a.act is Act.REMOVE_ENTRY and a.target == target for a in now.actions):
            shown.confirm_remove = int(target)
        return None
    act = act_named(name)
    if act is Act.HELP:
        shown.help_open = True
        return None
    if act is None or len(target) > 64:
        return None
    return input_of(now, act, target)


def _turn_notes(turn: Turn, shown: Shown, tr: Translator) -> None:
    if turn.refusal is not None:
        shown.notes.append(Note("stale" if turn.refusal.stale else "refusal", turn.refusal.reason,
                                turn.refusal.typed or ""))
        return
    if turn.saved is not None:
        shown.notes.append(Note("saved", tr.ui("Saved: {answer}", answer=turn.saved)))
    elif turn.removed is not None:
        shown.notes.append(Note("saved", turn.removed))
    shown.notes.extend(Note("warning", w) for w in turn.warnings)


def _render_documents(request: web.Request, who: str, session_id: int, lang: str) -> None:
    """Render a submitted session's documents in the background; its pages are told when they are ready."""
    svc = services(request)

    async def render() -> None:
        try:
            await svc.documents.files(session_id, lang)
            await svc.events.publish(person(who), "documents", {"session": session_id})
        except Exception:
            log.exception("could not render the documents of session %s", session_id)

    task = asyncio.create_task(render())
    svc.tasks.add(task)  # kept until done (a task nobody holds may be collected)
    task.add_done_callback(svc.tasks.discard)


async def chat_page(request: web.Request, who: str, opened: Opened, scr: Screen, tr: Translator,
                    shown: Shown) -> web.Response:
    svc = services(request)
    owner, held_by = await svc.interviews.holder(opened.session_id)
    held = held_by is not None and held_by != who
    if held:
        shown.notes.insert(0, Note("held", error_text(AnswerError("held_by_staff"), tr)))
    docs: list[tuple[int, str, bool]] | None = None
    after = shown.after
    if scr.kind is ScreenKind.RESULT:
        if after is None:
            after = await after_submission(svc.interviews, opened.form, opened.session_id, opened.state, tr)
        ready = svc.documents.ready(opened.session_id, tr.lang)
        if ready is None:
            _render_documents(request, who, opened.session_id, tr.lang)
        else:
            docs = [(n, f.name, f.previewable) for n, f in enumerate(ready)]
    contracts = []
    if after is not None and after.filing is not None:
        contracts = [(after.filing.session_id, n, after.filing.provider_name(n))
                     for n in range(len(after.filing.providers))]
    next_forms = [(fid, tr.form(svc.interviews.forms[fid].title)) for fid in (after.next_forms if after else ())
                  if fid in svc.interviews.forms]
    help_asked = await svc.interviews.help_asked(opened.session_id)
    recent: list[str] = []
    last_event = 0
    if request.method == "GET":  # a page loaded afresh: the last notices, and where its event stream starts
        last_event = await svc.events.newest(person(who))
        notices = await svc.events.after(person(who), max(0, last_event - 3))
        recent = [str(e.data.get("text", "")) for e in notices
                  if e.kind in ("notice", "taken", "handed_back", "message") and e.data.get("text")]
    return page(
        "chat.html.j2", tr, status=shown.status, **_form_values(request, tr), screen=scr,
        log=transcript(opened.form, opened.state, tr) if scr.asking else (), notes=shown.notes,
        held=held, nonce=new_nonce(), docs=docs, after=after, contracts=contracts, next_forms=next_forms,
        confirm_remove=shown.confirm_remove, help_open=shown.help_open, help_asked=help_asked is not None,
        code=shown.code, code_link=f"{svc.public_url}/r/{quote(shown.code)}" if shown.code else "",
        recent=recent, last_event=last_event, Act=Act, ScreenKind=ScreenKind, Widget=Widget, pretty_code=pretty_code,
        owner=owner == who)


# --- help, codes, contracts ------------------------------------------------------------------------------------


async def ask_help(request: web.Request) -> web.StreamResponse:
    await _posted(request)
    svc = services(request)
    who, opened, tr = await _their_session(request, svc)
    shown = Shown()
    try:
        if await svc.helpdesk.ask_help(opened.session_id, who):
            await svc.events.publish(DESK, "help", {"session": opened.session_id})
        shown.notes.append(Note("info", tr.ui("The helpdesk has been asked and will take over your interview "
                                              "shortly; you can go on answering meanwhile.")))
    except NotAllowed:
        shown.notes.append(Note("refusal", error_text(AnswerError("not_your_session"), tr)))
    return await chat_page(request, who, opened, await current_screen(svc.interviews, opened, tr), tr, shown)


async def make_code(request: web.Request) -> web.StreamResponse:
    form = await _posted(request)
    svc = services(request)
    who, opened, tr = await _their_session(request, svc)
    shown = Shown()
    if form.get("revoke"):
        count = await svc.helpdesk.revoke_codes(opened.session_id, who)
        shown.notes.append(Note("info", tr.ui("{count} code(s) revoked.", count=count)))
    else:
        shown.code = await svc.helpdesk.issue_code(opened.session_id, who)
    return await chat_page(request, who, opened, await current_screen(svc.interviews, opened, tr), tr, shown)


async def resume_page(request: web.Request) -> web.Response:
    """/r/CODE: what the code will do, asked before it is used (a GET changes nothing)."""
    who = await visitor(request)
    tr = await person_tr(request, who)
    code = request.match_info["code"][:64]
    return page("resume.html.j2", tr, **_form_values(request, tr), code=code, known=who is not None,
                target=f"/r/{quote(code)}")


async def redeem(request: web.Request) -> web.StreamResponse:
    form = await _posted(request)
    svc = services(request)
    code = clean(request.match_info["code"], limit=64)
    who = await visitor(request)
    response = _see("/chat")
    if who is None:
        if not form.get("agree"):
            raise _see(f"/r/{quote(code)}")
        who = await svc.visitors.admit(response, request)
        await svc.interviews.set_lang(who, reader(request).lang)
    tr = await person_tr(request, who)
    before = await svc.helpdesk.code_session(code)
    owner_before = (await svc.interviews.holder(before))[0] if before is not None else None
    try:
        session_id, how = await svc.helpdesk.redeem(code, who)
    except SlowDown as slow:
        refused = error_page(request, 429, tr.ui("Too many wrong codes. Please wait {seconds} seconds and try "
                                                 "again.", seconds=int(slow.wait) + 1), action=f"/r/{quote(code)}")
        refused.cookies.update(response.cookies)  # a browser admitted just now stays the visitor it became
        return refused
    except LookupError:
        refused = error_page(request, 404, tr.ui("This code is not valid (wrong, expired or revoked)."))
        refused.cookies.update(response.cookies)
        return refused
    svc.interviews.focus(who, session_id)
    if how == "moved" and owner_before and owner_before != who:
        await svc.notices.tell(owner_before, MOVED, kind="moved", id=session_id)
    raise response


async def contract(request: web.Request) -> web.StreamResponse:
    """Draft the contract with provider N of one's own submitted filing."""
    await _posted(request)
    svc = services(request)
    who = await _admitted(request)
    from bot.service.contracts import NoSuchFiling, NoSuchProvider, load_filing, open_contract

    filing_id, provider = _bounded(request.match_info["filing"]), _bounded(request.match_info["n"])
    try:
        filing = await load_filing(svc.interviews.sessionmaker, filing_id)
        if filing.owner != who:
            raise NoSuchFiling(filing_id)
        await open_contract(svc.interviews, filing, provider)
    except (NoSuchFiling, NoSuchProvider):
        raise web.HTTPNotFound() from None
    raise _see("/chat?opened=1")


def _bounded(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= SESSION_ID_MAX else 0


# --- documents -------------------------------------------------------------------------------------------------


async def _own_session(request: web.Request) -> tuple[int, str, Translator]:
    """The session of the URL when this browser's person owns it (404 otherwise, as for one that does not
    exist)."""
    svc = services(request)
    who = await visitor(request)
    session_id = _bounded(request.match_info["sid"])
    if who is None or not session_id:
        raise web.HTTPNotFound()
    try:
        owner, _ = await svc.interviews.holder(session_id)
    except LookupError:
        raise web.HTTPNotFound() from None
    if owner != who:
        raise web.HTTPNotFound()
    return session_id, who, await person_tr(request, who)


async def _granted(request: web.Request) -> tuple[int, str, Translator]:
    """The session a signed link opens (404 for an altered or expired one)."""
    svc = services(request)
    grant = links.verify(svc.link_key, request.match_info["token"], _now())
    if grant is None:
        raise web.HTTPNotFound()
    return grant.session_id, grant.who, await person_tr(request, grant.who)


def _now() -> float:
    import time

    return time.time()


#: a documents view: (request, session id, reader, the base of its URLs: /s/SESSION or /d/TOKEN) → page
DocumentsView = Callable[[web.Request, int, Translator, str], Awaitable[web.Response]]


def by_cookie_or_link(view: DocumentsView) -> tuple[Handler, Handler]:
    """The same documents view opened by the owner's cookie (/s/SESSION…) and by a signed link (/d/TOKEN…)."""

    async def own(request: web.Request) -> web.Response:
        session_id, _, tr = await _own_session(request)
        return await view(request, session_id, tr, f"/s/{session_id}")

    async def linked(request: web.Request) -> web.Response:
        session_id, _, tr = await _granted(request)
        return await view(request, session_id, tr, f"/d/{request.match_info['token']}")

    return own, linked


async def _files_page(request: web.Request, session_id: int, tr: Translator, base: str) -> web.Response:
    svc = services(request)
    try:
        files = await svc.documents.files(session_id, tr.lang)
    except LookupError:
        raise web.HTTPNotFound() from None
    return page("files.html.j2", tr, files=[(n, f.name, f.previewable) for n, f in enumerate(files)], base=base)


async def _file(request: web.Request, session_id: int, tr: Translator, base: str) -> web.Response:
    svc = services(request)
    index = _bounded(request.match_info["n"]) if request.match_info["n"].isdigit() else -1
    files = await svc.documents.files(session_id, tr.lang)
    if not 0 <= index < len(files):
        raise web.HTTPNotFound()
    return download(files[index])


async def _preview(request: web.Request, session_id: int, tr: Translator, base: str) -> web.Response:
    svc = services(request)
    index = _bounded(request.match_info["n"])
    try:
        pages = await svc.documents.pages(session_id, tr.lang, index)
        files = await svc.documents.files(session_id, tr.lang)
    except LookupError:
        raise web.HTTPNotFound() from None
    return page("preview.html.j2", tr, name=files[index].name, base=base, index=index, count=len(pages))


async def _page_image(request: web.Request, session_id: int, tr: Translator, base: str) -> web.Response:
    svc = services(request)
    index, number = _bounded(request.match_info["n"]), _bounded(request.match_info["page"])
    try:
        pages = await svc.documents.pages(session_id, tr.lang, index)
    except LookupError:
        raise web.HTTPNotFound() from None
    if not 1 <= number <= len(pages):
        raise web.HTTPNotFound()
    return image(pages[number - 1])


own_files, linked_files = by_cookie_or_link(_files_page)
own_file, linked_file = by_cookie_or_link(_file)
own_preview, linked_preview = by_cookie_or_link(_preview)
own_page_image, linked_page_image = by_cookie_or_link(_page_image)


# --- live updates ------------------------------------------------------------------------------------------------


async def events_stream(request: web.Request) -> web.StreamResponse:
    who = await visitor(request)
    if who is None:
        raise web.HTTPNotFound()
    return await push.stream(request, services(request).events, person(who))


async def events_poll(request: web.Request) -> web.Response:
    who = await visitor(request)
    if who is None:
        raise web.HTTPNotFound()
    return await push.long_poll(request, services(request).events, person(who))


# --- privacy and erasure ----------------------------------------------------------------------------------------


async def privacy(request: web.Request) -> web.Response:
    who = await visitor(request)
    tr = await person_tr(request, who)
    return page("privacy.html.j2", tr, **_form_values(request, tr), known=who is not None)


async def erase_page(request: web.Request) -> web.Response:
    svc = services(request)
    who = await _admitted(request)
    tr = await person_tr(request, who)
    counts = await svc.helpdesk.holdings(who)
    return page("erase.html.j2", tr, **_form_values(request, tr), counts=counts)


async def erase(request: web.Request) -> web.StreamResponse:
    await _posted(request)
    svc = services(request)
    who = await _admitted(request)
    tr = await person_tr(request, who)
    await svc.helpdesk.forget_person(who)
    await svc.visitors.forget(who)
    svc.documents.forget()
    response = page("erased.html.j2", tr, **_form_values(request, tr))
    leave(response)
    return response


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/", home)
    r.add_post("/consent", consent)
    r.add_post("/start/{form_id}", start)
    r.add_post("/lang", set_language)
    r.add_get("/chat", chat)
    r.add_post("/chat", answer)
    r.add_post("/help", ask_help)
    r.add_post("/code", make_code)
    r.add_get("/r/{code}", resume_page)
    r.add_post("/r/{code}", redeem)
    r.add_post("/contract/{filing}/{n}", contract)
    # a session's documents: by the owner's cookie (/s/SESSION…) or by a signed link (/d/TOKEN…), the same shape
    r.add_get("/s/{sid}", own_files)
    r.add_get("/s/{sid}/{n}", own_file)
    r.add_get("/s/{sid}/{n}/pages", own_preview)
    r.add_get("/s/{sid}/{n}/pages/{page}.png", own_page_image)
    r.add_get("/d/{token}", linked_files)
    r.add_get("/d/{token}/{n}", linked_file)
    r.add_get("/d/{token}/{n}/pages", linked_preview)
    r.add_get("/d/{token}/{n}/pages/{page}.png", linked_page_image)
    r.add_get("/events", events_stream)
    r.add_get("/poll", events_poll)
    r.add_get("/privacy", privacy)
    r.add_get("/erase", erase_page)
    r.add_post("/erase", erase)
