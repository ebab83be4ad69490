"""Signing in to the desk: the one-time link's first visit (setting the password), the sign-in form (name and
password; wrong ones slow down per account and per address), signing out, and the desk's language.

Every sign-in makes a new session id (the browser's old cookie, if any, is ended, never reused).
"""

from __future__ import annotations

from aiohttp import web

from bot.dialogs.desk.context import COOKIE, ROOT, desk_page, desk_reader, desk_services
from bot.dialogs.web.chat import _posted
from bot.dialogs.web.security import address, cookie_options, remember_language
from bot.i18n import known_lang
from bot.service.helpdesk import SlowDown
from bot.service.staff import MIN_PASSWORD, Account, StaffError, WrongPassword


def _then(value: str) -> str:
    """Where to go after signing in: a desk page of this site only."""
    return value if value.startswith(f"{ROOT}") and not value.startswith("//") and len(value) < 300 and \
        "\\" not in value else ROOT


async def _signed_in_as(request: web.Request, account: Account, then: str) -> web.HTTPSeeOther:
    """End the browser's earlier sign-in, open a new one, and go on (raised by the caller)."""
    accounts = desk_services(request).accounts
    old = request.cookies.get(COOKIE)
    if old:
        await accounts.sign_out(old)
    token = await accounts.open_session(account)
    response = web.HTTPSeeOther(_then(then))
    options = cookie_options(request)
    options["path"] = ROOT
    response.set_cookie(COOKIE, token, **options)
    return response


async def signin_page(request: web.Request) -> web.Response:
    tr = desk_reader(request)
    accounts = desk_services(request).accounts
    if await accounts.session(request.cookies.get(COOKIE), touch=False) is not None:
        raise web.HTTPSeeOther(ROOT)
    return desk_page(request, "desk_signin.html.j2", None, tr, then=_then(request.query.get("then", ROOT)),
                     name="", problem="")


async def signin(request: web.Request) -> web.StreamResponse:
    form = await _posted(request)
    tr = desk_reader(request)
    name, password = str(form.get("name", ""))[:200], str(form.get("password", ""))
    then = _then(str(form.get("then", ROOT)))
    try:
        account = await desk_services(request).accounts.sign_in(name, password, address(request))
    except SlowDown as slow:
        problem = tr.ui("Too many wrong passwords. Please wait {seconds} seconds and try again.",
                        seconds=int(slow.wait) + 1)
        return desk_page(request, "desk_signin.html.j2", None, tr, status=429, then=then, name=name,
                         problem=problem)
    except WrongPassword:
        return desk_page(request, "desk_signin.html.j2", None, tr, status=401, then=then, name=name,
                         problem=tr.ui("Wrong name or password."))
    raise await _signed_in_as(request, account, then)


async def signout(request: web.Request) -> web.StreamResponse:
    await _posted(request)
    token = request.cookies.get(COOKIE)
    if token:
        await desk_services(request).accounts.sign_out(token)
    response = web.HTTPSeeOther(f"{ROOT}/signin")
    response.del_cookie(COOKIE, path=ROOT)
    raise response


async def welcome_page(request: web.Request) -> web.Response:
    """A one-time sign-in link: set a password (the link is used only when it is set)."""
    tr = desk_reader(request)
    account = await desk_services(request).accounts.link_account(request.match_info["token"])
    if account is None:
        raise web.HTTPNotFound()
    return desk_page(request, "desk_welcome.html.j2", None, tr, newcomer=account, problem="",
                     minimum=MIN_PASSWORD)


async def welcome(request: web.Request) -> web.StreamResponse:
    form = await _posted(request)
    tr = desk_reader(request)
    accounts = desk_services(request).accounts
    token = request.match_info["token"]
    account = await accounts.link_account(token)
    if account is None:
        raise web.HTTPNotFound()
    password, again = str(form.get("password", "")), str(form.get("again", ""))
    problem = ""
    if password != again:
        problem = tr.ui("The two passwords differ. Please type the same password twice.")
    else:
        try:
            account = await accounts.set_password(token, password)
        except StaffError as error:
            if error.code == "link":
                raise web.HTTPNotFound() from None
            problem = tr.ui("Please choose a password of at least {count} characters.", count=MIN_PASSWORD)
    if problem:
        return desk_page(request, "desk_welcome.html.j2", None, tr, status=400, newcomer=account, problem=problem,
                         minimum=MIN_PASSWORD)
    raise await _signed_in_as(request, account, ROOT)


async def language(request: web.Request) -> web.StreamResponse:
    form = await _posted(request)
    lang = known_lang(str(form.get("lang", ""))) or "zh"
    back = _then(str(form.get("back", ROOT)))
    response = web.HTTPSeeOther(back)
    remember_language(response, request, lang)
    raise response


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get(f"{ROOT}/signin", signin_page)
    r.add_post(f"{ROOT}/signin", signin)
    r.add_post(f"{ROOT}/signout", signout)
    r.add_get(f"{ROOT}/welcome/{{token}}", welcome_page)
    r.add_post(f"{ROOT}/welcome/{{token}}", welcome)
    r.add_post(f"{ROOT}/lang", language)
