"""Service contracts drafted from a submitted filing: the service side every channel calls.

A filing (hangzhou-filing) names one or more providers; for each, the person (or staff for them) drafts the
contract of annex 2: `open_contract` starts or resumes the provider's hangzhou-contract session, offering what the
filing and the enterprise profile already hold; at submission `comparison` tells how the contracts' total (元,
含税) stands against the filing's 项目预期投入 (万元, 不含税) before `contract_files` renders the Word and PDF
contract (bot/rendering/contract.py).

A contract session keeps its origin in its state: {"filing": session id, "provider": 0-based index,
"credit_code": the enterprise's code, "values": the filing's answers its checks read (项目实施期限)} — the layout
reads the filing at rendering time, so a corrected (reopened) filing shows in the next rendering, and the values
are copied again whenever the contract is opened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import repo
from bot.db.models import InterviewSession, User
from bot.i18n import Translator
from bot.interview.answer import Answer, printable
from bot.interview.engine import ORIGIN_VALUES
from bot.interview.errors import AnswerError
from bot.interview.parsing import answer_from_value
from bot.interview.schema import Form
from bot.rendering.contract import (
    CONTRACT_FORM,
    FILING_FORM,
    Comparison,
    ContractView,
    compare,
    contract_view,
    figures,
    provider_of,
)
from bot.service.file_names import safe_part
from bot.service.sessions import CREDIT_CODE, SESSION_ID_MAX, Interviews, Opened, suggestions

#: the word for a contract's documents in a form's `documents`
CONTRACT_DOCUMENT = "contract"


class NoSuchFiling(LookupError):
    """Not a submitted filing (or not the person's)."""


class NoSuchProvider(LookupError):
    """The filing has no provider of that number."""


@dataclass(frozen=True)
class Filing:
    session_id: int
    #: the owner's external id ("tg:…", "console:…")
    owner: str
    answers: Mapping[str, Answer]

    @property
    def providers(self) -> list[Mapping[str, Any]]:
        answer = self.answers.get("providers")
        return list(answer.value) if answer is not None and isinstance(answer.value, list) else []

    def provider_name(self, index: int) -> str:
        return str(provider_of(self.answers, index).get("name") or f"#{index + 1}")


def _printable_answers(row: InterviewSession) -> dict[str, Answer]:
    """The answers as documents and file names may show them (also those stored before the input boundary)."""
    return {k: printable(a) for k, a in repo.answers_of(row).items()}


def makes_contracts(form: Form) -> bool:
    return CONTRACT_DOCUMENT in form.documents


async def _filing_of(s: AsyncSession, row: InterviewSession | None, *, submitted: bool = True) -> Filing:
    """The filing of a session row; NoSuchFiling when it is none (or, with `submitted`, not submitted)."""
    if row is None or row.form_id != FILING_FORM or (submitted and row.status != "submitted"):
        raise NoSuchFiling(row.id if row is not None else None)
    owner = await s.get(User, row.owner_id)
    return Filing(row.id, owner.external_id if owner is not None else "", _printable_answers(row))


async def load_filing(sessionmaker: async_sessionmaker[AsyncSession], session_id: int) -> Filing:
    """The submitted filing of that session number; NoSuchFiling otherwise (also for a number no session can
    have: it never reaches the database)."""
    if not 0 < session_id <= SESSION_ID_MAX:
        raise NoSuchFiling(session_id)
    async with sessionmaker() as s:
        return await _filing_of(s, await s.get(InterviewSession, session_id))


async def latest_filing(sessionmaker: async_sessionmaker[AsyncSession], external_id: str) -> Filing:
    """The person's most recently submitted filing; NoSuchFiling when there is none."""
    async with sessionmaker() as s:
        user = await repo.find_user(s, external_id)
        if user is None:
            raise NoSuchFiling(None)
        return await _filing_of(s, await repo.latest_session(s, user.id, FILING_FORM, status="submitted"))


def _offer(form: Form, item_id: str, value: Any, today: date) -> dict[str, Answer]:
    if value is None or value == "":
        return {}
    try:
        return {item_id: answer_from_value(form.item(item_id), value, today)}
    except (AnswerError, KeyError, TypeError, ValueError):
        return {}


def offers(form: Form, filing: Filing, provider: int, profile_data: Mapping[str, Any],
           today: date) -> dict[str, Answer]:
    """What the new contract offers to confirm: the enterprise profile's values (address, bank), else the filing's
    通讯地址 for 甲方's 法定地址; the provider's 合同编号 for both 协议号; the filing's 项目实施期限 (each read as on
    `today`)."""
    p = provider_of(filing.answers, provider)

    def filed(item_id: str) -> Any:
        answer = filing.answers.get(item_id)
        return answer.value if answer is not None else None

    offered: dict[str, Answer] = {}
    offered |= _offer(form, "party_a_address", filed("address"), today)
    offered |= _offer(form, "party_a_agreement_no", p.get("contract_no"), today)
    offered |= _offer(form, "party_b_agreement_no", p.get("contract_no"), today)
    offered |= _offer(form, "period_start", filed("project_start"), today)
    offered |= _offer(form, "period_end", filed("project_end"), today)
    return offered | suggestions(form, profile_data, today)


def filed_values(form: Form, filing: Filing) -> dict[str, Any]:
    """The filing's answers the contract's checks read (`origin_values`: its 项目实施期限), as stored."""
    return {i: filing.answers[i].value for i in form.origin_values
            if i in filing.answers and filing.answers[i].value is not None}


async def open_contract(interviews: Interviews, filing: Filing, provider: int) -> Opened:
    """The contract session for the filing's provider `provider` (0-based), owned by the filing's owner: resumed,
    or started with the offers above."""
    if not 0 <= provider < len(filing.providers):
        raise NoSuchProvider(provider)
    form = interviews.forms[CONTRACT_FORM]
    code_answer = filing.answers.get(CREDIT_CODE)
    code = str(code_answer.value) if code_answer is not None and code_answer.value else ""
    async with interviews.sessionmaker() as s:
        user = await repo.find_user(s, filing.owner)
        owner_id = user.id if user is not None else 0
        known = await s.run_sync(lambda sync: repo.profile(sync, owner_id, code))
    origin = {"filing": filing.session_id, "provider": provider, CREDIT_CODE: code,
              ORIGIN_VALUES: filed_values(form, filing)}
    return await interviews.open_from(filing.owner, CONTRACT_FORM, origin,
                                      offers(form, filing, provider, known.data if known else {},
                                             interviews.today()))


# --- at submission: the comparison, then the files -------------------------------------------------------------


@dataclass(frozen=True)
class _Contract:
    session_id: int
    filing: Filing
    provider: int
    answers: Mapping[str, Answer]
    view: ContractView


async def _contract(s: AsyncSession, session_id: int) -> _Contract:
    row = await s.get(InterviewSession, session_id)
    if row is None or row.form_id != CONTRACT_FORM:
        raise LookupError(session_id)
    origin = dict((row.state or {}).get("origin") or {})
    # a drafted contract renders from its filing as it stands, also while staff have reopened it to correct it
    filing = await _filing_of(s, await s.get(InterviewSession, int(origin.get("filing") or 0)), submitted=False)
    provider = int(origin.get("provider") or 0)
    answers = _printable_answers(row)
    return _Contract(row.id, filing, provider, answers, contract_view(filing.answers, provider, answers))


async def comparison(sessionmaker: async_sessionmaker[AsyncSession], session_id: int) -> Comparison | None:
    """This contract against the filing's expected investment, counting the filing's other submitted contracts
    (the latest of each other provider)."""
    async with sessionmaker() as s:
        this = await _contract(s, session_id)
        others: dict[int, Decimal] = {}
        rows = await s.scalars(select(InterviewSession).where(
            InterviewSession.form_id == CONTRACT_FORM, InterviewSession.status == "submitted",
            InterviewSession.id != session_id).order_by(InterviewSession.id))
        for row in rows:
            origin = (row.state or {}).get("origin") or {}
            provider = int(origin.get("provider") or 0)
            if origin.get("filing") != this.filing.session_id or provider == this.provider:
                continue
            amount = contract_view(this.filing.answers, provider, repo.answers_of(row)).amount
            if amount is not None:
                others[provider] = amount
    return compare(this.view, list(others.values()))


def comparison_text(found: Comparison, tr: Translator) -> list[str]:
    """The comparison in the person's language, told before the contract files are sent."""
    lines = [tr.ui("Before the contract is made: its total is {total} yuan including tax (含税); the filing's "
                   "expected investment (项目预期投入) is {expected} 万元 excluding tax (不含税), that is {yuan} yuan.",
                   total=figures(found.contract_total), expected=f"{found.expected_wan:f}",
                   yuan=figures(found.expected_yuan))]
    if found.contracts > 1:
        lines.append(tr.ui("With the filing's other drafted contracts ({count} in all) the contracts come to "
                           "{all} yuan.", count=found.contracts, all=figures(found.contracts_total)))
    difference = found.difference
    if difference > 0:
        lines.append(tr.ui(
            "The contracts are {diff} yuan ({percent}%) above the expected investment. Part of that is VAT: the "
            "contract counts tax (IT services mostly at 6%, equipment at 13%), the filing does not. If the "
            "difference is larger than the tax, correct the product list here or the filing's expected investment "
            "(the helpdesk can reopen a submitted filing).",
            diff=figures(difference), percent=f"{found.percent:f}"))
    elif difference < 0:
        lines.append(tr.ui(
            "The contracts are {diff} yuan ({percent}%) below the expected investment, although they include tax. "
            "The filing's figure is for the whole project: draft the contracts of the other providers, or correct "
            "the product list here or the filing's expected investment (the helpdesk can reopen a submitted "
            "filing).",
            diff=figures(-difference), percent=f"{-found.percent:f}"))
    else:
        lines.append(tr.ui("The contracts equal the expected investment. Note that the contract includes tax and "
                           "the filing does not: before tax the project costs less than the filing says."))
    return lines


def _file_stem(filing: Filing, provider: int, lang: str) -> str:
    if lang != "zh":  # the provider's name in the file name only where the name is read as it is written
        return f"service-contract-{provider + 1}"
    name = safe_part(filing.provider_name(provider))  # nothing that could disguise the extension
    return f"服务合同-{name or provider + 1}"


async def contract_files(sessionmaker: async_sessionmaker[AsyncSession], session_id: int, *, lang: str
                         ) -> list[Any]:
    """The contract of a contract session as a PDF and a Word document (rendered in worker threads)."""
    from bot.rendering.contract import render_contract_docx, render_contract_pdf
    from bot.service.reports import DOCX, PDF, ReportFile

    async with sessionmaker() as s:
        found = await _contract(s, session_id)
    stem = f"{_file_stem(found.filing, found.provider, lang)}-{session_id}"
    pdf = await asyncio.to_thread(render_contract_pdf, found.view)
    docx = await asyncio.to_thread(render_contract_docx, found.view)
    return [ReportFile(f"{stem}.pdf", pdf, PDF), ReportFile(f"{stem}.docx", docx, DOCX)]


def provider_lines(filing: Filing) -> list[str]:
    """The filing's providers, numbered from 1 as the commands take them."""
    return [f"{n + 1}. {filing.provider_name(n)}" for n in range(len(filing.providers))]
