"""One enterprise, one profile (issue 23, item 4): what a person says of their enterprise in the eligibility check
and the self-assessment (no credit code asked), then in the filing (the code given), is one profile; the next
interview offers every answer given once.  On the real service and database (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import sessionmaker
from bot.db.models import EnterpriseProfile
from bot.interview.engine import Input, Question, Submit, Text, UseSuggestion, screen
from bot.interview.errors import AnswerError
from bot.interview.parsing import answer_from_value
from bot.interview.validators import credit_code_check_char
from bot.service.sessions import Interviews
from tests.service.test_profiles import finish_miit
from tests.today import TODAY

WHO = "tg:23"
COMPANY = "杭州示例精密机械有限公司"
CODE = "91330108MA2CL8K41" + credit_code_check_char("91330108MA2CL8K41")

ELIGIBILITY = {"registered_in_hangzhou": "1", "company_name": COMPANY, "industry": "1", "employees": "180",
               "revenue_2023": "3000", "central_funding": "3", "policy_restriction": "2"}
#: the filing up to its providers: what the eligibility check and the self-assessment gave is confirmed (沿用)
FILING = {"credit_code": CODE, "legal_rep": "张三", "address": "杭州市滨江区江南大道1号", "contact_name": "李四",
          "contact_phone": "13812345678", "district": "4", "digital_staff": "30", "main_products": "数控机床",
          "enterprise_category": "2", "pilot_2022": "2", "target_level": "3",
          "digital_foundation": "主导产品为数控机床，已上线ERP。", "project_name": "产线数字化改造项目",
          "project_start": "2024-04", "project_end": "2025-03", "scenarios": "2", "cloud_plan": "2",
          "expected_investment": "380", "digital_investment": "380"}


async def answer_until(service: Interviews, form_id: str, typed: dict[str, str], stop: str | None = None) -> None:
    """Answer the person's session of `form_id` until `stop` (or the review): a value offered is confirmed, else
    the text given for the item."""
    opened = await service.open(WHO, form_id)
    state = opened.state
    while state.cursor is not None and state.cursor != stop:
        scr = screen(opened.form, state, TODAY)
        assert isinstance(scr, Question)
        event: Input = Text(typed[state.cursor]) if state.cursor in typed else UseSuggestion()
        step = await service.apply(opened.session_id, event, actor=WHO)
        assert step.error is None, (state.cursor, step.error)
        state = step.state


async def profiles(db_engine: AsyncEngine) -> list[EnterpriseProfile]:
    async with sessionmaker(db_engine)() as s:
        return list(await s.scalars(select(EnterpriseProfile)))


async def test_eligibility_self_assessment_and_filing_make_one_profile_offered_whole_in_heilongjiang(
    service: Interviews, db_engine: AsyncEngine
) -> None:
    await answer_until(service, "hangzhou-eligibility", ELIGIBILITY)
    await finish_miit(service, WHO)
    await answer_until(service, "hangzhou-filing", FILING, stop="providers")

    rows = await profiles(db_engine)
    assert [r.credit_code for r in rows] == [CODE]  # joined when the code came, not a second profile
    data: dict[str, Any] = rows[0].data
    assert data["company_name"]["value"] == COMPANY and data["self_test_level"]["value"] == "level4"
    assert data["revenue_2023"]["value"] == "3000" and data["legal_rep"]["value"] == "张三"

    opened = await service.open(WHO, "heilongjiang-benchmark")
    form = opened.form
    offered = opened.state.suggestions
    expected = []
    for item in form.items:
        stored = data.get(item.profile or "")
        if stored is None:
            continue
        try:
            answer_from_value(item, stored["value"], TODAY)
        except AnswerError:
            continue  # a landline item is not offered the mobile number
        expected.append(item.id)
    assert {"applicant", "address", "legal_rep", "contact_name", "contact_mobile", "employees",
            "revenue_2023"} <= set(expected)
    assert sorted(offered) == sorted(expected)
    assert offered["address"].value == "杭州市滨江区江南大道1号" and offered["revenue_2023"].value == "3000"
    assert "contact_phone" not in offered  # 13812345678 is no landline

    # Heilongjiang's answers go to the same enterprise: still one profile
    for event in (UseSuggestion(), Text("黑龙江省工业和信息化厅"), Text("2024-06-01"), UseSuggestion()):
        step = await service.apply(opened.session_id, event, actor=WHO)
        assert step.error is None, step.error
    assert [r.credit_code for r in await profiles(db_engine)] == [CODE]


async def submit(service: Interviews, form_id: str) -> None:
    current = await service.current(WHO)
    assert current is not None and current.form.id == form_id and current.state.cursor is None
    await service.apply(current.session_id, Submit(), actor=WHO)
    assert (await service.apply(current.session_id, Submit(confirmed=True), actor=WHO)).state.submitted


async def test_another_enterprise_named_without_a_code_is_kept_apart(service: Interviews,
                                                                     db_engine: AsyncEngine) -> None:
    """A person speaking of a second company in a form without the code (an eligibility check for another
    enterprise) does not overwrite the first one's profile: a company none of their profiles names is a new,
    not yet identified enterprise."""
    await answer_until(service, "hangzhou-eligibility", ELIGIBILITY)
    await submit(service, "hangzhou-eligibility")
    await answer_until(service, "hangzhou-filing", {**FILING, "self_test_level": "2"}, stop="providers")
    await answer_until(service, "hangzhou-eligibility",
                       {**ELIGIBILITY, "company_name": "乙公司", "employees": "12", "revenue_2023": "200"})
    rows = {r.credit_code: r.data for r in await profiles(db_engine)}
    assert sorted(rows) == ["", CODE]
    assert rows[CODE]["company_name"]["value"] == COMPANY and rows[CODE]["employees"]["value"] == "180"
    assert rows[""]["company_name"]["value"] == "乙公司" and rows[""]["employees"]["value"] == "12"
