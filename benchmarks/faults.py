"""The long fault runs: hundreds of people answering the MIIT self-assessment through real bot processes while
they are killed with -9 (20 times by default), every update is delivered twice (the copy up to 1.5 s later),
webhook workers take updates round-robin and the database goes away for a few seconds; a person who typed an
answer and sees the bot restarted with the question still open types it again.  Prints one row per run: answers
sent and acknowledged, kills, outages, webhook posts, the five counts that must stay 0 (acknowledged answers
lost, applied twice, applied to the wrong item — a repeat stored on the next question is one —, people left
without a reply, copies of a chat's screen past one per restart), and how many answers were typed again.  The
short versions of these runs are tests/faults/test_faults.py.

    python benchmarks/faults.py [--people 200] [--answers 8] [--kills 20] [--outage 5] [--runs ...]

PostgreSQL runs need TEST_DATABASE_URL (a server where a database and a role may be created; both are dropped
after the run).  Runs: sqlite-polling, pg-polling, pg-webhook-2, pg-webhook-3.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "faults"))
from harness import Config, Outcome, run

RUNS = {
    "sqlite-polling": ("sqlite", "polling", 1),
    "pg-polling": ("postgresql", "polling", 1),
    "pg-webhook-2": ("postgresql", "webhook", 2),
    "pg-webhook-3": ("postgresql", "webhook", 3),
}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--answers", type=int, default=8, help="items each person answers (at most 21)")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--outage", type=float, default=5.0, help="seconds of database outage (PostgreSQL runs)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", nargs="+", choices=list(RUNS), default=list(RUNS))
    args = parser.parse_args()
    runs = [r for r in args.runs if RUNS[r][0] == "sqlite" or os.environ.get("TEST_DATABASE_URL")]
    skipped = sorted(set(args.runs) - set(runs))
    if skipped:
        print(f"without TEST_DATABASE_URL, not run: {', '.join(skipped)}")
    print(Outcome.header())
    failures = 0
    for name in runs:
        backend, mode, workers = RUNS[name]
        config = Config(backend=backend, mode=mode, workers=workers, people=args.people, answers=args.answers,
                        kills=args.kills, outage=args.outage if backend == "postgresql" else 0.0,
                        reply_timeout=90.0, seed=args.seed)
        workdir = Path(tempfile.mkdtemp(prefix="faults-"))
        outcome = await run(config, workdir)
        print(outcome.row(), flush=True)
        if outcome.failures:
            print(f"  the bots' logs are kept in {workdir}")
        else:
            shutil.rmtree(workdir)
        failures += outcome.failures
    print(f"lost + twice + wrong item + no reply + extra copies, all runs: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
