"""The reports of a session, and the district summary table, as files: the one place channels ask for them.

Reads the session (answers, who gave them, its audit trail) from the database, builds the report context
(bot/rendering/context.py) and renders outside the event loop (threads), so other chats keep their response
times while a PDF renders.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import repo
from bot.db.models import AnswerRow, InterviewSession, User
from bot.i18n import DEFAULT_LANG
from bot.interview.answer import Answer, printable, printable_value
from bot.interview.schema import Form
from bot.rendering.context import ReportContext, build_context
from bot.rendering.layouts import layout
from bot.service.sessions import SESSION_ID_MAX

log = logging.getLogger(__name__)


# The writers import WeasyPrint, python-docx and openpyxl when a document is first made, not when the service starts.


def render_pdf(kind: str, ctx: ReportContext) -> bytes:
    from bot.rendering.pdf import render_pdf as render

    return render(kind, ctx)


def render_docx(kind: str, ctx: ReportContext) -> bytes:
    from bot.rendering.docx import render_docx as render

    return render(kind, ctx)


def write_summary_xlsx(*args: Any, **kwargs: Any) -> Any:
    from bot.rendering.xlsx import write_summary_xlsx as write

    return write(*args, **kwargs)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FILING_FORM = "hangzhou-filing"
#: the item of the filing that names the district (企业所属区、县(市))
DISTRICT_ITEM = "district"


@dataclass(frozen=True)
class ReportFile:
    name: str
    content: bytes
    mime: str


async def _session_data(sessionmaker: async_sessionmaker[AsyncSession], session_id: int, *, with_audit: bool
                        ) -> tuple[InterviewSession, dict[str, Answer], frozenset[str], list[Any], tuple[str, str]]:
    async with sessionmaker() as s:
        row = await s.get(InterviewSession, session_id)
        if row is None:
            raise LookupError(session_id)
        owner = row.owner_id
        enterprise = await s.run_sync(lambda sync: repo.enterprise_named(sync, owner))
        answers = {k: printable(a) for k, a in repo.answers_of(row).items()}
        staff_items = frozenset(a.item_id for a in row.answers if a.by_staff)
        audit: list[Any] = []
        if with_audit:
            names = {u.id: printable_value(u.display_name) or u.external_id for u in await s.scalars(select(User))}
            for event in await repo.audit_trail(s, session_id):
                audit.append({"at": event.at, "actor": names.get(event.actor_id or 0, ""), "kind": event.kind,
                              "item_id": event.item_id, "old": printable_value(event.old),
                              "new": printable_value(event.new)})
        return row, answers, staff_items, audit, enterprise


def context_for(form: Form, meta: _Meta, answers: dict[str, Answer], *, lang: str,
                staff_items: frozenset[str] = frozenset(), audit: list[Any] | None = None,
                enterprise: tuple[str, str] = ("", "")) -> ReportContext:
    submitted = meta.submitted_at.date().isoformat() if meta.submitted_at else ""
    return build_context(form, answers, lang=lang, staff_items=staff_items, audit=audit,
                         company=enterprise[0], credit_code=enterprise[1],
                         session_meta={"session": meta.id, "form_version": meta.form_version, "submitted": submitted})


@dataclass(frozen=True)
class _Meta:
    id: int
    form_version: int
    submitted_at: datetime | None


async def session_reports(sessionmaker: async_sessionmaker[AsyncSession], forms: dict[str, Form], session_id: int,
                          *, lang: str, staff_copy: bool = False) -> list[ReportFile]:
    """The files of one session: its PDF report, and the Word application where the form has one.

    `staff_copy` adds the audit trail (who changed which item, from what to what) to the PDF.  A document that
    cannot be written is left out (and logged) without costing the others; only when none can be written does
    this raise.
    """
    if not 0 < session_id <= SESSION_ID_MAX:
        raise LookupError(session_id)
    row, answers, staff_items, audit, enterprise = await _session_data(sessionmaker, session_id,
                                                                       with_audit=staff_copy)
    form = forms[row.form_id]
    if "contract" in form.documents:  # drawn from two sessions (the contract and its filing): its own writer
        from bot.service.contracts import contract_files

        return await contract_files(sessionmaker, session_id, lang=lang)
    meta = _Meta(row.id, row.form_version, row.submitted_at)
    ctx = context_for(form, meta, answers, lang=lang, staff_items=staff_items, audit=audit if staff_copy else None,
                      enterprise=enterprise)
    if not ctx.kind:
        return []  # a form without documents
    report = layout(ctx.kind)
    stem = report.stems.get(lang) or report.stems[DEFAULT_LANG]
    suffix = f"-{row.id}" + ("-staff" if staff_copy else "")
    writers: dict[str, tuple[Callable[[str, ReportContext], bytes], str]] = {"pdf": (render_pdf, PDF),
                                                                            "docx": (render_docx, DOCX)}
    jobs = [(f"{stem}{suffix}.{fmt}", *writers[fmt]) for fmt in report.formats if fmt in writers]
    files: list[ReportFile] = []
    failure: Exception | None = None
    for name, render, mime in jobs:
        try:
            files.append(ReportFile(name, await asyncio.to_thread(render, ctx.kind, ctx), mime))
        except Exception as exc:  # one document must not cost the others
            log.exception("could not write %s of session %s", name, session_id)
            failure = exc
    if not files and failure is not None:
        raise failure
    return files


class UnknownDistrict(LookupError):
    """No district of the filing is named so; `known` are the districts' names (as the form prints them, Chinese),
    for a channel to say in its own words."""

    def __init__(self, district: str, known: list[str]) -> None:
        super().__init__(f"no district {district!r}; known: {', '.join(known)}")
        self.district = district
        self.known = known


def _district_ids(form: Form, district: str | None) -> set[str] | None:
    if district is None:
        return None
    item = form.item(DISTRICT_ITEM)
    options = getattr(item, "options", ())
    wanted = {o.id for o in options if district in (o.id, o.label) or o.label.startswith(district)}
    if not wanted:
        raise UnknownDistrict(district, [o.label for o in options])
    return wanted


async def export_district(sessionmaker: async_sessionmaker[AsyncSession], forms: dict[str, Form],
                          target: str | Path | IO[bytes], *, district: str | None,
                          filled_by: str | None = None, filled_on: date | None = None,
                          seen: list[int] | None = None) -> int:
    """Write the annex-5 summary table of the submitted filings (of `district`, or all) to `target`; returns the
    number of filings, and appends each one's session id to `seen` (the desk records who saw them).  The answers
    are read with two queries; contexts are built and the workbook streamed in a worker thread, one filing at a
    time."""
    form = forms[FILING_FORM]
    wanted = _district_ids(form, district)  # an unknown district fails before anything is written
    unit = filled_by or (f"{district}经济和信息化局" if district else "")
    submitted = (InterviewSession.form_id == form.id) & (InterviewSession.status == "submitted")
    async with sessionmaker() as s:
        metas = [_Meta(r.id, r.form_version, r.submitted_at) for r in await s.execute(
            select(InterviewSession.id, InterviewSession.form_version, InterviewSession.submitted_at)
            .where(submitted).order_by(InterviewSession.submitted_at, InterviewSession.id))]
        by_session: dict[int, dict[str, Answer]] = {}
        for a in await s.execute(select(AnswerRow.session_id, AnswerRow.item_id, AnswerRow.value, AnswerRow.extra)
                                 .join(InterviewSession, AnswerRow.session_id == InterviewSession.id)
                                 .where(submitted)):
            by_session.setdefault(a.session_id, {})[a.item_id] = printable(Answer(a.value, a.extra))

    def contexts() -> Iterator[ReportContext]:
        for meta in metas:
            answers = by_session.get(meta.id, {})
            chosen = answers.get(DISTRICT_ITEM)
            if wanted is not None and (chosen is None or chosen.value not in wanted):
                continue
            if seen is not None:
                seen.append(meta.id)
            yield context_for(form, meta, answers, lang="zh")

    return await asyncio.to_thread(write_summary_xlsx, contexts(), target, district=unit,
                                   filled_on=filled_on or date.today())

