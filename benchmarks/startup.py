"""Start-up of the service: from process start (`python -m bot run`) to serving, and the idle memory after.

Each run starts the service as a process on a SQLite file migrated by a warm-up run (a restart, as a deployment
sees it every day), and measures:
  * web: until the web chat answers a page on 127.0.0.1;
  * telegram (with --telegram): until its first getUpdates reaches a fake Bot API (tests/e2e/fake_bot_api.py;
    BOT_TOKEN set, long polling);
  * idle RSS: the process's resident memory two seconds after it served.
Runs take turns between this checkout and `--against REV` (a temporary git worktree, benchmarks/checkouts.py);
medians of --runs are printed.

    python benchmarks/startup.py [--runs 7] [--telegram] [--against REV]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from checkouts import ROOT, checkout, describe
from fake_bot_api import FakeBotAPI

TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Started:
    web: float
    telegram: float | None
    rss: float


async def start_once(code: Path, workdir: Path, api: FakeBotAPI | None) -> Started:
    """One start of the service whose `bot` package is under `code`, on the database in `workdir`."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "WEBHOOK_URL", "DATABASE_URL")}
    env.update(PYTHONPATH=str(code), DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'bot.sqlite3'}",
               WEB_HOST="127.0.0.1", WEB_PORT=str(port), DEFAULT_LANG="zh")
    polls = 0
    if api is not None:
        env.update(BOT_TOKEN=api.token, TELEGRAM_API_URL=api.base_url)
        polls = api.poll_count
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=workdir, env=env,
                                                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    web = telegram = None
    try:
        async with aiohttp.ClientSession() as http:
            while web is None or (api is not None and telegram is None):
                if proc.returncode is not None:
                    raise RuntimeError(f"the service at {code} exited with {proc.returncode}")
                if time.monotonic() - started > TIMEOUT:
                    raise RuntimeError(f"the service at {code} did not start in {TIMEOUT} s")
                if api is not None and telegram is None and api.poll_count > polls:
                    telegram = time.monotonic() - started
                if web is None:
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/") as resp:
                            if resp.status < 500:
                                web = time.monotonic() - started
                    except aiohttp.ClientConnectionError:
                        pass
                await asyncio.sleep(0.005)
        await asyncio.sleep(2.0)
        rss = rss_mb(proc.pid)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), 30)
    return Started(web, telegram, rss)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--telegram", action="store_true", help="BOT_TOKEN set: also until the first getUpdates")
    parser.add_argument("--against", metavar="REV")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="startup-") as tmp, contextlib.ExitStack() as stack:
        other = stack.enter_context(checkout(args.against)) if args.against else None
        sides = [(describe("HEAD"), ROOT)] + ([(describe(args.against), other)] if other is not None else [])
        api = await FakeBotAPI().start() if args.telegram else None
        try:
            results: dict[str, list[Started]] = {label: [] for label, _ in sides}
            folders: dict[str, Path] = {}
            for label, code in sides:  # a warm-up run each: creates and migrates the database, fills caches
                folders[label] = Path(tmp) / label
                folders[label].mkdir()
                await start_once(code, folders[label], api)
            for run in range(args.runs):
                for label, code in sides if run % 2 == 0 else sides[::-1]:
                    workdir = Path(tmp) / f"{label}-{run}"
                    shutil.copytree(folders[label], workdir)
                    found = await start_once(code, workdir, api)
                    results[label].append(found)
                    tg = f"   telegram {found.telegram:.2f} s" if found.telegram is not None else ""
                    print(f"run {run + 1} {label:<16} web {found.web:.2f} s{tg}   idle RSS {found.rss:.0f} MB",
                          flush=True)
        finally:
            if api is not None:
                await api.close()
    print(f"\nmedians of {args.runs} runs   load average {os.getloadavg()[0]:.1f}")
    for label, runs in results.items():
        tg = ""
        if args.telegram:
            tg = f"   to first getUpdates {statistics.median(r.telegram or 0.0 for r in runs):.2f} s"
        print(f"{label:<16} to serving the web chat {statistics.median(r.web for r in runs):.2f} s{tg}   "
              f"idle RSS {statistics.median(r.rss for r in runs):.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
