"""What the staff desk shows, read from the database: the queue (help requests first, then interviews in progress
and recently submitted, filtered and searched), who a session is (company, contact, channel, district), whether an
account may see it, the views of a person's data recorded (PIPL), the audit trail with names, and what staff
changed while they held a session.

Channel-free: bot/dialogs/desk/ marks it up.  A district officer sees only the submitted filings of their
districts: a session of any form with a district question (profile "district") whose answer is one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import repo
from bot.db.models import AnswerRow, AuditEvent, EnterpriseProfile, InterviewSession, User
from bot.interview.answer import Answer
from bot.interview.engine import progress
from bot.interview.schema import ChoiceItem, Form, Item
from bot.present.trail import Happened
from bot.service.handback import staff_changes
from bot.service.helpdesk import Helpdesk
from bot.service.sessions import SESSION_ID_MAX, Interviews
from bot.service.staff import Account, StaffAccounts

#: how many sessions one list of the queue shows
LIST_SIZE = 50
#: a district filter reads this many recent sessions to find its own
DISTRICT_SCAN = 1000
#: opening a session's page again within this time is not recorded again (a page refreshing itself, a reload)
VIEW_AGAIN = timedelta(minutes=10)
PHONE_TYPES = ("phone", "mobile", "landline")
STATUSES = ("help", "active", "held", "submitted")


@dataclass(frozen=True)
class Filters:
    form: str = ""
    #: a district as the filing prints it ("滨江区")
    district: str = ""
    #: help | active | held | submitted ("" for all)
    status: str = ""
    #: last activity on or after / on or before
    since: date | None = None
    until: date | None = None
    #: company, credit code, phone or resume code
    query: str = ""


@dataclass(frozen=True)
class Entry:
    """A session as the queue and the head of its page show it."""

    session_id: int
    form_id: str
    status: str
    answered: int
    total: int
    company: str
    contact: str
    phone: str
    #: the owner's channel: web | tg | wx | console
    channel: str
    district: str
    help_at: datetime | None
    held_by: str | None
    updated_at: datetime
    submitted_at: datetime | None
    owner: str
    #: the session's version: it changes with every answer, takeover, hand-back (a page compares it)
    version: int = 0


@dataclass
class Queue:
    waiting: list[Entry] = field(default_factory=list)
    active: list[Entry] = field(default_factory=list)
    submitted: list[Entry] = field(default_factory=list)
    #: a search's results (None: no search)
    found: list[Entry] | None = None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def district_item(form: Form) -> ChoiceItem | None:
    """The form's district question (profile "district"), None when it asks none."""
    return next((i for i in form.items if i.profile == "district" and isinstance(i, ChoiceItem)), None)


def district_labels(forms: Mapping[str, Form]) -> list[str]:
    """Every district the forms name, as printed, in their order."""
    labels: list[str] = []
    for form in forms.values():
        item = district_item(form)
        labels += [o.label for o in (item.options if item else ()) if o.label not in labels]
    return labels


def district_of(form: Form, answers: Mapping[str, Answer]) -> str:
    item = district_item(form)
    answer = answers.get(item.id) if item else None
    if item is None or answer is None:
        return ""
    return next((o.label for o in item.options if o.id == answer.value), "")


def _first(form: Form, answers: Mapping[str, Answer], wanted: Any) -> str:
    for item in form.items:
        if wanted(item) and item.id in answers and answers[item.id].value not in (None, ""):
            return str(answers[item.id].value)
    return ""


def _is_phone(item: Item) -> bool:
    return item.profile == "contact_phone" or item.type in PHONE_TYPES


class Desk:
    def __init__(self, interviews: Interviews, helpdesk: Helpdesk, accounts: StaffAccounts) -> None:
        self.interviews = interviews
        self.helpdesk = helpdesk
        self.accounts = accounts

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        return self.interviews.sessionmaker

    @property
    def forms(self) -> dict[str, Form]:
        return self.interviews.forms

    def district_forms(self) -> list[str]:
        return [f.id for f in self.forms.values() if district_item(f) is not None]

    # --- the queue -----------------------------------------------------------------------------------------

    async def queue(self, account: Account, filters: Filters) -> Queue:
        if filters.query.strip():
            found = await self.helpdesk.search(filters.query)
            ids = [f.session_id for f in found]
            entries = [e for e in await self.entries(ids) if self._sees(account, e)]
            return Queue(found=sorted(entries, key=lambda e: e.updated_at, reverse=True))
        if not account.helps:
            return Queue(submitted=await self._filings(account, filters))
        queue = Queue()
        if filters.status in ("", "help"):
            queue.waiting = await self._list(self._query(filters).where(
                InterviewSession.help_asked_at.is_not(None), InterviewSession.status == "active")
                .order_by(InterviewSession.help_asked_at), filters)
        if filters.status in ("", "active", "held"):
            query = self._query(filters).where(InterviewSession.status == "active")
            if filters.status == "held":
                query = query.where(InterviewSession.held_by.is_not(None))
            elif filters.status == "":
                query = query.where(InterviewSession.help_asked_at.is_(None))
            queue.active = await self._list(query.order_by(InterviewSession.updated_at.desc()), filters)
        if filters.status in ("", "submitted"):
            queue.submitted = await self._list(self._query(filters).where(InterviewSession.status == "submitted")
                                               .order_by(InterviewSession.submitted_at.desc()), filters)
        return queue

    def _query(self, filters: Filters) -> Select[Any]:
        query = select(InterviewSession.id)
        if filters.form in self.forms:
            query = query.where(InterviewSession.form_id == filters.form)
        if filters.district:
            query = query.where(InterviewSession.form_id.in_(self.district_forms()))
        if filters.since is not None:
            query = query.where(InterviewSession.updated_at >= datetime.combine(filters.since, time.min, UTC))
        if filters.until is not None:
            query = query.where(InterviewSession.updated_at
                                < datetime.combine(filters.until + timedelta(days=1), time.min, UTC))
        return query

    async def _list(self, query: Select[Any], filters: Filters) -> list[Entry]:
        async with self.sessionmaker() as s:
            ids = list(await s.scalars(query.limit(DISTRICT_SCAN if filters.district else LIST_SIZE)))
        if filters.district:  # the district answers alone first (one light read), then the few that match
            ids = [i for i, district in (await self._districts(ids)).items() if district == filters.district]
        return await self.entries(ids[:LIST_SIZE])

    async def _filings(self, account: Account, filters: Filters) -> list[Entry]:
        """A district officer's list: the submitted filings of their districts (newest first)."""
        query = self._query(filters).where(InterviewSession.status == "submitted",
                                           InterviewSession.form_id.in_(self.district_forms()))
        async with self.sessionmaker() as s:
            ids = list(await s.scalars(query.order_by(InterviewSession.submitted_at.desc())))
        wanted = {filters.district} & set(account.districts) if filters.district else set(account.districts)
        mine = [i for i, district in (await self._districts(ids)).items() if district in wanted]
        return await self.entries(mine[:LIST_SIZE * 4])  # newest first, as read

    async def _districts(self, ids: Sequence[int]) -> dict[int, str]:
        """The district each session's answers name ('' when none), in the order given."""
        items = {f.id: district_item(f) for f in self.forms.values()}
        found: dict[int, str] = dict.fromkeys(ids, "")
        if not ids:
            return found
        async with self.sessionmaker() as s:
            rows = await s.execute(select(AnswerRow.session_id, AnswerRow.item_id, AnswerRow.value,
                                          InterviewSession.form_id)
                                   .join(InterviewSession, InterviewSession.id == AnswerRow.session_id)
                                   .where(AnswerRow.session_id.in_(list(ids)),
                                          AnswerRow.item_id.in_([i.id for i in items.values() if i])))
            for r in rows:
                item = items.get(r.form_id)
                if item is not None and r.item_id == item.id:
                    found[r.session_id] = next((o.label for o in item.options if o.id == r.value), "")
        return found

    async def entries(self, ids: Iterable[int]) -> list[Entry]:
        """The sessions of `ids` as the queue shows them (in the order given; unknown ids left out)."""
        wanted = [i for i in dict.fromkeys(ids) if 0 < i <= SESSION_ID_MAX]
        if not wanted:
            return []
        async with self.sessionmaker() as s:
            rows = {r.id: r for r in await s.execute(
                select(InterviewSession.id, InterviewSession.form_id, InterviewSession.status,
                       InterviewSession.owner_id, InterviewSession.held_by, InterviewSession.help_asked_at,
                       InterviewSession.updated_at, InterviewSession.submitted_at, InterviewSession.version)
                .where(InterviewSession.id.in_(wanted)))}
            answers: dict[int, dict[str, Answer]] = {i: {} for i in rows}
            for a in await s.execute(select(AnswerRow.session_id, AnswerRow.item_id, AnswerRow.value,
                                            AnswerRow.extra).where(AnswerRow.session_id.in_(list(rows)))):
                answers[a.session_id][a.item_id] = Answer(a.value, a.extra)
            owner_ids = {r.owner_id for r in rows.values()}
            owners = {u.id: u.external_id for u in await s.execute(select(User.id, User.external_id)
                                                                   .where(User.id.in_(owner_ids)))}
            named: dict[int, str] = {}
            for p in await s.execute(select(EnterpriseProfile.owner_id, EnterpriseProfile.data)
                                     .where(EnterpriseProfile.owner_id.in_(owner_ids))
                                     .order_by(EnterpriseProfile.updated_at.desc())):
                value = ((p.data or {}).get("company_name") or {}).get("value")
                if value and p.owner_id not in named:
                    named[p.owner_id] = str(value)
        out = []
        for session_id in wanted:
            row = rows.get(session_id)
            if row is None or row.form_id not in self.forms:
                continue
            form, given = self.forms[row.form_id], answers[session_id]
            prog = progress(form, given)
            owner = owners.get(row.owner_id, "")
            out.append(Entry(
                session_id=row.id, form_id=row.form_id, status=row.status, answered=prog.answered,
                total=prog.total,
                company=_first(form, given, lambda i: i.profile == "company_name") or named.get(row.owner_id, ""),
                contact=_first(form, given, lambda i: i.profile == "contact_name"),
                phone=_first(form, given, _is_phone), channel=owner.partition(":")[0],
                district=district_of(form, given),
                help_at=None if row.help_asked_at is None else _aware(row.help_asked_at), held_by=row.held_by,
                updated_at=_aware(row.updated_at),
                submitted_at=None if row.submitted_at is None else _aware(row.submitted_at), owner=owner,
                version=row.version))
        return out

    # --- who may see what ----------------------------------------------------------------------------------

    def _sees(self, account: Account, entry: Entry) -> bool:
        if account.helps:
            return True
        return (entry.status == "submitted" and entry.district in account.districts
                and district_item(self.forms[entry.form_id]) is not None)

    async def entry_for(self, account: Account, session_id: int) -> Entry | None:
        """The session when the account may see it; None when it may not, exactly as when there is none."""
        found = await self.entries([session_id])
        if not found or not self._sees(account, found[0]):
            return None
        return found[0]

    # --- views and the audit trail -------------------------------------------------------------------------

    async def version(self, session_id: int) -> int:
        async with self.sessionmaker() as s:
            found = await s.scalar(select(InterviewSession.version).where(InterviewSession.id == session_id))
        return int(found or 0)

    async def record_view(self, session_id: int, account: Account, what: str, **detail: str) -> None:
        """Record that the account saw the person's data (kind "view": who, what, when).  The session's page opened
        again within VIEW_AGAIN is not recorded twice."""
        now = datetime.now(UTC)
        async with self.sessionmaker.begin() as s:
            user = await repo.get_or_create_user(s, account.actor, display_name=account.name)
            if what == "page":
                recent = await s.scalars(select(AuditEvent.new).where(
                    AuditEvent.session_id == session_id, AuditEvent.kind == "view", AuditEvent.actor_id == user.id,
                    AuditEvent.at >= now - VIEW_AGAIN))
                if any(isinstance(n, dict) and n.get("what") == "page" for n in recent):
                    return
            s.add(AuditEvent(session_id=session_id, actor_id=user.id, kind="view", at=now,
                             new={"what": what, **detail}))

    async def record_views(self, session_ids: Iterable[int], account: Account, what: str, **detail: str) -> None:
        ids = list(session_ids)
        if not ids:
            return
        async with self.sessionmaker.begin() as s:
            user = await repo.get_or_create_user(s, account.actor, display_name=account.name)
            s.add_all([AuditEvent(session_id=i, actor_id=user.id, kind="view", new={"what": what, **detail})
                       for i in ids])

    async def record(self, session_id: int, account: Account, kind: str, new: dict[str, Any] | None = None) -> None:
        """An audit event of the account on the session (a message sent to the person)."""
        async with self.sessionmaker.begin() as s:
            user = await repo.get_or_create_user(s, account.actor, display_name=account.name)
            s.add(AuditEvent(session_id=session_id, actor_id=user.id, kind=kind, new=new))

    async def trail(self, session_id: int) -> list[Happened]:
        """The session's audit trail, oldest first, each event with the name of who did it."""
        return await audit_in_words(self.helpdesk, session_id, self.accounts)

    async def staff_changes(self, session_id: int, actor: str) -> list[tuple[str, Any]]:
        """The answers `actor` changed since they last took the session over (bot/service/handback.py)."""
        return await staff_changes(self.helpdesk, session_id, actor)

    async def held_by_name(self, held_by: str | None) -> str:
        """Who holds a session, by name ("" when no one)."""
        if held_by is None:
            return ""
        if held_by.startswith("desk:") and held_by[5:].isdigit():
            names = await self.accounts.names([int(held_by[5:])])
            return names.get(int(held_by[5:]), held_by)
        async with self.sessionmaker() as s:
            display = await s.scalar(select(User.display_name).where(User.external_id == held_by))
        return str(display or held_by)


__all__ = ["STATUSES", "Desk", "Entry", "Filters", "Queue", "district_item", "district_labels", "district_of"]


async def audit_in_words(helpdesk: Helpdesk, session_id: int, accounts: StaffAccounts | None = None
                         ) -> list[Happened]:
    """A session's audit trail, oldest first, each event with the name of who did it (a desk account's name, a
    Telegram staff member's display name; "" for the owner): for the desk and Telegram's /audit alike."""
    accounts = accounts or StaffAccounts(helpdesk.sessionmaker, helpdesk)
    async with helpdesk.sessionmaker() as s:
        owner_id = await s.scalar(select(InterviewSession.owner_id).where(InterviewSession.id == session_id))
        events = await repo.audit_trail(s, session_id)
        actors = {e.actor_id for e in events if e.actor_id is not None}
        people = {u.id: (u.external_id, u.display_name) for u in await s.execute(
            select(User.id, User.external_id, User.display_name).where(User.id.in_(actors)))}
    desk_ids = {int(x[5:]) for x, _ in people.values() if x.startswith("desk:") and x[5:].isdigit()}
    names = await accounts.names(desk_ids)

    def name(actor_id: int | None) -> str:
        if actor_id is None or actor_id == owner_id or actor_id not in people:
            return ""
        external, display = people[actor_id]
        if external.startswith("desk:") and external[5:].isdigit() and int(external[5:]) in names:
            return names[int(external[5:])]
        return str(display or external)

    return [Happened(_aware(e.at), name(e.actor_id), e.actor_id is not None and e.actor_id == owner_id, e.kind,
                     e.item_id, e.old, e.new) for e in events]
