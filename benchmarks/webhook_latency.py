"""Webhook latency: the service as a process in webhook mode (`python -m bot run`, SQLite) against the fake Bot API
(tests/e2e/fake_bot_api.py), with many open interviews; answers POSTed at a steady rate, each timed from its POST
until the bot's reply (the next question) reaches the fake Bot API.

The people's interviews (--sessions, each at the MIIT self-assessment's first question) are opened in the database
before the service starts.  Then, for each rate in --rates, answers are offered for --seconds at that rate (an
open loop: an offer does not wait for the previous one; each goes to a person not waiting for a reply, one
answer of the interview after the other, never faster than the bot's rate limit for that person).  Printed per
rate: offers, answered, p50 / p95 / p99 / max of POST → reply, the service's CPU per answer, and the load
generator's CPU (it shares the machine's cores).

    python benchmarks/webhook_latency.py [--sessions 2000] [--rates 50,100,200] [--seconds 20] [--warm]
                                         [--against REV]

--against REV runs the same on another commit afterwards (a temporary git worktree, benchmarks/checkouts.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from answer_path import interview_lines
from checkouts import ROOT, checkout, describe
from fake_bot_api import FakeBotAPI

FORM = "miit-2022"
FIRST_CHAT = 5_000_000
REPLY_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_sessions(code: Path, database: Path, sessions: int) -> None:
    """The people's interviews, opened by the checkout's own service code before the service starts."""
    script = f"""
import asyncio
from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.interview.loader import load_forms
from bot.service.sessions import Interviews
async def main():
    engine = create_engine("sqlite+aiosqlite:///{database}")
    await upgrade(engine)
    interviews = Interviews(sessionmaker(engine), load_forms())
    for n in range({sessions}):
        await interviews.open(f"tg:{{{FIRST_CHAT} + n}}", "{FORM}", lang="zh")
    await interviews.close()
    await engine.dispose()
asyncio.run(main())
"""
    import subprocess

    subprocess.run([sys.executable, "-c", script], check=True, cwd=code, env={**os.environ, "PYTHONPATH": str(code)})


class Replies:
    """Wraps the fake Bot API's sendMessage: the moment each chat's next reply arrives."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.waiting: dict[int, asyncio.Future[float]] = {}
        send: Callable[..., Any] = api._methods["sendmessage"]

        def timed(state: Any, params: dict[str, Any], uploads: Any) -> Any:
            waiter = self.waiting.pop(int(params["chat_id"]), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(time.perf_counter())
            return send(state, params, uploads)

        api._methods["sendmessage"] = timed

    def expect(self, chat_id: int) -> asyncio.Future[float]:
        waiter: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = waiter
        return waiter


def update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    person = {"id": chat_id, "is_bot": False, "first_name": "用户", "language_code": "zh-hans"}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": int(time.time()), "text": text,
                                                "chat": {"id": chat_id, "type": "private", "first_name": "用户"},
                                                "from": person}}


async def run_checkout(label: str, code: Path, args: argparse.Namespace) -> None:
    from bot.interview.loader import load_forms

    lines = interview_lines(load_forms()[FORM])[:20]  # never as far as the submission (documents)
    with tempfile.TemporaryDirectory(prefix="webhook-latency-") as tmp:
        workdir = Path(tmp)
        database = workdir / "bot.sqlite3"
        print(f"{label}: opening {args.sessions} interviews ...", flush=True)
        open_sessions(code, database, args.sessions)
        api = await FakeBotAPI(validate_html=False).start()
        replies = Replies(api)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("WEBHOOK_SECRET", "STAFF_IDS")}
        env.update(PYTHONPATH=str(code), BOT_TOKEN=api.token, TELEGRAM_API_URL=api.base_url, DEFAULT_LANG="zh",
                   DATABASE_URL=f"sqlite+aiosqlite:///{database}", WEB_PORT="0",
                   WEBHOOK_URL=f"http://127.0.0.1:{port}/tg/hook", WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port))
        log = (workdir / "bot.log").open("wb")
        command = [sys.executable, "-m", "bot", "run"]
        if args.profile:  # sampled by py-spy (`pip install py-spy`), as collapsed stacks
            command = ["py-spy", "record", "-r", "200", "-f", "raw", "-o", args.profile, "--", *command]
        proc = await asyncio.create_subprocess_exec(*command, cwd=workdir, env=env,
                                                    stdin=asyncio.subprocess.DEVNULL, stdout=log,
                                                    stderr=asyncio.subprocess.STDOUT)
        try:
            await api.wait_call("setWebhook", timeout=60.0)
            secret = api.calls_of("setWebhook")[-1]["secret_token"]
            url = f"http://127.0.0.1:{port}/tg/hook"
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
            chats = list(range(FIRST_CHAT, FIRST_CHAT + args.sessions))
            answered = dict.fromkeys(chats, 0)
            last_sent = dict.fromkeys(chats, 0.0)
            busy: set[int] = set()
            ids = iter(range(1, 10**9))
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as http:
                # warm-up: a first answer of a few people (the first update builds what it meets); with --warm, of
                # everyone (the service has read every session once since it started: the steady state)
                warm = chats if args.warm else chats[:20]
                for n in range(0, len(warm), 20):
                    await asyncio.gather(*(offer(http, url, headers, replies, c, lines[0], next(ids))
                                           for c in warm[n:n + 20]))
                for c in warm:
                    answered[c] = 1
                print(f"{'answers/s':>9} {'offers':>7} {'answered':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
                      f"{'max ms':>8} {'bot CPU µs/answer':>18} {'generator CPU s':>16}   load", flush=True)
                cursor = 0
                for rate in args.rates:
                    latencies: list[float] = []
                    failures: list[int] = []
                    tasks: list[asyncio.Task[None]] = []
                    bot_cpu, gen_cpu = cpu_seconds(proc.pid), time.process_time()
                    started = time.perf_counter()
                    count = int(rate * args.seconds)

                    async def one(chat: int, text: str, update_id: int, latencies: list[float] = latencies,
                                  failures: list[int] = failures) -> None:
                        try:
                            latencies.append(await offer(http, url, headers, replies, chat, text, update_id))
                            answered[chat] += 1
                        except (TimeoutError, aiohttp.ClientError, AssertionError):
                            failures.append(chat)
                        finally:
                            busy.discard(chat)

                    for n in range(count):
                        due = started + n / rate
                        await asyncio.sleep(max(0.0, due - time.perf_counter()))
                        for _ in range(len(chats)):  # the next person free to answer
                            chat = chats[cursor % len(chats)]
                            cursor += 1
                            if (chat not in busy and answered[chat] < len(lines)
                                    and time.perf_counter() - last_sent[chat] > 0.25):
                                break
                        else:
                            failures.append(0)
                            continue
                        busy.add(chat)
                        last_sent[chat] = time.perf_counter()
                        tasks.append(asyncio.create_task(one(chat, lines[answered[chat]], next(ids))))
                    await asyncio.gather(*tasks)
                    bot_cpu, gen_cpu = cpu_seconds(proc.pid) - bot_cpu, time.process_time() - gen_cpu
                    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
                    ms = [cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000, max(latencies, default=0) * 1000]
                    print(f"{rate:>9} {count:>7} {len(latencies):>8} {ms[0]:>8.1f} {ms[1]:>8.1f} {ms[2]:>8.1f} "
                          f"{ms[3]:>8.1f} {bot_cpu / max(len(latencies), 1) * 1e6:>18.0f} {gen_cpu:>16.1f}   "
                          f"{os.getloadavg()[0]:.1f}", flush=True)
                    if failures:
                        print(f"{'':>9} {len(failures)} offers not answered within {REPLY_TIMEOUT:.0f} s or not sent")
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGINT if args.profile else signal.SIGTERM)  # py-spy writes on SIGINT
                await asyncio.wait_for(proc.wait(), 60)
            log.close()
            await api.close()


async def offer(http: aiohttp.ClientSession, url: str, headers: dict[str, str], replies: Replies, chat: int,
                text: str, update_id: int) -> float:
    """POST one answer; seconds until the bot's reply to that chat reached the fake Bot API."""
    waiter = replies.expect(chat)
    posted = time.perf_counter()
    async with http.post(url, json=update(update_id, chat, text), headers=headers) as resp:
        assert resp.status == 200, resp.status
    return await asyncio.wait_for(waiter, REPLY_TIMEOUT) - posted


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--rates", type=lambda s: [int(r) for r in s.split(",")], default=[50, 100, 200])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--against", metavar="REV")
    parser.add_argument("--warm", action="store_true",
                        help="every person answers once before the timed rates (else most answers of the first "
                             "rates are a person's first since the start: their session is read from the database)")
    parser.add_argument("--profile", metavar="FILE", help="run the service under py-spy, its samples to FILE")
    args = parser.parse_args()
    print(f"{args.sessions} open interviews, {args.seconds:.0f} s at each rate; load average at start "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    await run_checkout(describe("HEAD"), ROOT, args)
    if args.against:
        with checkout(args.against) as path:
            await run_checkout(describe(args.against), path, args)


if __name__ == "__main__":
    asyncio.run(main())
