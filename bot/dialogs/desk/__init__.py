"""The staff desk in the browser, served by the same process as the web chat (bot/dialogs/web/app.py): staff sign
in (signin.py), work from a live queue (queue.py) and a page per session (session.py), and admins manage staff
(staff.py).  Every route checks who is signed in and their role on the server (context.py); the rules live in
bot/service/staff.py and bot/service/desk.py.
"""

from __future__ import annotations

from aiohttp import web

from bot.dialogs.desk import queue, session, signin, staff
from bot.dialogs.desk.context import DESK, DeskServices
from bot.dialogs.web.services import SERVICES
from bot.service.desk import Desk
from bot.service.staff import StaffAccounts


def add_routes(app: web.Application) -> None:
    """The desk's services (over the web chat's, already on `app`) and its routes under /desk."""
    svc = app[SERVICES]
    accounts = StaffAccounts(svc.interviews.sessionmaker, svc.helpdesk)
    app[DESK] = DeskServices(accounts, Desk(svc.interviews, svc.helpdesk, accounts))
    for module in (signin, queue, session, staff):
        module.add_routes(app)
