"""The desk's queue on a busy database: how long the queue page's reads take.

    .venv/bin/python benchmarks/desk_queue.py [--sessions 5000] [--filings 1000] [--runs 20]

Seeds a SQLite file with --sessions eligibility checks in progress (a tenth of them asking for help) and --filings
submitted filings spread over the 13 districts, then times, median and p90 over --runs after a warm-up: the
helpdesk's queue (three lists of up to 50), the queue filtered by a district, a district officer's filings, a
search by company name, and one session's audit trail — beside a baseline in the same run (one indexed read of
one session's row), so a slow machine shows in the baseline rather than as a regression.  Goal: every queue read
under 300 ms median at 5,000 sessions (the page refreshes itself on every push).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from bot.db.engine import create_engine, sessionmaker  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import AnswerRow, InterviewSession, User  # noqa: E402
from bot.interview.loader import load_forms  # noqa: E402
from bot.service.desk import Desk, Filters, district_item  # noqa: E402
from bot.service.helpdesk import Helpdesk  # noqa: E402
from bot.service.sessions import Interviews  # noqa: E402
from bot.service.staff import StaffAccounts  # noqa: E402
from tests.rendering.fixtures import filing_answers  # noqa: E402

GOAL_MS = 300.0


async def seed(interviews: Interviews, sessions: int, filings: int) -> None:
    forms = interviews.forms
    filing_form = forms["hangzhou-filing"]
    districts = [o.id for o in district_item(filing_form).options]  # type: ignore[union-attr]
    filed = filing_answers(filing_form)
    now = datetime.now(UTC)
    async with interviews.sessionmaker.begin() as s:
        await s.execute(insert(User), [{"external_id": f"web:{n}", "created_at": now}
                                       for n in range(sessions + filings)])
        users = list(await s.scalars(select(User.id).order_by(User.id)))
        rows: list[dict[str, Any]] = []
        for n in range(sessions):
            rows.append({"owner_id": users[n], "form_id": "hangzhou-eligibility", "form_version": 1,
                         "status": "active", "state": {"cursor": "industry"}, "version": 1,
                         "help_asked_at": now - timedelta(minutes=n % 50) if n % 10 == 0 else None,
                         "created_at": now, "updated_at": now - timedelta(seconds=n)})
        for n in range(filings):
            rows.append({"owner_id": users[sessions + n], "form_id": "hangzhou-filing", "form_version": 1,
                         "status": "submitted", "state": {"cursor": None, "submitted": True}, "version": 1,
                         "created_at": now, "updated_at": now - timedelta(seconds=n),
                         "submitted_at": now - timedelta(seconds=n)})
        await s.execute(insert(InterviewSession), rows)
        ids = list(await s.scalars(select(InterviewSession.id).order_by(InterviewSession.id)))
        answers: list[dict[str, Any]] = []
        for n, session_id in enumerate(ids[:sessions]):
            answers += [{"session_id": session_id, "item_id": "registered_in_hangzhou", "value": True},
                        {"session_id": session_id, "item_id": "company_name", "value": f"杭州示例{n}号科技有限公司"}]
        for n, session_id in enumerate(ids[sessions:]):
            for item_id, answer in filed.items():
                value = districts[n % len(districts)] if item_id == "district" else answer.value
                answers.append({"session_id": session_id, "item_id": item_id, "value": value, "extra": answer.extra})
        for start in range(0, len(answers), 5000):
            await s.execute(insert(AnswerRow), answers[start:start + 5000])


async def timed(work: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    await work()  # warm-up
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        await work()
        out.append((time.perf_counter() - start) * 1000)
    return out


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
        await upgrade(engine)
        interviews = Interviews(sessionmaker(engine), load_forms())
        helpdesk = Helpdesk(interviews)
        accounts = StaffAccounts(interviews.sessionmaker, helpdesk)
        desk = Desk(interviews, helpdesk, accounts)
        started = time.perf_counter()
        await seed(interviews, args.sessions, args.filings)
        print(f"seeded {args.sessions} sessions in progress and {args.filings} submitted filings in "
              f"{time.perf_counter() - started:.1f} s")
        helper, _ = await accounts.add("王芳", "helpdesk")
        officer, _ = await accounts.add("李强", "officer", ["滨江区"])

        async def baseline() -> object:
            async with interviews.sessionmaker() as s:
                return await s.scalar(select(InterviewSession.version).where(InterviewSession.id == 1))

        cases: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            ("baseline: one session's row", baseline),
            ("helpdesk queue", lambda: desk.queue(helper, Filters())),
            ("queue, district 滨江区", lambda: desk.queue(helper, Filters(district="滨江区"))),
            ("officer's filings", lambda: desk.queue(officer, Filters())),
            ("search by company", lambda: desk.queue(helper, Filters(query="示例12号"))),
            ("one session's trail", lambda: desk.trail(args.sessions + 1)),
        ]
        base = 0.0
        print(f"{'read':30} {'median ms':>10} {'p90 ms':>10} {'× baseline':>11}")
        for name, work in cases:
            times = sorted(await timed(work, args.runs))
            median, p90 = statistics.median(times), times[int(len(times) * 0.9) - 1 if len(times) > 1 else 0]
            base = base or median
            print(f"{name:30} {median:10.1f} {p90:10.1f} {median / base:11.1f}")
        print(f"goal: every queue read under {GOAL_MS:.0f} ms median")
        await interviews.close()
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=5000)
    parser.add_argument("--filings", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    asyncio.run(main(parser.parse_args()))
