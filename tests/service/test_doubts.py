"""A likely slip asked once is remembered by the database, not by one process: the same answer typed again is
taken after a restart or on another worker (issue 23, item 7)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import sessionmaker
from bot.interview.answer import Answer
from bot.interview.engine import Text
from bot.interview.schema import Form
from bot.service.sessions import Interviews


async def test_the_same_answer_again_is_taken_after_a_restart(db_engine: AsyncEngine,
                                                              forms: dict[str, Form]) -> None:
    first = Interviews(sessionmaker(db_engine), forms)
    opened = await first.open("tg:7", "hangzhou-eligibility")
    for typed in ("1", "示例公司", "1", "180"):
        step = await first.apply(opened.session_id, Text(typed), actor="tg:7")
        assert step.error is None, step.error
    doubted = await first.apply(opened.session_id, Text("86000000"), actor="tg:7")
    assert doubted.error is not None and doubted.error.code == "implausible_amount"
    assert "revenue_2023" not in doubted.state.answers
    await first.close()

    second = Interviews(sessionmaker(db_engine), forms)  # a restart, or another worker
    step = await second.apply(opened.session_id, Text("86000000"), actor="tg:7")
    assert step.error is None and step.state.answers["revenue_2023"] == Answer("86000000")
    await second.close()
