"""One enterprise profile per person and credit code: what was said once is offered later, never assumed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import sessionmaker
from bot.db.models import EnterpriseProfile
from bot.interview.answer import Answer
from bot.interview.engine import Pick, Question, Skip, Submit, Text, UseSuggestion, screen
from bot.interview.loader import parse_form
from bot.interview.schema import Form
from bot.interview.validators import credit_code_check_char
from bot.service.sessions import Interviews
from tests.scoring.miit_answers import extreme_answers

CHECK = """
id: check
version: 1
title: 资格自测
items:
  - {id: name, type: text, text: 企业名称, profile: company_name}
  - {id: staff, type: integer, text: 职工数, profile: employees, min: 0}
"""
FILING = """
id: filing
version: 1
title: 备案
items:
  - {id: company, type: text, text: 企业名称, profile: company_name}
  - {id: code, type: credit_code, text: 统一社会信用代码, profile: credit_code}
  - {id: headcount, type: integer, text: 在职职工数, profile: employees, min: 0}
  - {id: level, type: single, text: 自测等级, profile: self_test_level,
     options: [{id: level0, label: 1级以下}, {id: level1, label: 1级}, {id: level2, label: 2级},
               {id: level3, label: 3级}, {id: level4, label: 4级}]}
"""
CODE_A = "91330108MA27XK4L4" + credit_code_check_char("91330108MA27XK4L4")


@pytest.fixture
async def service(db_engine: AsyncEngine, forms: dict[str, Form]) -> AsyncIterator[Interviews]:
    extra = {f.id: f for f in (parse_form(CHECK, "check.yaml"), parse_form(FILING, "filing.yaml"))}
    service = Interviews(sessionmaker(db_engine), {**forms, **extra})
    yield service
    await service.close()


async def test_answers_are_offered_in_the_next_interview_and_must_be_confirmed(service: Interviews) -> None:
    first = await service.open("tg:1", "check")
    await service.apply(first.session_id, Text("杭州示例科技有限公司"), actor="tg:1")
    await service.apply(first.session_id, Text("120"), actor="tg:1")

    second = await service.open("tg:1", "filing")
    assert second.state.suggestions["company"] == Answer("杭州示例科技有限公司")
    assert second.state.suggestions["headcount"] == Answer("120")
    assert "company" not in second.state.answers  # offered, not silently reused
    scr = screen(second.form, second.state, second.today)
    assert isinstance(scr, Question) and scr.suggestion == Answer("杭州示例科技有限公司")
    step = await service.apply(second.session_id, UseSuggestion(), actor="tg:1")
    assert step.state.answers["company"] == Answer("杭州示例科技有限公司")


async def test_another_person_gets_no_suggestions(service: Interviews) -> None:
    first = await service.open("tg:1", "check")
    await service.apply(first.session_id, Text("甲公司"), actor="tg:1")
    other = await service.open("tg:2", "filing")
    assert other.state.suggestions == {}


async def finish_miit(service: Interviews, who: str) -> None:
    opened = await service.open(who, "miit-2022")
    best = extreme_answers(opened.form, "best")
    state = opened.state
    while state.cursor is not None:
        value = best.get(state.cursor)
        event = Skip() if value is None else Text(" ".join(map(str, value)) if isinstance(value, list) else str(value))
        state = (await service.apply(opened.session_id, event, actor=who)).state
    await service.apply(opened.session_id, Submit(), actor=who)
    assert (await service.apply(opened.session_id, Submit(confirmed=True), actor=who)).state.submitted


async def test_miit_level_fills_the_filing_and_the_profile_follows_the_credit_code(
    service: Interviews, db_engine: AsyncEngine
) -> None:
    await finish_miit(service, "tg:3")
    filing = await service.open("tg:3", "filing")
    assert filing.state.suggestions["level"] == Answer("level4")  # all-best self-assessment: 四级

    for text in ("乙公司", CODE_A, "300"):
        step = await service.apply(filing.session_id, Text(text), actor="tg:3")
        assert step.error is None, step.error
    async with sessionmaker(db_engine)() as s:
        rows = {r.credit_code: r.data for r in await s.scalars(select(EnterpriseProfile))}
    assert rows[CODE_A]["company_name"]["value"] == "乙公司"
    assert rows[CODE_A]["employees"]["value"] == "300"
    assert rows[CODE_A]["credit_code"]["value"] == CODE_A


async def test_a_known_credit_code_brings_back_that_enterprise(service: Interviews) -> None:
    first = await service.open("tg:5", "filing")
    for text in ("丙公司", CODE_A, "42"):
        await service.apply(first.session_id, Text(text), actor="tg:5")
    await service.apply(first.session_id, Pick("level1"), actor="tg:5")
    await service.apply(first.session_id, Submit(), actor="tg:5")
    assert (await service.apply(first.session_id, Submit(confirmed=True), actor="tg:5")).state.submitted
    # another enterprise in between becomes the latest profile
    other = await service.open("tg:5", "check")
    await service.apply(other.session_id, Text("丁公司"), actor="tg:5")
    await service.apply(other.session_id, Text("7"), actor="tg:5")
    second = await service.open("tg:5", "filing")
    assert second.state.suggestions["headcount"] == Answer("7")
    await service.apply(second.session_id, Text("丙公司"), actor="tg:5")
    step = await service.apply(second.session_id, Text(CODE_A), actor="tg:5")
    # typing the first enterprise's code offers its own headcount again
    assert step.state.suggestions["headcount"] == Answer("42")
