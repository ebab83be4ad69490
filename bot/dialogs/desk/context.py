"""What every desk handler uses: the desk's services on the application, who is signed in (checked on the server for
every request, the role with it), and a page of the desk.

A desk page is never kept by a browser or a proxy (Cache-Control: no-store): it shows a person's data.  A request
the page makes by itself (a refresh after a push, the live progress check, the event stream) does not count as
the staff member's activity, so a desk left open still signs out after a while without work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.dialogs.web.pages import page
from bot.dialogs.web.security import csrf_token, reader
from bot.dialogs.web.services import Services, services
from bot.i18n import LANGUAGES, N_, Translator, language_name
from bot.service.desk import Desk
from bot.service.staff import Account, StaffAccounts

COOKIE = "desk"
#: the desk's paths
ROOT = "/desk"
#: requests a desk page makes by itself carry this header
REFRESH_HEADER = "X-Desk-Refresh"
#: the desk shows times as Hangzhou reads them
ZONE = ZoneInfo("Asia/Shanghai")

ROLE_NAMES = {"helpdesk": N_("Helpdesk"), "officer": N_("District officer"), "admin": N_("Administrator")}
CHANNEL_NAMES = {"web": N_("Web chat"), "tg": "Telegram", "wx": N_("WeChat"), "console": N_("Terminal")}
STATUS_NAMES = {"active": N_("in progress"), "submitted": N_("submitted"), "cancelled": N_("cancelled")}


@dataclass(frozen=True)
class DeskServices:
    accounts: StaffAccounts
    desk: Desk


DESK: web.AppKey[DeskServices] = web.AppKey("desk", DeskServices)


def desk_services(request: web.Request) -> DeskServices:
    return request.app[DESK]


def by_itself(request: web.Request) -> bool:
    """The page asked by itself (not the staff member's own activity)."""
    return request.headers.get(REFRESH_HEADER) == "1" or request.path.endswith(("/events", "/poll", "/stamp"))


async def signed_in(request: web.Request, *, helps: bool = False, admin: bool = False) -> Account:
    """The staff member signed in on this browser; anyone else goes to the sign-in page (and comes back here after
    it, for a page).  A role that may not use this route gets the page for something that does not exist."""
    account = await desk_services(request).accounts.session(request.cookies.get(COOKIE), touch=not by_itself(request))
    if account is None:
        then = request.path_qs if request.method == "GET" and not by_itself(request) else ROOT
        raise web.HTTPSeeOther(f"{ROOT}/signin?then={quote(then)}")
    if (helps and not account.helps) or (admin and not account.admin):
        raise web.HTTPNotFound()
    return account


def when(moment: datetime | None) -> str:
    """A moment as Hangzhou's clock reads it."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def waited(moment: datetime | None, tr: Translator) -> str:
    """"12 min", "2 h 5 min" since `moment`."""
    if moment is None:
        return ""
    minutes = max(0, int((datetime.now(UTC) - moment).total_seconds() // 60))
    if minutes < 60:
        return tr.ui("{minutes} min", minutes=minutes)
    return tr.ui("{hours} h {minutes} min", hours=minutes // 60, minutes=minutes % 60)


def desk_page(request: web.Request, template: str, account: Account | None, tr: Translator, *,
              status: int = 200, **values: Any) -> web.Response:
    """A page of the desk in the reader's language, never cached."""
    svc: Services = services(request)
    response = page(template, tr, status=status, headers={"Cache-Control": "no-store"}, me=account,
                    csrf=csrf_token(request), languages=[(c, language_name(c)) for c in LANGUAGES],
                    role_names=ROLE_NAMES, channel_names=CHANNEL_NAMES, status_names=STATUS_NAMES, when=when,
                    waited=lambda m: waited(m, tr), forms=svc.interviews.forms, path=request.path_qs,
                    form_title=lambda form_id: _form_title(svc, form_id, tr), **values)
    return response


def _form_title(svc: Services, form_id: str, tr: Translator) -> str:
    form = svc.interviews.forms.get(form_id)
    return tr.form(form.title) if form is not None else form_id


def desk_reader(request: web.Request) -> Translator:
    return reader(request)


__all__ = ["COOKIE", "DESK", "ROOT", "Account", "DeskServices", "by_itself", "desk_page", "desk_reader",
           "desk_services", "signed_in", "when"]
