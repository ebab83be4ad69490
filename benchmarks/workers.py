"""Answers per second with 1 and 2 webhook workers on one PostgreSQL database, in one run.

Real `python -m bot run` processes in webhook mode; the load generator in this process is the fake Bot API plus
people who answer the MIIT self-assessment (typed numbers and button presses), each waiting for the bot's next
screen and never faster than the bot's rate limit (5 a second per chat); updates are posted to the workers
round-robin, once each.  Printed per configuration: answers acknowledged, the answering time, answers per wall
second, CPU seconds of the bot processes and of the generator, and answers per CPU second (bots alone, and bots
plus generator: on a 2-core machine the generator competes with the workers, so the per-CPU figure is the one
that compares).  The PostgreSQL server's own CPU is not counted.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python benchmarks/workers.py [--people 120]
        [--answers 12] [--rounds 1] [--against REV]

--against REV runs the same configurations on another commit too, taking turns (a temporary git worktree,
benchmarks/checkouts.py): the answers per CPU second of the two compare.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "faults"))
import harness
from checkouts import ROOT, checkout, describe
from harness import Config, Outcome, run


def line(label: str, outcome: Outcome) -> str:
    acked = outcome.total("acknowledged")
    cpu = outcome.bot_cpu + outcome.generator_cpu
    return (f"{label:26} {acked:>6} {outcome.answering:>8.1f} {acked / outcome.answering:>9.1f} "
            f"{outcome.bot_cpu:>8.1f} {outcome.generator_cpu:>8.1f} {acked / max(outcome.bot_cpu, 1e-9):>9.1f} "
            f"{acked / max(cpu, 1e-9):>9.1f}   failures {outcome.failures}")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=120)
    parser.add_argument("--answers", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--against", metavar="REV")
    args = parser.parse_args()
    if not os.environ.get("TEST_DATABASE_URL"):
        print("set TEST_DATABASE_URL to a PostgreSQL server (a database and a role are created and dropped)")
        return 2
    print(f"load average at start {os.getloadavg()[0]:.1f}")
    print(f"{'workers (round) checkout':26} {'acked':>6} {'seconds':>8} {'ans/s':>9} {'bot cpu':>8} {'gen cpu':>8} "
          f"{'ans/bot-s':>9} {'ans/cpu-s':>9}")
    failures = 0
    with contextlib.ExitStack() as stack:
        sides = [(describe("HEAD"), ROOT)]
        if args.against:
            sides.append((describe(args.against), stack.enter_context(checkout(args.against))))
        for round_ in range(args.rounds):
            for workers in (1, 2):
                for label, code in sides if (round_ + workers) % 2 else sides[::-1]:
                    harness.CODE = code
                    config = Config(backend="postgresql", mode="webhook", workers=workers, people=args.people,
                                    answers=args.answers, kills=0, duplicates=False, think=0.22,
                                    reply_timeout=90.0, seed=100 + round_)
                    with tempfile.TemporaryDirectory(prefix="workers-") as workdir:
                        outcome = await run(config, Path(workdir))
                    print(line(f"{workers} (r{round_ + 1}) {label}", outcome), flush=True)
                    failures += outcome.failures
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
