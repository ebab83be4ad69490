"""Staff accounts of the desk, on SQLite and PostgreSQL: one-time sign-in links, argon2id passwords, wrong
passwords slowed down per account and per address, sign-in sessions (new at every sign-in, ended by sign-out,
inactivity, the longest day and deactivation), who is staff, what a district officer may see, the audit trail in
words, what staff changed while they held a session, and erasure leaving nothing behind."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import sessionmaker
from bot.db.models import AuditEvent, InterviewSession, PushEvent, StaffAccount, StaffNote
from bot.i18n import Translator
from bot.interview.engine import Pick, Text
from bot.present.trail import change_list, line
from bot.service.desk import Desk, Filters
from bot.service.events import Events, person, session_audience
from bot.service.helpdesk import Helpdesk, SlowDown
from bot.service.reports import export_district
from bot.service.staff import IDLE, LONGEST, StaffAccounts, StaffError, WrongPassword
from tests.desk_seed import BINJIANG_COMPANY, YUHANG_COMPANY, seed_filing
from tests.staff import Clock

ZH = Translator("zh")
PASSWORD = "correct horse battery"


class Now:
    """The accounts' clock, moved by the test."""

    def __init__(self) -> None:
        self.at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def now() -> Now:
    return Now()


@pytest.fixture
def accounts(desk: Helpdesk, now: Now) -> StaffAccounts:
    return StaffAccounts(desk.sessionmaker, desk, clock=now)


async def test_a_sign_in_link_sets_the_password_once_and_expires(accounts: StaffAccounts, now: Now,
                                                                db_engine: AsyncEngine) -> None:
    account, token = await accounts.add("王芳", "helpdesk")
    assert not account.has_password and (await accounts.link_account(token)) == account
    with pytest.raises(StaffError, match="password"):
        await accounts.set_password(token, "short")
    signed = await accounts.set_password(token, PASSWORD)
    assert signed.has_password
    with pytest.raises(StaffError, match="link"):  # used once
        await accounts.set_password(token, PASSWORD + "!")
    async with sessionmaker(db_engine)() as s:
        stored = await s.scalar(select(StaffAccount.password_hash))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    late = await accounts.issue_link(account.id)
    now.at += timedelta(days=3, seconds=1)
    assert await accounts.link_account(late) is None
    with pytest.raises(StaffError, match="link"):
        await accounts.set_password(late, PASSWORD)
    # a newer link replaces an older unused one
    first, second = await accounts.issue_link(account.id), await accounts.issue_link(account.id)
    assert await accounts.link_account(first) is None and await accounts.link_account(second) is not None


async def test_accounts_are_checked_when_made(accounts: StaffAccounts) -> None:
    for name, role, districts, code in (("", "helpdesk", (), "name"), ("a", "boss", (), "role"),
                                        ("b", "officer", (), "districts"), ("c", "helpdesk", ("滨江区",), "districts")):
        with pytest.raises(StaffError, match=code):
            await accounts.add(name, role, districts)
    for wrong in (0, 2**52, 10**19):
        with pytest.raises(StaffError, match="telegram"):
            await accounts.add("d", "helpdesk", telegram_id=wrong)
    await accounts.add("王芳", "helpdesk")
    with pytest.raises(StaffError, match="taken"):
        await accounts.add("王芳", "admin")


async def test_wrong_passwords_slow_down_per_account_and_per_address(accounts: StaffAccounts,
                                                                     desk: Helpdesk) -> None:
    account, token = await accounts.add("王芳", "helpdesk")
    await accounts.set_password(token, PASSWORD)
    for _ in range(4):
        with pytest.raises(WrongPassword):
            await accounts.sign_in("王芳", "wrong password", "10.0.0.1")
    with pytest.raises(WrongPassword):  # the fifth is still checked, and sets a wait
        await accounts.sign_in("王芳", "wrong password", "10.0.0.2")
    with pytest.raises(SlowDown):  # even the right password waits, from another address
        await accounts.sign_in("王芳", PASSWORD, "10.0.0.3")
    clock = desk.clock
    assert isinstance(clock, Clock)
    clock.now += 1.5
    assert (await accounts.sign_in("王芳", PASSWORD, "10.0.0.3")).id == account.id  # and forgets the count
    assert (await accounts.sign_in("王芳", PASSWORD, "10.0.0.3")).id == account.id
    # one address trying many names (unknown ones too) is slowed down as well
    for name in ("张三", "李四", "王五", "赵六", "钱七"):
        with pytest.raises(WrongPassword):
            await accounts.sign_in(name, PASSWORD, "10.0.0.9")
    with pytest.raises(SlowDown):
        await accounts.sign_in("王芳", PASSWORD, "10.0.0.9")


async def test_a_sign_in_is_new_every_time_and_ends(accounts: StaffAccounts, now: Now) -> None:
    account, token = await accounts.add("王芳", "admin")
    await accounts.set_password(token, PASSWORD)
    first, second = await accounts.open_session(account), await accounts.open_session(account)
    assert first != second and (await accounts.session(first)) == (await accounts.session(second))
    await accounts.sign_out(first)
    assert await accounts.session(first) is None and await accounts.session(second) is not None
    now.at += IDLE - timedelta(minutes=1)
    assert await accounts.session(second, touch=False) is not None  # a page refreshing itself is no activity
    now.at += timedelta(minutes=2)
    assert await accounts.session(second) is None  # idle too long
    third = await accounts.open_session(account)
    for _ in range(int(LONGEST / timedelta(hours=1))):  # active all day long: still ends after LONGEST
        assert await accounts.session(third) is not None
        now.at += timedelta(hours=1)
    assert await accounts.session(third) is None
    other, link = await accounts.add("李强", "helpdesk")
    await accounts.set_password(link, PASSWORD)
    signed = await accounts.open_session(other)
    with pytest.raises(StaffError, match="self"):
        await accounts.set_active(account.id, False, by=account)
    await accounts.set_active(other.id, False, by=account)
    assert await accounts.session(signed) is None
    with pytest.raises(WrongPassword):
        await accounts.sign_in("李强", PASSWORD, "10.0.0.1")


async def test_who_is_staff(accounts: StaffAccounts, desk: Helpdesk) -> None:
    helper, _ = await accounts.add("王芳", "helpdesk", telegram_id=7001)
    officer, _ = await accounts.add("李强", "officer", ["滨江区"])
    admin, _ = await accounts.add("赵敏", "admin")
    assert await desk.is_staff(helper.actor) and await desk.is_staff("tg:7001") and await desk.is_staff(admin.actor)
    assert not await desk.is_staff(officer.actor)  # an officer reads filings, helps no one
    assert not await desk.is_staff("desk:999") and not await desk.is_staff("desk:99999999999")
    await accounts.set_active(helper.id, False, by=admin)
    assert not await desk.is_staff(helper.actor) and not await desk.is_staff("tg:7001")


async def test_a_district_officer_sees_only_the_submitted_filings_of_their_districts(
        accounts: StaffAccounts, desk: Helpdesk, db_engine: AsyncEngine) -> None:
    binjiang = await seed_filing(desk.interviews, "web:a", "binjiang")
    yuhang = await seed_filing(desk.interviews, "web:b", "yuhang")
    draft = (await desk.interviews.open("web:c", "hangzhou-filing")).session_id
    officer, _ = await accounts.add("李强", "officer", ["滨江区"])
    helper, _ = await accounts.add("王芳", "helpdesk")
    board = Desk(desk.interviews, desk, accounts)
    assert (await board.entry_for(officer, binjiang)) is not None
    for hidden in (yuhang, draft, 999_999, 0, 2**40):
        assert await board.entry_for(officer, hidden) is None
    assert all([await board.entry_for(helper, i) for i in (binjiang, yuhang, draft)])
    queue = await board.queue(officer, Filters())
    assert [e.session_id for e in queue.submitted] == [binjiang] and not queue.waiting and not queue.active
    assert [e.district for e in queue.submitted] == ["滨江区"]
    found = await board.queue(officer, Filters(query="杭州"))
    assert [e.session_id for e in found.found or []] == [binjiang]
    everything = await board.queue(helper, Filters(district="余杭区"))
    assert [e.session_id for e in everything.submitted] == [yuhang]
    # the workbook of the district, and who saw which filing in it
    seen: list[int] = []
    buffer = io.BytesIO()
    assert await export_district(desk.sessionmaker, desk.interviews.forms, buffer, district="滨江区", seen=seen) == 1
    assert seen == [binjiang]
    await board.record_views(seen, officer, "workbook", district="滨江区")
    sheet = load_workbook(buffer).active
    assert sheet is not None
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert BINJIANG_COMPANY in cells and YUHANG_COMPANY not in cells
    trail = [line(desk.interviews.forms["hangzhou-filing"], e, ZH) for e in await board.trail(binjiang)]
    assert trail[-1] == "李强 导出了滨江区的附件5 备案汇总表（含本问卷）"


async def test_the_trail_names_people_questions_and_options(accounts: StaffAccounts, desk: Helpdesk) -> None:
    helper, _ = await accounts.add("王芳", "helpdesk")
    board = Desk(desk.interviews, desk, accounts)
    opened = await desk.interviews.open("web:p", "hangzhou-eligibility")
    sid = opened.session_id
    await desk.interviews.apply(sid, Pick("yes"), actor="web:p")
    await board.record_view(sid, helper, "page")
    await board.record_view(sid, helper, "page")  # a reload a moment later is not recorded again
    await desk.take(sid, helper.actor)
    await desk.interviews.apply(sid, Text("杭州示例有限公司"), actor=helper.actor)
    await desk.interviews.apply(sid, Pick("telecom_equipment"), actor=helper.actor)
    await desk.interviews.apply(sid, Text("很多"), actor=helper.actor)  # refused: not recorded
    form = desk.interviews.forms["hangzhou-eligibility"]
    changes = await board.staff_changes(sid, helper.actor)
    assert [c[0] for c in changes] == ["company_name", "industry"]
    assert change_list(form, changes, ZH) == "2. 企业名称：杭州示例有限公司；3. 企业所属行业：通信设备制造"
    await desk.handback(sid, helper.actor)
    lines = [line(form, e, ZH) for e in await board.trail(sid)]
    assert lines == ["填报人 开始填写",
                     "填报人 回答了「1. 企业是否在杭州市范围内注册，并具有独立法人资格？」：是",
                     "王芳 查看了本问卷页面",
                     "王芳 接手了问卷",
                     "王芳 回答了「2. 企业名称」：杭州示例有限公司",
                     "王芳 回答了「3. 企业所属行业」：通信设备制造",
                     "王芳 交还了问卷"]
    assert not any("telecom" in text or "desk:" in text for text in lines)
    # taken again: only what changed since then is told
    await desk.take(sid, helper.actor)
    await desk.interviews.apply(sid, Text("120"), actor=helper.actor)
    assert [c[0] for c in await board.staff_changes(sid, helper.actor)] == ["employees"]


async def test_erasing_a_person_leaves_no_note_event_or_link(accounts: StaffAccounts, desk: Helpdesk,
                                                           db_engine: AsyncEngine) -> None:
    helper, _ = await accounts.add("王芳", "helpdesk", telegram_id=7002)
    sid = (await desk.interviews.open("tg:7002", "hangzhou-eligibility")).session_id
    events = Events(desk.sessionmaker)
    await events.publish(person("tg:7002"), "message", {"text": "您好"})
    await events.publish(session_audience(sid), "session", {})
    await accounts.add_note(sid, helper, "电话联系过")
    assert [n.text for n in await accounts.notes(sid)] == ["电话联系过"]
    await desk.forget_person("tg:7002")
    async with sessionmaker(db_engine)() as s:
        for table in (StaffNote, PushEvent, InterviewSession, AuditEvent):
            assert await s.scalar(select(func.count()).select_from(table)) == 0, table
        assert await s.scalar(select(StaffAccount.telegram_id)) is None
