"""Handing a session back to its owner, for every staff channel (the desk, Telegram's /handback): the answers the
staff member changed while holding it are read from the audit trail, the session is released, and the owner is
told on their own channel, in their language, which answers changed (question numbers and option labels, as the
review shows them) and how to go on."""

from __future__ import annotations

from typing import Any

from bot.db import repo
from bot.i18n import N_
from bot.present.trail import change_list
from bot.service.helpdesk import Helpdesk
from bot.service.notices import Notices

HANDED_BACK = N_("Your interview has been handed back to you.")
CHANGED = N_("The helpdesk changed: {changes}.")
UNCHANGED = N_("The helpdesk changed none of your answers.")
#: what the person does next, by channel (the web chat's page updates by itself)
GO_ON = {"tg": N_("Send /resume to continue."), "": N_("You can go on answering.")}


async def staff_changes(helpdesk: Helpdesk, session_id: int, actor: str) -> list[tuple[str, Any]]:
    """The answers `actor` changed since they last took the session over: (item id, the answer stored)."""
    async with helpdesk.sessionmaker() as s:
        user = await repo.find_user(s, actor)
        if user is None:
            return []
        events = await repo.audit_trail(s, session_id)
    since = max((n for n, e in enumerate(events) if e.kind == "take" and e.actor_id == user.id), default=-1)
    return [(e.item_id, e.new) for e in events[since + 1:]
            if e.kind == "answer" and e.actor_id == user.id and e.item_id is not None]


async def hand_back(helpdesk: Helpdesk, notices: Notices, session_id: int, holder: str) -> str:
    """Release the session `holder` holds and tell its owner what changed; returns the owner's external id.
    NotAllowed (bot.service.helpdesk) when `holder` does not hold it."""
    changes = await staff_changes(helpdesk, session_id, holder)
    owner = await helpdesk.handback(session_id, holder)
    helpdesk.interviews.focus(holder, None)
    form, _ = await helpdesk.interviews.load(session_id)
    tr = await notices.translator(owner)
    text = tr.ui(HANDED_BACK) + " " + (tr.ui(CHANGED, changes=change_list(form, changes, tr)) if changes
                                       else tr.ui(UNCHANGED))
    text += " " + tr.ui(GO_ON.get(owner.partition(":")[0], GO_ON[""]))
    await notices.say(owner, text, kind="handed_back")
    return owner
