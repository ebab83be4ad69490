"""Submitted filings of two districts for the desk's tests: 滨江区 (tests.rendering.fixtures.filing_answers) and
余杭区 (filing_answers_single), written as a submission leaves them."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db import repo
from bot.db.models import AnswerRow
from bot.interview import engine
from bot.service.sessions import Interviews
from tests.rendering.fixtures import COMPANY, filing_answers, filing_answers_single

#: the company of each seeded filing, by district
BINJIANG_COMPANY = COMPANY
YUHANG_COMPANY = "杭州示例医疗器械有限公司"


async def seed_filing(interviews: Interviews, owner: str, district: str) -> int:
    """A submitted hangzhou-filing of `district` ("binjiang" or "yuhang") owned by `owner`; its session id."""
    form = interviews.forms["hangzhou-filing"]
    answers = dict(filing_answers(form) if district == "binjiang" else filing_answers_single(form))
    assert answers["district"].value == district
    async with interviews.sessionmaker.begin() as s:
        user = await repo.get_or_create_user(s, owner)
        row = await repo.create_session(s, user, form.id, form.version,
                                        engine.State(answers=answers, cursor=None, submitted=True))
        row.status, row.submitted_at = "submitted", datetime.now(UTC)
        for item_id, answer in answers.items():
            s.add(AnswerRow(session_id=row.id, item_id=item_id, value=answer.value, extra=answer.extra))
        return row.id
