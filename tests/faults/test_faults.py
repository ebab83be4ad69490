"""The guarantees of the README's "Several workers, crashes and outages", each held here by real bot processes
against the fake Bot API (short runs; benchmarks/faults.py runs the long ones):

- an update is confirmed only after its effect is durable: kill -9 at random moments loses no acknowledged answer;
- every delivered update ends in a reply or is delivered again: nobody is left without a reply, through kills and
  a database outage;
- a re-delivery changes nothing and re-shows the current screen: every update is delivered twice (the copy up to
  1.5 s later) and nothing is applied twice or to another item;
- updates of one chat are applied in order across workers, and no reply is built from state another worker has
  changed: two webhook workers behind round-robin routing, nothing applied to the wrong item;
- a typed answer is applied only to the question it was typed for: people who see the bot restarted with their
  question still open type the answer again, and the repeat is not stored on the next question; after a restart a
  chat gets at most one copy of its current screen (issue 22, defect 8).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import Config, Outcome, run

pytestmark = [pytest.mark.faults, pytest.mark.slow]

#: several workers need PostgreSQL; without it the webhook run is one worker on SQLite
WEBHOOK_BACKEND = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"


def check(outcome: Outcome) -> None:
    table = "\n".join([Outcome.header(), outcome.row(), *(str(t) for t in outcome.tallies)])
    print(table)
    failing = [t for t in outcome.tallies if t.lost or t.twice or t.wrong_item or t.no_reply or t.extra_copies]
    assert not failing, f"{table}\n\nthe bots' logs:\n{outcome.log_tail}"
    assert outcome.total("acknowledged") == outcome.config.people * outcome.config.answers, table


async def test_long_polling_through_kill9_and_doubled_updates(tmp_path: Path) -> None:
    # on SQLite; the same on PostgreSQL is a run of benchmarks/faults.py (each bot start costs seconds of CI)
    # typed answers mostly, so that someone has typed one the kill leaves unanswered, and types it again
    config = Config(backend="sqlite", mode="polling", people=3, answers=5, kills=1, buttons=0.1, seed=11)
    outcome = await run(config, tmp_path)
    assert outcome.kills == 1
    assert outcome.total("repeated") >= 1  # the case of the issue happened
    check(outcome)


async def test_webhook_workers_round_robin_through_kill9_an_outage_and_doubled_updates(tmp_path: Path) -> None:
    # PostgreSQL: two workers started together (they must not race on the migrations), every post going to the
    # next one, one of them killed and restarted, and a 2-second outage; a SQLite file is served by one process
    postgres = WEBHOOK_BACKEND == "postgresql"
    config = Config(backend=WEBHOOK_BACKEND, mode="webhook", workers=2 if postgres else 1, people=3, answers=5,
                    kills=1, outage=2.0 if postgres else 0.0, seed=12)
    outcome = await run(config, tmp_path)
    assert (outcome.kills, outcome.outages) == ((1, 1) if postgres else (1, 0))
    assert outcome.deliveries >= 2 * outcome.total("sent")  # every update posted (at least) twice
    check(outcome)
