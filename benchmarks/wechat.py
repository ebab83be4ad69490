"""The time to WeChat's passive reply at a steady rate of messages, against a real `python -m bot run`.

The service runs as a process (SQLite, WECHAT_* set; the API at the fake WeChat platform of tests/e2e); this
process plays WeChat: people answer the 2022 self-assessment ("1" to each question, as typed numbers), their
messages signed and posted at a fixed overall rate (open loop: a message is posted on schedule whatever the
replies before it), each person's next message after the reply to the previous one.  Printed per rate: messages
posted, the answering time, the time to the answer (p50, p99, max), how many were passive replies and how many
"success" (the reply sent by the API: a review longer than one message, or past the budget), and as a baseline
in the same run the web's /healthz at the same rate (its p50 and p99, and the ratios).  WeChat waits 5 s.

    python benchmarks/wechat.py [--rates 50 100] [--seconds 10] [--safe]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.fake_wechat import FakeUser, FakeWeChat, free_port  # noqa: E402
from tests.web.harness import Service  # noqa: E402

TOKEN, APP_ID, SECRET = "benchtoken", "wxbench0123456789", "benchsecret"
#: messages a person sends before a new person takes over (the self-assessment has 27 items before its review)
PER_PERSON = 25


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def person_loop(person: FakeUser, ticks: asyncio.Queue[float], times: list[float], routes: list[str]) -> None:
    """Take a tick (the moment a message is due), send this person's next message, record how long it took."""
    await person.send("开始 4")
    for _ in range(PER_PERSON):
        due = await ticks.get()
        if due < 0:
            return
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        started = time.monotonic()
        exchange = await person.send("1")
        times.append(time.monotonic() - started)
        routes.append("passive" if exchange.passive is not None else "api")


async def run_rate(wx: FakeWeChat, rate: int, seconds: float, label: str) -> tuple[list[float], list[str], float]:
    count = int(rate * seconds)
    people = [wx.user(f"o{label}{rate}p{n:04d}") for n in range((count + PER_PERSON - 1) // PER_PERSON + 1)]
    ticks: asyncio.Queue[float] = asyncio.Queue()
    times: list[float] = []
    routes: list[str] = []
    workers = [asyncio.create_task(person_loop(p, ticks, times, routes)) for p in people]
    await asyncio.sleep(1.0)  # every person has opened the interview
    start = time.monotonic() + 0.2
    for n in range(count):
        ticks.put_nowait(start + n / rate)
    for _ in people:
        ticks.put_nowait(-1.0)
    began = time.monotonic()
    await asyncio.gather(*workers)
    return times, routes, time.monotonic() - began


async def baseline(url: str, rate: int, seconds: float) -> list[float]:
    """GET /healthz at the same rate: the web server's own round trip on this machine, now."""
    times: list[float] = []
    async with aiohttp.ClientSession() as http:
        async def one(due: float) -> None:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            started = time.monotonic()
            async with http.get(url + "/healthz") as answer:
                await answer.read()
            times.append(time.monotonic() - started)

        start = time.monotonic() + 0.1
        await asyncio.gather(*(one(start + n / rate) for n in range(int(rate * seconds))))
    return times


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", type=int, nargs="+", default=[50, 100])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--safe", action="store_true", help="safe mode (messages and replies encrypted)")
    args = parser.parse_args()
    aes_key = base64.b64encode(os.urandom(32)).decode().rstrip("=") if args.safe else None
    port = free_port()
    env = {"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": SECRET,
           "WECHAT_API_URL": f"http://127.0.0.1:{port}"}
    if aes_key:
        env["WECHAT_AES_KEY"] = aes_key
    with tempfile.TemporaryDirectory(prefix="wechat-bench-") as folder:
        service = Service(Path(folder), env=env)
        await asyncio.to_thread(service.start)
        try:
            wx = FakeWeChat(token=TOKEN, app_id=APP_ID, app_secret=SECRET, aes_key=aes_key)
            wx.port = port
            async with wx:
                wx.service_url = service.url + "/wechat"
                mode = "safe mode" if aes_key else "plain mode"
                print(f"WeChat passive reply, {mode}, SQLite, {args.seconds:.0f} s per rate "
                      f"(budget 4 s; WeChat waits 5 s)")
                print(f"{'rate/s':>7} {'sent':>6} {'secs':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
                      f"{'passive':>8} {'by API':>7} {'errors':>7} | {'healthz p50':>11} {'p99':>7} "
                      f"{'p50 ratio':>9} {'p99 ratio':>9}")
                for rate in args.rates:
                    times, routes, took = await run_rate(wx, rate, args.seconds, "r")
                    base = await baseline(service.url, rate, min(args.seconds, 5.0))
                    errors = sum(1 for p in wx.users.values() for s in p.seen if s.how == "error")
                    p50, p99 = statistics.median(times) * 1000, percentile(times, 99) * 1000
                    b50, b99 = statistics.median(base) * 1000, percentile(base, 99) * 1000
                    print(f"{rate:>7} {len(times):>6} {took:>6.1f} {p50:>8.1f} {p99:>8.1f} {max(times) * 1000:>8.1f} "
                          f"{routes.count('passive'):>8} {routes.count('api'):>7} {errors:>7} | {b50:>11.1f} "
                          f"{b99:>7.1f} {p50 / b50:>9.1f} {p99 / b99:>9.1f}")
                if wx.violations:
                    print("violations:", *wx.violations[:5], sep="\n  ")
        finally:
            service.stop()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
