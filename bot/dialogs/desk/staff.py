"""Managing staff (admins only): the accounts with their roles and districts, a new account (its one-time sign-in
link shown once), a new link for an account (a forgotten password), its linked Telegram id, deactivating one."""

from __future__ import annotations

from aiohttp import web

from bot.dialogs.desk.context import ROOT, desk_page, desk_reader, desk_services, signed_in
from bot.dialogs.web.chat import _bounded, _posted
from bot.dialogs.web.services import services
from bot.i18n import N_, Translator
from bot.interview.typed import typed_int
from bot.service.desk import district_labels
from bot.service.staff import ROLES, Account, StaffError

PROBLEMS = {
    "name": N_("Please give the staff member's name."),
    "role": N_("Please choose a role."),
    "districts": N_("A district officer needs at least one district; other roles have none."),
    "taken": N_("There is already an account with that name."),
    "telegram_taken": N_("That Telegram id is already linked to another account."),
    "telegram": N_("A Telegram id is a number (the person's user id)."),
    "self": N_("You cannot deactivate your own account."),
    "account": N_("There is no such account."),
}


def link_of(request: web.Request, token: str) -> str:
    return f"{services(request).public_url}{ROOT}/welcome/{token}"


async def _page(request: web.Request, account: Account, tr: Translator, *, status: int = 200, problem: str = "",
                link: str = "", link_for: str = "") -> web.Response:
    return desk_page(request, "desk_staff.html.j2", account, tr, status=status,
                     accounts=await desk_services(request).accounts.accounts(), roles=ROLES,
                     districts=district_labels(services(request).interviews.forms),
                     problem=tr.ui(PROBLEMS[problem]) if problem in PROBLEMS else "", link=link, link_for=link_for)


async def staff_page(request: web.Request) -> web.Response:
    account = await signed_in(request, admin=True)
    return await _page(request, account, desk_reader(request))


async def add(request: web.Request) -> web.Response:
    account = await signed_in(request, admin=True)
    posted = await _posted(request)
    tr = desk_reader(request)
    known = district_labels(services(request).interviews.forms)
    districts = [d for d in (str(v) for v in posted.getall("district", [])) if d in known]
    telegram = str(posted.get("telegram", "")).strip()
    telegram_id = typed_int(telegram, max_digits=19) if telegram else None
    if telegram and telegram_id is None:
        return await _page(request, account, tr, status=400, problem="telegram")
    try:
        made, token = await desk_services(request).accounts.add(
            str(posted.get("name", "")), str(posted.get("role", "")), districts if posted.get("role") == "officer"
            else [], telegram_id=telegram_id, by=account)
    except StaffError as error:
        return await _page(request, account, tr, status=400, problem=error.code)
    return await _page(request, account, tr, link=link_of(request, token), link_for=made.name)


async def new_link(request: web.Request) -> web.Response:
    account = await signed_in(request, admin=True)
    await _posted(request)
    tr = desk_reader(request)
    accounts = desk_services(request).accounts
    target = await accounts.account(_bounded(request.match_info["id"]))
    if target is None:
        raise web.HTTPNotFound()
    token = await accounts.issue_link(target.id, by=account)
    return await _page(request, account, tr, link=link_of(request, token), link_for=target.name)


async def telegram(request: web.Request) -> web.Response:
    account = await signed_in(request, admin=True)
    posted = await _posted(request)
    tr = desk_reader(request)
    text = str(posted.get("telegram", "")).strip()
    telegram_id = typed_int(text, max_digits=19) if text else None
    if text and telegram_id is None:
        return await _page(request, account, tr, status=400, problem="telegram")
    try:
        await desk_services(request).accounts.link_telegram(_bounded(request.match_info["id"]), telegram_id,
                                                            by=account)
    except StaffError as error:
        return await _page(request, account, tr, status=400, problem=error.code)
    raise web.HTTPSeeOther(f"{ROOT}/staff")


async def active(request: web.Request) -> web.Response:
    account = await signed_in(request, admin=True)
    posted = await _posted(request)
    tr = desk_reader(request)
    try:
        await desk_services(request).accounts.set_active(_bounded(request.match_info["id"]),
                                                         posted.get("active") == "1", by=account)
    except StaffError as error:
        return await _page(request, account, tr, status=400, problem=error.code)
    raise web.HTTPSeeOther(f"{ROOT}/staff")


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get(f"{ROOT}/staff", staff_page)
    r.add_post(f"{ROOT}/staff", add)
    r.add_post(f"{ROOT}/staff/{{id}}/link", new_link)
    r.add_post(f"{ROOT}/staff/{{id}}/telegram", telegram)
    r.add_post(f"{ROOT}/staff/{{id}}/active", active)
