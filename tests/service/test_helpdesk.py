"""Helpdesk rules: codes, staff only, one editor at a time, reopening, erasing a person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import sessionmaker
from bot.db.models import AnswerRow, AuditEvent, CodeGuess, InterviewSession, ResumeCode, User
from bot.interview.engine import Submit, Text
from bot.interview.schema import Form
from bot.service.helpdesk import CODE_LENGTH, Helpdesk, NotAllowed, SlowDown, code_hash, mask_phone, new_code
from bot.service.sessions import Interviews
from tests.staff import STAFF, Clock


def test_codes_are_long_random_and_readable() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == CODE_LENGTH and not set(c) & set("01OILU") for c in codes)
    assert 30 ** CODE_LENGTH > 2 ** 80
    assert mask_phone("13912345678") == "139****5678"


async def test_code_moves_the_session_to_another_account_and_is_stored_hashed(desk: Helpdesk,
                                                                             db_engine: AsyncEngine) -> None:
    opened = await desk.interviews.open("tg:1", "miit-2022")
    await desk.interviews.apply(opened.session_id, Text("2"), actor="tg:1")
    code = await desk.issue_code(opened.session_id, "tg:1")
    async with sessionmaker(db_engine)() as s:
        stored = list(await s.scalars(select(ResumeCode.code_hash)))
    assert stored == [code_hash(code)] and code not in stored[0]
    session_id, how = await desk.redeem(code.lower(), "tg:2")  # the same person, a new phone
    assert (session_id, how) == (opened.session_id, "moved")
    current = await desk.interviews.current("tg:2")
    assert current is not None and current.state.cursor == "q2"
    step = await desk.interviews.apply(opened.session_id, Text("1"), actor="tg:1")  # the old account
    assert step.error is not None and step.error.code == "not_your_session"


async def test_expired_and_revoked_codes_fail_and_guessing_slows_down(desk: Helpdesk) -> None:
    opened = await desk.interviews.open("tg:3", "miit-2022")
    old = await desk.issue_code(opened.session_id, "tg:3", ttl=timedelta(seconds=-1))
    with pytest.raises(LookupError):
        await desk.session_of_code(old, "tg:4")
    revoked = await desk.issue_code(opened.session_id, "tg:3")
    assert await desk.revoke_codes(opened.session_id, "tg:3") == 2  # the expired one too
    with pytest.raises(LookupError):
        await desk.session_of_code(revoked, "tg:4")
    for _ in range(3):
        with pytest.raises(LookupError):
            await desk.session_of_code(new_code(), "tg:4")
    with pytest.raises(SlowDown):  # the fifth failure set a wait
        await desk.session_of_code(new_code(), "tg:4")
    clock = desk.clock
    assert isinstance(clock, Clock)
    clock.now += 1.5
    with pytest.raises(LookupError):
        await desk.session_of_code(new_code(), "tg:4")
    with pytest.raises(SlowDown) as slow:
        await desk.session_of_code(new_code(), "tg:4")
    assert slow.value.wait > 1.5  # each failure doubles the wait


async def test_the_guessing_limit_is_shared_by_workers_and_survives_a_restart(desk: Helpdesk, db_engine: AsyncEngine,
                                                                               forms: dict[str, Form]) -> None:
    clock = desk.clock
    assert isinstance(clock, Clock)
    other_worker = Helpdesk(Interviews(sessionmaker(db_engine), forms), frozenset({STAFF}), clock=clock)
    for n in range(5):  # spread over two workers: the count is one
        with pytest.raises(LookupError):
            await (desk if n % 2 else other_worker).session_of_code(new_code(), "tg:5")
    restarted = Helpdesk(Interviews(sessionmaker(db_engine), forms), frozenset({STAFF}), clock=clock)
    with pytest.raises(SlowDown):
        await restarted.session_of_code(new_code(), "tg:5")
    clock.now += 1.5
    opened = await desk.interviews.open("tg:6", "miit-2022")
    good = await desk.issue_code(opened.session_id, "tg:6")
    assert await restarted.session_of_code(good, "tg:5") == opened.session_id  # not counted, and clears nothing
    with pytest.raises(LookupError):  # the sixth wrong code: counted, and its wait set
        await desk.session_of_code(new_code(), "tg:5")
    with pytest.raises(SlowDown):
        await desk.session_of_code(new_code(), "tg:5")
    await desk.forget_person("tg:5")  # they never had an interview: their wrong-code count goes all the same
    async with sessionmaker(db_engine)() as s:
        assert await s.get(CodeGuess, "tg:5") is None
    await other_worker.interviews.close()
    await restarted.interviews.close()


async def test_a_valid_code_does_not_forgive_the_wrong_ones_before_it(desk: Helpdesk) -> None:
    """4 wrong codes, then one's own valid code, then wrong ones again, round after round: the fifth wrong code
    sets the wait, as if the valid codes had not been typed (issue 22: they used to reset the count)."""
    opened = await desk.interviews.open("tg:40", "miit-2022")
    wrong = 0
    with pytest.raises(SlowDown):
        for _ in range(4):
            for _ in range(4):
                with pytest.raises(LookupError):
                    await desk.session_of_code(new_code(), "tg:40")
                wrong += 1
            own = await desk.issue_code(opened.session_id, "tg:40")
            assert await desk.redeem(own, "tg:40") == (opened.session_id, "moved")
    assert wrong == 5  # the wait came at the sixth wrong code, not after sixteen
    clock = desk.clock
    assert isinstance(clock, Clock)
    clock.now += 1.5  # once the wait has run out, a valid code still works, and is not counted itself
    own = await desk.issue_code(opened.session_id, "tg:40")
    assert await desk.session_of_code(own, "tg:40") == opened.session_id
    with pytest.raises(LookupError):
        await desk.session_of_code(new_code(), "tg:40")
    with pytest.raises(SlowDown) as slow:
        await desk.session_of_code(new_code(), "tg:40")
    assert 1.5 < slow.value.wait <= 2.0  # the sixth wrong code doubled the wait


async def test_wrong_codes_are_forgotten_a_day_after_the_last_one(desk: Helpdesk, db_engine: AsyncEngine) -> None:
    """Each distinct wrong code leaves a row; a day after its last attempt (and with no wait running) it goes, so
    the table does not keep every code ever typed, and an old count no longer slows a person down."""
    from sqlalchemy import func, select

    from bot.service.helpdesk import FREE_ATTEMPTS, GUESS_MEMORY

    clock = desk.clock
    assert isinstance(clock, Clock)

    async def rows() -> int:
        async with sessionmaker(db_engine)() as s:
            return int(await s.scalar(select(func.count()).select_from(CodeGuess)) or 0)

    for _ in range(FREE_ATTEMPTS - 1):
        with pytest.raises(LookupError):
            await desk.session_of_code(new_code(), "tg:30")
    assert await rows() == FREE_ATTEMPTS  # the person's count and one per code typed
    clock.now += GUESS_MEMORY / 2
    with pytest.raises(LookupError):  # the fifth: a wait starts
        await desk.session_of_code(new_code(), "tg:30")
    clock.now += GUESS_MEMORY / 2 + 1  # a day after the first four, half a day after the fifth
    with pytest.raises(LookupError):
        await desk.session_of_code(new_code(), "tg:31")  # someone else: the first four codes' rows go
    assert await rows() == 4  # tg:30, the fifth code, tg:31 and its code
    clock.now += GUESS_MEMORY
    with pytest.raises(LookupError):  # a day later tg:30 is counted afresh: one wrong code, no wait
        await desk.session_of_code(new_code(), "tg:30")
    async with sessionmaker(db_engine)() as s:
        again = await s.get(CodeGuess, "tg:30")
    assert again is not None and again.failures == 1 and again.not_before == 0


async def test_staff_take_answer_hand_back_and_the_owner_is_locked_out_meanwhile(desk: Helpdesk,
                                                                                db_engine: AsyncEngine) -> None:
    opened = await desk.interviews.open("tg:5", "miit-2022")
    await desk.interviews.apply(opened.session_id, Text("2"), actor="tg:5")
    with pytest.raises(NotAllowed):
        await desk.take(opened.session_id, "tg:6")  # not staff
    assert await desk.take(opened.session_id, STAFF) == "tg:5"
    held = await desk.interviews.apply(opened.session_id, Text("3"), actor="tg:5")
    assert held.error is not None and held.error.code == "held_by_staff"
    by_staff = await desk.interviews.apply(opened.session_id, Text("20%"), actor=STAFF)
    assert by_staff.error is None
    assert await desk.handback(opened.session_id, STAFF) == "tg:5"
    assert (await desk.interviews.apply(opened.session_id, Text("1"), actor="tg:5")).error is None
    async with sessionmaker(db_engine)() as s:
        rows = {a.item_id: a.by_staff for a in await s.scalars(select(AnswerRow))}
        kinds = [e.kind for e in await s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert rows == {"q1": False, "q2": True, "q3": False}
    assert kinds == ["start", "answer", "take", "answer", "handback", "answer"]


async def test_find_by_company_credit_code_phone_or_code_is_staff_only(desk: Helpdesk) -> None:
    opened = await desk.interviews.open("tg:7", "hangzhou-eligibility")
    for text in ("是", "杭州示例精密机械有限公司"):
        assert (await desk.interviews.apply(opened.session_id, Text(text), actor="tg:7")).error is None
    with pytest.raises(NotAllowed):
        await desk.find("tg:7", "示例")
    found = await desk.find(STAFF, "示例精密")
    assert [f.session_id for f in found] == [opened.session_id] and found[0].company.startswith("杭州示例")
    code = await desk.issue_code(opened.session_id, "tg:7")
    assert [f.session_id for f in await desk.find(STAFF, code)] == [opened.session_id]
    assert await desk.find(STAFF, "不存在的公司") == []


async def test_reopen_a_submitted_session_with_a_reason(desk: Helpdesk) -> None:
    opened = await desk.interviews.open("tg:8", "hangzhou-eligibility")
    for text in ("是", "乙公司", "1", "50", "800", "3", "否"):
        step = await desk.interviews.apply(opened.session_id, Text(text), actor="tg:8")
        assert step.error is None, (text, step.error)
    asked = await desk.interviews.apply(opened.session_id, Submit(), actor="tg:8")
    assert asked.state.confirming and not asked.state.submitted  # the first submit asks once more
    assert (await desk.interviews.apply(opened.session_id, Submit(confirmed=True), actor="tg:8")).state.submitted
    with pytest.raises(NotAllowed):
        await desk.reopen(opened.session_id, "tg:8", "改一下")
    await desk.reopen(opened.session_id, STAFF, "员工数填错")
    again = await desk.interviews.current("tg:8")
    assert again is not None and not again.state.submitted


async def test_forgetting_a_person_erases_everything(desk: Helpdesk, db_engine: AsyncEngine) -> None:
    opened = await desk.interviews.open("tg:10", "miit-2022")
    await desk.interviews.apply(opened.session_id, Text("2"), actor="tg:10")
    await desk.issue_code(opened.session_id, "tg:10")
    other = await desk.interviews.open("tg:11", "miit-2022")
    await desk.interviews.apply(other.session_id, Text("1"), actor="tg:11")
    assert await desk.forget_person("tg:10") == 1
    async with sessionmaker(db_engine)() as s:
        assert await s.scalar(select(func.count()).select_from(InterviewSession)) == 1
        assert await s.scalar(select(func.count()).select_from(ResumeCode)) == 0
        assert await s.scalar(select(func.count()).select_from(AnswerRow)) == 1
        assert await s.scalar(select(User).where(User.external_id == "tg:10")) is None
    assert await desk.interviews.current("tg:10") is None


async def test_a_forgotten_person_who_comes_back_is_a_new_account(desk: Helpdesk, db_engine: AsyncEngine) -> None:
    """The service caches who a person is and their language; erasing them must drop that too."""
    await desk.interviews.set_lang("tg:12", "en")
    first = await desk.interviews.open("tg:12", "miit-2022")
    await desk.interviews.apply(first.session_id, Text("2"), actor="tg:12")
    await desk.forget_person("tg:12")
    assert await desk.interviews.lang_of("tg:12") is None
    again = await desk.interviews.open("tg:12", "miit-2022")
    await desk.interviews.apply(again.session_id, Text("1"), actor="tg:12")
    async with sessionmaker(db_engine)() as s:
        user = await s.scalar(select(User).where(User.external_id == "tg:12"))
        assert user is not None
        answered_by = await s.scalar(select(AnswerRow.answered_by).where(AnswerRow.session_id == again.session_id))
    assert answered_by == user.id
