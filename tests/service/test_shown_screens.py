"""Which message shows a session's current screen in a chat (bot/service/shown.py), on SQLite and PostgreSQL: the
first message of a screen key counts, another key replaces it, another process and a restart read the same, and
erasing the person erases it."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import sessionmaker
from bot.interview.schema import Form
from bot.service.helpdesk import Helpdesk
from bot.service.sessions import Interviews
from bot.service.shown import Shown, ShownScreens, typed_before


async def test_the_first_message_of_a_screen_counts_and_every_process_reads_it(
        service: Interviews, db_engine: AsyncEngine, forms: dict[str, Form]) -> None:
    opened = await service.open("tg:42", "miit-2022")
    sid = opened.session_id
    assert await service.shown.get(42, sid) is None
    await service.shown.record(42, sid, "q:q1", 5)
    await service.shown.record(42, sid, "q:q1", 9)  # the same question again (a refusal, a copy)
    assert await service.shown.get(42, sid) == Shown("q:q1", 5)
    # another worker, or this one after a restart: nothing in memory
    other = Interviews(sessionmaker(db_engine), forms)
    try:
        assert await other.shown.get(42, sid) == Shown("q:q1", 5)
        await other.shown.record(42, sid, "q:q1", 11)
        await other.shown.record(42, sid, "q:q2", 12)
        assert await other.shown.get(42, sid) == Shown("q:q2", 12)
        if service.shown.shared:  # PostgreSQL: every worker reads the database
            assert await service.shown.get(42, sid) == Shown("q:q2", 12)
        assert await other.shown.get(43, sid) is None  # another chat (staff looking at the session)
    finally:
        await other.close()


def test_typed_before_the_screen_was_shown() -> None:
    shown = Shown("q:q2", 12)
    assert typed_before(shown, "q:q2", 11)  # typed before Q2's message
    assert not typed_before(shown, "q:q2", 13)
    assert typed_before(shown, "q:q3", 13)  # the session moved on and the chat has not been shown it
    assert not typed_before(None, "q:q2", 1)  # nothing known: not held back


async def test_erasing_a_person_erases_what_their_chat_showed(desk: Helpdesk) -> None:
    interviews = desk.interviews
    opened = await interviews.open("tg:77", "miit-2022")
    await interviews.shown.record(77, opened.session_id, "q:q1", 3)
    assert await desk.forget_person("tg:77") == 1
    fresh = ShownScreens(interviews.sessionmaker, shared=True)
    assert await fresh.get(77, opened.session_id) is None
    assert await interviews.shown.get(77, opened.session_id) is None


async def test_records_of_many_chats_at_once_are_written_together_and_each_is_kept(service: Interviews) -> None:
    opened = await service.open("tg:50", "miit-2022")
    sid = opened.session_id
    await asyncio.gather(*(service.shown.record(1000 + n, sid, f"q:q{n % 3 + 1}", 10 + n) for n in range(40)))
    fresh = ShownScreens(service.sessionmaker, shared=True)
    found = [await fresh.get(1000 + n, sid) for n in range(40)]
    assert found == [Shown(f"q:q{n % 3 + 1}", 10 + n) for n in range(40)]
