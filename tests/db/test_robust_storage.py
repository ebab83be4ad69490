"""Issue 11 in storage: guessing counted before checking, a code moves a session once, erasure leaves nothing in
the database files, private file modes, stored text any backend and document takes."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import AnswerRow, InterviewSession, ResumeCode, StaffMember
from bot.interview.engine import Back, Edit, Text
from bot.interview.schema import Form
from bot.service import reports
from bot.service.helpdesk import FREE_ATTEMPTS, Helpdesk, SlowDown, new_code
from bot.service.sessions import Interviews
from tests.staff import STAFF, Clock

MARKER = "ZQXJ Marker Trading Co"
MARKER_ZH = "独一无二标记测试有限公司"


async def test_concurrent_guesses_from_two_workers_are_counted_before_they_are_checked(
        desk: Helpdesk, db_engine: AsyncEngine, forms: dict[str, Form]) -> None:
    other = Helpdesk(Interviews(sessionmaker(db_engine), forms), frozenset({STAFF}), clock=desk.clock)
    outcomes = await asyncio.gather(*[(desk if n % 2 else other).session_of_code(new_code(), "tg:66")
                                      for n in range(60)], return_exceptions=True)
    evaluated = [o for o in outcomes if isinstance(o, LookupError)]
    slowed = [o for o in outcomes if isinstance(o, SlowDown)]
    assert len(evaluated) + len(slowed) == 60
    assert len(evaluated) <= FREE_ATTEMPTS  # the rest found the wait already set
    clock = desk.clock
    assert isinstance(clock, Clock)
    for _ in range(200):  # a patient guesser: the wait stays bounded
        clock.now += 10_000
        with pytest.raises(LookupError):
            await desk.session_of_code(new_code(), "tg:66")
    with pytest.raises(SlowDown) as slow:
        await desk.session_of_code(new_code(), "tg:66")
    assert slow.value.wait <= 3600
    await other.interviews.close()


async def test_a_code_moves_a_session_once(desk: Helpdesk) -> None:
    opened = await desk.interviews.open("tg:1", "miit-2022")
    code = await desk.issue_code(opened.session_id, "tg:1")
    first, second = await asyncio.gather(desk.redeem(code, "tg:2"), desk.redeem(code, "tg:3"),
                                         return_exceptions=True)
    moved = [r for r in (first, second) if isinstance(r, tuple)]
    assert len(moved) == 1 and sum(isinstance(r, LookupError) for r in (first, second)) == 1
    winner = "tg:2" if first == moved[0] else "tg:3"
    assert (await desk.interviews.holder(opened.session_id))[0] == winner
    with pytest.raises(LookupError):
        await desk.redeem(code, "tg:4")
    [away] = await desk.moved_away("tg:1")
    assert (away.session_id, away.to) == (opened.session_id, winner)


async def test_a_nul_in_the_other_text_is_stored_on_every_backend(desk: Helpdesk, forms: dict[str, Form]) -> None:
    form = forms["hangzhou-filing"]
    item = next(i for i in form.items if getattr(i, "options", None) and any(o.other for o in i.options))
    opened = await desk.interviews.open("tg:20", "hangzhou-filing")
    await desk.interviews.apply(opened.session_id, Edit(item.id), actor="tg:20")
    other = next(n for n, o in enumerate(item.options, 1) if o.other)  # type: ignore[attr-defined]
    step = await desk.interviews.apply(opened.session_id, Text(str(other)), actor="tg:20")
    assert step.error is None and step.state.asking_other
    step = await desk.interviews.apply(opened.session_id, Text("自研\x00系统\x01"), actor="tg:20")
    assert step.error is None
    assert step.state.answers[item.id].extra == "自研系统"


async def test_an_erased_staff_member_keeps_no_rights_and_no_rows(desk: Helpdesk, db_engine: AsyncEngine) -> None:
    await desk.add_staff(STAFF, "tg:31")
    assert await desk.is_staff("tg:31")
    owner = await desk.interviews.open("tg:30", "miit-2022")
    await desk.take(owner.session_id, "tg:31")
    await desk.issue_code(owner.session_id, "tg:31")
    await desk.add_staff("tg:31", "tg:32")
    await desk.forget_person("tg:31")
    assert not await desk.is_staff("tg:31")
    async with sessionmaker(db_engine)() as s:
        assert await s.get(StaffMember, "tg:31") is None
        assert (await s.get(StaffMember, "tg:32")).added_by is None  # type: ignore[union-attr]
        assert await s.scalar(select(InterviewSession.held_by)) is None
        assert list(await s.scalars(select(ResumeCode))) == []


@pytest.fixture
async def sqlite_file(tmp_path: Path) -> AsyncIterator[tuple[AsyncEngine, Path]]:
    path = tmp_path / "data" / "bot.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade(engine)
    yield engine, path
    await engine.dispose()


def raw_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name))


async def test_erasure_leaves_nothing_in_the_database_files_while_the_service_runs(
        sqlite_file: tuple[AsyncEngine, Path], forms: dict[str, Form]) -> None:
    engine, path = sqlite_file
    interviews = Interviews(sessionmaker(engine), forms)
    desk = Helpdesk(interviews, frozenset({STAFF}))
    opened = await interviews.open("tg:40", "hangzhou-filing")
    for name in (MARKER + " draft", MARKER_ZH + "草稿"):  # earlier versions of the answer too
        await interviews.apply(opened.session_id, Text(name), actor="tg:40")
        await interviews.apply(opened.session_id, Back(), actor="tg:40")
    await interviews.apply(opened.session_id, Text(MARKER + " " + MARKER_ZH), actor="tg:40")
    await interviews.apply(opened.session_id, Text("91330100716105852F"), actor="tg:40")
    keeper = await interviews.open("tg:41", "hangzhou-filing")
    await interviews.apply(keeper.session_id, Text("Another Company Ltd"), actor="tg:41")
    before = raw_bytes(path)
    assert MARKER.encode() in before or MARKER.encode("unicode_escape") in before  # the test can see it

    assert await desk.forget_person("tg:40") == 1
    after = raw_bytes(path)
    for needle in (MARKER.encode(), MARKER_ZH.encode(), MARKER_ZH.encode("unicode_escape"),
                   MARKER_ZH.encode("unicode_escape").replace(b"\\u", b"\\\\u"), b"91330100716105852F"):
        assert needle not in after, needle
    assert b"Another Company Ltd" in after  # the others' data is untouched
    async with sessionmaker(engine)() as s:
        assert await s.scalar(select(AnswerRow).where(AnswerRow.session_id == opened.session_id)) is None
    await interviews.close()


async def test_database_files_are_private(sqlite_file: tuple[AsyncEngine, Path], forms: dict[str, Form]) -> None:
    engine, path = sqlite_file
    interviews = Interviews(sessionmaker(engine), forms)
    opened = await interviews.open("tg:50", "miit-2022")
    await interviews.apply(opened.session_id, Text("2"), actor="tg:50")
    modes = {p.name: stat.S_IMODE(os.stat(p).st_mode) for p in path.parent.iterdir()}
    assert modes and all(mode == 0o600 for mode in modes.values()), modes
    assert {"bot.sqlite3", "bot.sqlite3-wal", "bot.sqlite3-shm"} <= set(modes)
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    await interviews.close()


async def test_one_document_that_fails_does_not_cost_the_others(
        sqlite_file: tuple[AsyncEngine, Path], forms: dict[str, Form], monkeypatch: pytest.MonkeyPatch) -> None:
    engine, _ = sqlite_file
    interviews = Interviews(sessionmaker(engine), forms)
    opened = await interviews.open("tg:60", "heilongjiang-benchmark")
    await interviews.apply(opened.session_id, Text("哈尔滨测试有限公司"), actor="tg:60")
    async with sessionmaker(engine).begin() as s:  # an answer stored before the boundary: with a control char
        row = await s.scalar(select(AnswerRow).where(AnswerRow.session_id == opened.session_id))
        assert row is not None
        row.value = "哈尔滨\x01测试有限公司"
        session = await s.get(InterviewSession, opened.session_id)
        assert session is not None
        session.status = "submitted"
    files = await reports.session_reports(sessionmaker(engine), forms, opened.session_id, lang="zh")
    assert sorted(f.name.rsplit(".", 1)[1] for f in files) == ["docx", "pdf"]  # the control char costs nothing

    def broken(*_: object, **__: object) -> bytes:
        raise RuntimeError("the PDF renderer failed")

    monkeypatch.setattr(reports, "render_pdf", broken)
    files = await reports.session_reports(sessionmaker(engine), forms, opened.session_id, lang="zh")
    assert [f.name.rsplit(".", 1)[1] for f in files] == ["docx"]
    await interviews.close()
