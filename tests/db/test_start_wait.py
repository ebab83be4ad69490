"""A start-up step that needs the database is tried again while the database cannot be reached (a worker started
just before an outage), within the wait it is given; past it, the error stands."""

from __future__ import annotations

import pytest

from bot.db.migrate import when_reachable


async def test_a_step_is_tried_again_until_the_database_answers() -> None:
    calls = 0

    async def step() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionRefusedError("the database is unavailable")

    await when_reachable(step, wait=30.0)
    assert calls == 2


async def test_past_the_wait_the_error_stands_and_other_errors_are_not_retried() -> None:
    async def down() -> None:
        raise ConnectionRefusedError("the database is unavailable")

    with pytest.raises(ConnectionRefusedError):
        await when_reachable(down, wait=0.0)

    calls = 0

    async def broken() -> None:
        nonlocal calls
        calls += 1
        raise ValueError("a bug, not an outage")

    with pytest.raises(ValueError):
        await when_reachable(broken, wait=30.0)
    assert calls == 1
