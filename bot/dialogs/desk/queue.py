"""The desk's first page: the queue, live.  People who asked for help first (longest waiting on top), then the
interviews in progress and the recently submitted ones, filtered by interview, district, status and date, or a
search by company, credit code, phone or resume code.  A district officer sees the submitted filings of their
districts and downloads each district's annex-5 workbook.

The page listens to the desk's pushed events (a help request, a takeover, a hand-back …) and refreshes itself
(static/desk.js); without JavaScript it is an ordinary page with a filter form.
"""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

from aiohttp import web

from bot.dialogs.desk.context import ROOT, desk_page, desk_reader, desk_services, signed_in
from bot.dialogs.web import push
from bot.dialogs.web.services import services
from bot.i18n import N_
from bot.service.desk import STATUSES, Filters, district_labels
from bot.service.events import DESK

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: what a page says after an action that went elsewhere (?said=…): fixed texts, never a posted value
SAID = {"erased": N_("The person's data has been erased.")}


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text and len(text) == 10 else None
    except ValueError:
        return None


def filters_of(request: web.Request) -> Filters:
    q = request.query
    status = q.get("status", "")
    return Filters(form=q.get("form", "")[:64], district=q.get("district", "")[:16],
                   status=status if status in STATUSES else "", since=_date(q.get("since", "")),
                   until=_date(q.get("until", "")), query=q.get("q", "").strip()[:200])


async def queue_page(request: web.Request) -> web.Response:
    account = await signed_in(request)
    tr = desk_reader(request)
    ds = desk_services(request)
    filters = filters_of(request)
    queue = await ds.desk.queue(account, filters)
    districts = district_labels(services(request).interviews.forms)
    if not account.helps:
        districts = [d for d in districts if d in account.districts]
    said = request.query.get("said", "")
    return desk_page(request, "desk_queue.html.j2", account, tr, queue=queue, filters=filters, districts=districts,
                     statuses=STATUSES, said=tr.ui(SAID[said]) if said in SAID else "",
                     exports=districts if (account.role == "officer" or account.admin) else [],
                     last_event=await services(request).events.newest(DESK))


async def events(request: web.Request) -> web.StreamResponse:
    await signed_in(request)
    return await push.stream(request, services(request).events, DESK)


async def poll(request: web.Request) -> web.Response:
    await signed_in(request)
    return await push.long_poll(request, services(request).events, DESK)


async def export(request: web.Request) -> web.Response:
    """The annex-5 workbook of one district: an officer's own districts (an admin's: any)."""
    from bot.service.reports import export_district  # openpyxl: imported when first needed

    account = await signed_in(request)
    district = request.match_info["district"]
    allowed = district_labels(services(request).interviews.forms) if account.admin else list(account.districts)
    if district not in allowed:
        raise web.HTTPNotFound()
    svc = services(request)
    buffer = io.BytesIO()
    seen: list[int] = []
    await export_district(svc.interviews.sessionmaker, svc.interviews.forms, buffer, district=district, seen=seen)
    await desk_services(request).desk.record_views(seen, account, "workbook", district=district)
    name = f"备案汇总表-{district}-{date.today():%Y%m%d}.xlsx"
    return web.Response(body=buffer.getvalue(), content_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"annex5.xlsx\"; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-store"})


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get(ROOT, queue_page)
    r.add_get(f"{ROOT}/events", events)
    r.add_get(f"{ROOT}/poll", poll)
    r.add_get(f"{ROOT}/export/{{district}}", export)
