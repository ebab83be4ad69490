"""The service as a process for the browser tests: `python -m bot run` on a free port of 127.0.0.1 with its own
SQLite file (or a PostgreSQL schema), and Playwright driving the system's Chromium (installed by the set-up
script; nothing is downloaded at test time)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0

#: a phone in WeChat's in-app browser (iOS), as a district's QR code opens it
WECHAT_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Mobile/15E148 MicroMessenger/8.0.49(0x18003129) NetType/WIFI Language/zh_CN")
PHONE: dict[str, Any] = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True,
                         "has_touch": True, "locale": "zh-CN", "user_agent": WECHAT_IPHONE}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 860}, "locale": "zh-CN"}


def chromium_path() -> str:
    """The system's Chromium (Debian: /usr/bin/chromium)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("Chromium is not installed: scripts/setup installs it (apt-get install chromium)")


#: flags for a headless Chromium on a closed network (no background connections, no first-run work)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Service:
    """`python -m bot run` in a subprocess; its log is kept in the work folder and shown when a test fails."""

    def __init__(self, workdir: Path, *, env: dict[str, str] | None = None, port: int | None = None) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.extra = env or {}
        self.log = workdir / "service.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k.upper() not in ("BOT_TOKEN", "WEBHOOK_URL", "STAFF_IDS", "DATABASE_URL", "WEB_PORT", "WEB_HOST",
                                    "PUBLIC_URL", "DEFAULT_LANG")}
        env.update(DATABASE_URL=f"sqlite+aiosqlite:///{self.workdir / 'bot.sqlite3'}", PYTHONPATH=str(REPO),
                   PYTHONUNBUFFERED="1", WEB_PORT=str(self.port), WEB_HOST="127.0.0.1",
                   # a script answers faster than a person: the rate limits have tests of their own
                   WEB_RATE_PER_VISITOR="100000", WEB_RATE_PER_ADDRESS="100000")
        env.update(self.extra)
        return env

    def start(self) -> Service:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=self.workdir, env=self.env(),
                                         stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the service exited at start:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the service did not start:\n{self.output()}")

    def stop(self) -> int:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""
