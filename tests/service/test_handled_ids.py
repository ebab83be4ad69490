"""The handled update ids kept in memory on SQLite (bot/service/handled.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.service.handled import HandledIds

DAY = 86_400.0


async def test_ids_recorded_while_loading_are_kept_and_old_ones_forgotten() -> None:
    now = [1_000 * DAY]
    handled = HandledIds(timedelta(days=7), clock=lambda: now[0])
    handled.add(5)  # committed while the load's read ran: the read may not have seen it
    stored = datetime.fromtimestamp(now[0] - 6 * DAY, UTC).replace(tzinfo=None)  # SQLite's naive UTC

    async def read() -> list[tuple[int, datetime]]:
        return [(1, stored), (2, stored + timedelta(days=1))]

    await handled.load(read)
    assert handled.loaded and {1, 2, 5} == {i for i in range(10) if i in handled}
    now[0] += 1.5 * DAY  # 1 is now 7.5 days old, 2 is 6.5
    handled.add(6)
    assert 1 not in handled and 2 in handled and 5 in handled and 6 in handled
    await handled.load(read)  # once only
    assert 1 not in handled and len(handled) == 3
