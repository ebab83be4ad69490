"""Fault runs: real `python -m bot run` processes against the fake Bot API on loopback, scripted people answering
the MIIT self-assessment, and faults injected meanwhile: kill -9 at random moments, every update delivered twice
(the second copy up to `late` seconds later), webhook workers behind round-robin routing, a database outage
(REVOKE CONNECT on the run's own PostgreSQL database and pg_terminate_backend of its backends; the shared server
is never stopped).

Each run ends with a tally per person, from what the person saw and what the database holds:

- lost: an answer the bot acknowledged (the next screen came, or "已保存") that is not stored;
- twice: an update applied more than once, or an item written more often than the person answered it;
- wrong item: an answer stored on another item (or with another value) than the one the person answered;
- no reply: a message after which the person waited `reply_timeout` seconds and got nothing that moved on;
- extra copies: copies of the screen a chat already showed, past one per restart of the bot (the people's chats
  split at each kill: in each part, a message showing the same question as the chat's screen before it, with no
  note above it, is a copy; a note makes it the reply to a message of the person).

People behave as the issue 22 report saw them: one who typed an answer and sees the bot restarted with their
question still open types the same answer again (`repeat`).  That repeat was typed against the question it
repeats: stored on the next question it is a wrong item.  One told that their answer was typed before the
question was shown and not saved types it again.

Used by tests/faults (short runs) and benchmarks/faults.py (long runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import os
import random
import re
import signal
import socket
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

E2E = Path(__file__).resolve().parents[1] / "e2e"
if str(E2E) not in sys.path:
    sys.path.insert(0, str(E2E))

from bot_process import REPO, START_TIMEOUT  # noqa: E402
from fake_bot_api import FakeBotAPI, FakeUser  # noqa: E402

from bot.db.engine import create_engine  # noqa: E402
from bot.db.models import AnswerRow, AuditEvent, InterviewSession, User  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.interview.loader import load_forms  # noqa: E402
from bot.interview.schema import Form, MultiChoice, SingleChoice  # noqa: E402

FORM_ID = "miit-2022"
ZH = Translator("zh")
SAVED = ZH.ui("Saved: {answer}", answer="")
SECRET = "fault-run-secret-" + "x" * 24
_TAGS = re.compile(r"<[^>]+>")
#: the number a question screen puts before the question's text, as the paper prints it ("7. ", "16.1. ", "A3. ")
_PAPER_NUMBER = re.compile(r"^[A-Z]?\d+(?:\.\d+)?[a-z]?\. ")


#: the checkout whose `bot` package the workers run (benchmarks/workers.py --against sets another)
CODE: Path = REPO


@dataclass
class Config:
    backend: str = "sqlite"  # or "postgresql" (needs TEST_DATABASE_URL: a server where we may create databases)
    mode: str = "polling"  # or "webhook"
    workers: int = 1
    people: int = 6
    answers: int = 8  # items each person answers (q1… in order; at most 21)
    kills: int = 2
    outage: float = 0.0  # seconds of database outage (PostgreSQL only)
    duplicates: bool = True  # every update delivered twice
    late: float = 1.5  # the second copy comes up to this many seconds after the first
    think: float = 0.45  # a person's pause between messages (the bot allows 5 updates a second per chat)
    buttons: float = 0.4  # how often a single choice is pressed (when its screen is there) rather than typed
    repeat: bool = True  # a typed answer is typed again when the bot restarted and the question is still open
    reply_timeout: float = 45.0
    seed: int = 1


@dataclass
class Tally:
    person: int
    sent: int = 0
    acknowledged: int = 0
    lost: int = 0
    twice: int = 0
    wrong_item: int = 0
    no_reply: int = 0
    #: typed answers typed again after a restart (not a failure: what people do)
    repeated: int = 0
    #: copies of the chat's screen past one per restart (must be 0)
    extra_copies: int = 0


@dataclass
class Outcome:
    config: Config
    tallies: list[Tally]
    kills: int
    outages: int
    deliveries: int
    wall: float
    log_tail: str = ""
    #: from the first message of the people to the last reply they waited for
    answering: float = 0.0
    #: CPU seconds of the bot processes over `answering` (without kills: restarts lose the dead ones' figures)
    bot_cpu: float = 0.0
    #: CPU seconds of this process (the fake Bot API, the people, the router) over `answering`
    generator_cpu: float = 0.0

    def total(self, name: str) -> int:
        return sum(getattr(t, name) for t in self.tallies)

    @property
    def failures(self) -> int:
        return sum(self.total(n) for n in ("lost", "twice", "wrong_item", "no_reply", "extra_copies"))

    def row(self) -> str:
        c = self.config
        return (f"{c.mode:8} {c.backend:10} {c.workers:>2} {len(self.tallies):>6} {self.total('sent'):>6} "
                f"{self.total('acknowledged'):>6} {self.kills:>5} {self.outages:>3} {self.deliveries:>6} "
                f"{self.total('lost'):>4} {self.total('twice'):>5} {self.total('wrong_item'):>5} "
                f"{self.total('no_reply'):>8} {self.total('repeated'):>6} {self.total('extra_copies'):>6} "
                f"{self.wall:>6.1f}")

    @staticmethod
    def header() -> str:
        return (f"{'mode':8} {'backend':10} {'w':>2} {'people':>6} {'sent':>6} {'acked':>6} {'kills':>5} {'out':>3} "
                f"{'posts':>6} {'lost':>4} {'twice':>5} {'wrong':>5} {'no reply':>8} {'repeat':>6} {'copies':>6} "
                f"{'wall s':>6}")


# --- the database of a run ---------------------------------------------------------------------------------------


class RunDatabase:
    """SQLite: a file in the run's directory.  PostgreSQL: a database and a login role of the run's own on the
    server of TEST_DATABASE_URL (the bot connects as that role, so REVOKE CONNECT shuts it out), dropped after."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        tag = uuid.uuid4().hex[:10]
        self.name = f"faults_{tag}"
        self.role = f"faults_{tag}"
        self.admin_url = os.environ.get("TEST_DATABASE_URL", "")

    @property
    def bot_url(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite+aiosqlite:///{self.workdir / 'bot.sqlite3'}"
        url = make_url(self.admin_url).set(username=self.role, password=None, database=self.name)
        return url.render_as_string(hide_password=False)

    @property
    def inspect_url(self) -> str:
        if self.backend == "sqlite":
            return self.bot_url
        return make_url(self.admin_url).set(database=self.name).render_as_string(hide_password=False)

    async def _admin(self, *statements: str) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                for statement in statements:
                    await conn.execute(text(statement))
        finally:
            await engine.dispose()

    async def create(self) -> None:
        if self.backend == "postgresql":
            await self._admin(f'CREATE ROLE "{self.role}" LOGIN', f'CREATE DATABASE "{self.name}" OWNER "{self.role}"')

    async def drop(self) -> None:
        if self.backend == "postgresql":
            await self._admin(f'GRANT CONNECT ON DATABASE "{self.name}" TO PUBLIC',
                              f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.name}'",
                              f'DROP DATABASE IF EXISTS "{self.name}"', f'DROP ROLE IF EXISTS "{self.role}"')

    async def outage(self, seconds: float) -> None:
        """Nobody but a superuser can connect for `seconds`, and every open connection is cut."""
        await self._admin(f'REVOKE CONNECT ON DATABASE "{self.name}" FROM PUBLIC',
                          f'REVOKE CONNECT ON DATABASE "{self.name}" FROM "{self.role}"',
                          f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.name}' "
                          f"AND usename = '{self.role}'")
        try:
            await asyncio.sleep(seconds)
        finally:
            await self._admin(f'GRANT CONNECT ON DATABASE "{self.name}" TO "{self.role}"')


# --- the bot processes -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Worker:
    """One `python -m bot run` (long polling, or a webhook server on its own port)."""

    def __init__(self, api: FakeBotAPI, workdir: Path, database_url: str, port: int | None) -> None:
        self.api, self.workdir, self.database_url, self.port = api, workdir, database_url, port
        self.log = workdir / (f"worker-{port}.log" if port else "bot.log")
        self.proc: asyncio.subprocess.Process | None = None
        #: started and serving (a process being started is not killed again before it serves)
        self.ready = False

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k.upper() not in ("WEBHOOK_URL", "WEBHOOK_SECRET", "STAFF_IDS", "BOT_TOKEN", "DATABASE_URL")}
        env.update(BOT_TOKEN=self.api.token, TELEGRAM_API_URL=self.api.base_url, DEFAULT_LANG="zh",
                   DATABASE_URL=self.database_url, PYTHONPATH=str(CODE), PYTHONUNBUFFERED="1",
                   WEB_PORT="0")  # Telegram only: no web chat
        if self.port is not None:
            env.update(WEBHOOK_URL=f"http://127.0.0.1:{self.port}/hook", WEBHOOK_SECRET=SECRET,
                       WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(self.port))
        return env

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def launch(self) -> None:
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=self.workdir, env=self.env(),
                stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=asyncio.subprocess.STDOUT)

    async def start(self) -> None:
        """Launch, and wait until it long-polls or its webhook port takes connections."""
        polls_before = self.api.poll_count
        self.ready = False
        await self.launch()
        assert self.proc is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while True:
            if self.proc.returncode is not None:
                raise AssertionError(f"a bot process exited early:\n{self.output()}")
            if loop.time() > deadline:
                raise AssertionError(f"a bot process did not start:\n{self.output()}")
            if self.port is None:
                if self.api.poll_count > polls_before:
                    self.ready = True
                    return
            else:
                with contextlib.suppress(OSError):
                    _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                    writer.close()
                    self.ready = True
                    return
            await asyncio.sleep(0.05)

    async def kill(self) -> None:
        self.ready = False
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    async def stop(self) -> int | None:
        if self.proc is None or self.proc.returncode is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            await self.kill()
            return None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:] if self.log.exists() else ""

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the running process has used so far (Linux /proc)."""
        if self.proc is None or self.proc.returncode is not None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class FaultyAPI(FakeBotAPI):
    """The fake Bot API, with every update a person makes also handed to the run (to deliver it twice, or to
    post it to webhook workers)."""

    def __init__(self) -> None:
        super().__init__()
        self.on_update: Any = None

    def _queue(self, state: Any, update: dict[str, Any]) -> int:
        update_id = super()._queue(state, update)
        if self.on_update is not None:
            self.on_update(state.history[update_id])
        return update_id


class Router:
    """Telegram's side of webhook mode: each update is posted to the workers round-robin until one answers 200
    (a refused or failed post is retried on the next worker, after a pause that doubles up to 3 s); with
    duplicates every update is posted twice."""

    def __init__(self, api: FaultyAPI, workers: list[Worker], config: Config, rng: random.Random) -> None:
        self.api, self.workers, self.config, self.rng = api, workers, config, rng
        self._turn = itertools.count()
        self.posts = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Router:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=90))
        return self

    async def __aexit__(self, *_: object) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.close()

    def take(self, update: dict[str, Any]) -> None:
        state = self.api.state()
        state.pending = [u for u in state.pending if u["update_id"] != update["update_id"]]
        copies = [0.0] + ([self.rng.uniform(0, self.config.late)] if self.config.duplicates else [])
        for delay in copies:
            task = asyncio.create_task(self._deliver(copy.deepcopy(update), delay))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _deliver(self, update: dict[str, Any], delay: float) -> None:
        assert self._http is not None
        await asyncio.sleep(delay)
        backoff = 0.1
        while True:
            worker = self.workers[next(self._turn) % len(self.workers)]
            self.posts += 1
            try:
                async with self._http.post(worker.url, json=update,
                                           headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as resp:
                    if resp.status == 200:
                        return
            except (aiohttp.ClientError, OSError, TimeoutError):
                pass
            # as Telegram does, a failing update is tried again less and less often
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 3.0)


# --- the people ----------------------------------------------------------------------------------------------------


def visible(entry: dict[str, Any]) -> str:
    return html.unescape(_TAGS.sub("", entry.get("text") or ""))


@dataclass
class Sent:
    update_id: int
    item: str
    expected: Any
    acknowledged: bool = False


@dataclass
class Restarts:
    """The bot's restarts as the people notice them: how many have completed, and where each person's chat stood
    (its number of messages) at each kill."""

    done: int = 0
    marks: dict[int, list[int]] = field(default_factory=dict)


#: the marks of a note above a screen: a refusal, a warning or "not saved", "saved", an entry removed
_NOTES = ("✗", "⚠", "✓", "🗑")
#: what a person's wait returns when the bot restarted meanwhile and nothing has moved on
_RESTARTED: dict[str, Any] = {"restarted": True}
#: … and when the bot said their answer was typed before the question was shown, and not saved
_NOT_SAVED: dict[str, Any] = {"not saved": True}
#: how that note ends the typed text it quotes (bot.present.words.typed_too_early)
NOT_SAVED = ZH.ui("“{typed}”, typed before the question below was shown, was not saved.", typed="").split("”")[1][:-1]


@dataclass
class Person:
    user: FakeUser
    form: Form
    config: Config
    rng: random.Random
    tally: Tally
    restarts: Restarts = field(default_factory=Restarts)
    sent: dict[int, Sent] = field(default_factory=dict)
    _last: float = 0.0

    def __post_init__(self) -> None:
        self._titles = {item.id: ZH.form(item.text).strip() for item in self.form.items}

    def item_of(self, entry: dict[str, Any]) -> str | None:
        """The item a screen asks (the line with its text and its kind in brackets), or None (a review, a
        notice, the list of interviews)."""
        lines = [_PAPER_NUMBER.sub("", line, count=1) for line in visible(entry).split("\n")]
        found = [(len(title), item_id) for line in lines for item_id, title in self._titles.items()
                 if line.startswith(title) and line[len(title):].startswith((" (", "（"))]
        return max(found)[1] if found else None

    async def _pace(self) -> None:
        loop = asyncio.get_running_loop()
        wait = self._last + self.config.think - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last = loop.time()

    async def _wait(self, start: int, moved_on: Any) -> dict[str, Any] | None:
        """The first bot message from index `start` on that `moved_on` accepts, or None after reply_timeout."""
        def check() -> dict[str, Any] | None:
            for entry in self.user.messages[start:]:
                if not entry["edited"] and moved_on(entry):
                    return entry
            return None

        return await self.user.api._wait_for(check, self.config.reply_timeout)

    async def _wait_or_again(self, start: int, looked: int, moved_on: Any, item_id: str, typed: str | None,
                             restarted_after: int | None) -> tuple[dict[str, Any] | None, int]:
        """What makes a person who typed `typed` for `item_id` act, and where they have read their chat up to:
        the first bot message from `start` on that `moved_on` accepts; else `_NOT_SAVED` for a message from
        `looked` on saying `typed` was not saved, with `item_id` still asked; else `_RESTARTED` when the bot has
        restarted more than `restarted_after` times; None after reply_timeout."""
        read = looked

        def check() -> dict[str, Any] | None:
            nonlocal read
            for entry in self.user.messages[start:]:
                if not entry["edited"] and moved_on(entry):
                    return entry
            for n, entry in enumerate(self.user.messages[read:], read):
                if (typed is not None and not entry["edited"] and f"“{typed}”{NOT_SAVED}" in visible(entry)
                        and self.item_of(entry) == item_id):
                    read = n + 1
                    return _NOT_SAVED
            if restarted_after is not None and self.restarts.done > restarted_after:
                return _RESTARTED
            return None

        found = await self.user.api._wait_for(check, self.config.reply_timeout)
        return found, read

    async def run(self) -> None:
        title = ZH.form(self.form.title)
        while True:  # /start, then the interview's button
            await self._pace()
            start = len(self.user.messages)
            await self.user.send("/start")
            listing = await self._wait(start, lambda e: any(
                b.get("text") == title for row in (e["reply_markup"] or {}).get("inline_keyboard", []) for b in row))
            if listing is None:
                self._silence()
                continue
            await self._pace()
            start = len(self.user.messages)
            await self.user.press(title, message=listing["message_id"])
            if await self._wait(start, lambda e: self.item_of(e) == "q1") is not None:
                break
            self._silence()
        order = [i.id for i in self.form.items]
        for item_id in order[: self.config.answers]:
            while True:
                screen = self._latest_screen()
                if screen is not None and self.item_of(screen) != item_id:
                    shown = self.item_of(screen)
                    if shown is not None and shown in order and order.index(shown) > order.index(item_id):
                        break  # already past it (an acknowledged answer whose screen came late)
                await self._pace()
                start = len(self.user.messages)
                restarts_before = self.restarts.done
                update_id, expected, typed = await self._answer(item_id, screen)
                record = self.sent[update_id] = Sent(update_id, item_id, expected)
                self.tally.sent += 1
                position = order.index(item_id)

                def moved_on(entry: dict[str, Any], position: int = position) -> bool:
                    shown = self.item_of(entry)
                    return shown is not None and order.index(shown) > position

                repeat = typed if self.config.repeat else None
                looked = start
                while True:
                    reply, looked = await self._wait_or_again(start, looked, moved_on, item_id, typed,
                                                              restarts_before if repeat else None)
                    if reply is _RESTARTED:
                        repeat = None  # the bot restarted and the question is still open: the answer again
                    elif reply is not _NOT_SAVED or typed is None:
                        break
                    # else the bot says the answer was typed before the question was shown and not saved: again
                    await self._pace()
                    came = next((e for e in self.user.messages[start:] if not e["edited"] and moved_on(e)), None)
                    if came is not None:  # a look at the chat before typing: it has moved on meanwhile
                        reply = came
                        break
                    again = await self.user.send(typed)
                    self.sent[again] = Sent(again, item_id, expected)
                    self.tally.sent += 1
                    self.tally.repeated += 1
                if reply is None:
                    self._silence()
                    continue  # as a person would: look at the chat again and answer what it asks
                record.acknowledged = True
                self.tally.acknowledged += 1
                break

    def _silence(self) -> None:
        self.tally.no_reply += 1
        if self.tally.no_reply >= 3:
            raise AssertionError(f"person {self.tally.person} got no reply three times; the last messages: "
                                 f"{[visible(e)[:80] for e in self.user.messages[-4:]]}")

    def _latest_screen(self) -> dict[str, Any] | None:
        for entry in reversed(self.user.messages):
            if not entry["edited"] and entry["reply_markup"] and self.item_of(entry) is not None:
                return entry
        return None

    async def _answer(self, item_id: str, screen: dict[str, Any] | None) -> tuple[int, Any, str | None]:
        """(update id, the answer meant, the text typed or None for a button)."""
        item = self.form.item(item_id)
        if isinstance(item, MultiChoice):
            substantive = [n for n, o in enumerate(item.options) if o.id != "none"]
            picked = sorted(self.rng.sample(substantive, self.rng.randint(1, min(2, len(substantive)))))
            typed = " ".join(str(n + 1) for n in picked)
            return await self.user.send(typed), sorted(item.options[n].id for n in picked), typed
        assert isinstance(item, SingleChoice)
        n = self.rng.randrange(len(item.options))
        # the buttons as the message has them now (a press handled meanwhile may have taken them away)
        now = self.user.message(screen["message_id"]) if screen is not None else None
        if (now is not None and now.get("reply_markup") and self.item_of(screen or {}) == item_id
                and self.rng.random() < self.config.buttons):
            buttons = [b for row in (screen or {})["reply_markup"].get("inline_keyboard", []) for b in row]
            update_id = await self.user.press(buttons[n]["text"], message=now["message_id"])
            return update_id, item.options[n].id, None
        return await self.user.send(str(n + 1)), item.options[n].id, str(n + 1)

    def count_copies(self) -> None:
        """Copies of the screen the chat already showed, past one in each part of the chat between two kills.  A
        copy is the question shown again as it stands; one with a note above it (✗ a refusal, ⚠ not saved) is
        the reply to a message of the person, not a copy."""
        cuts = [0, *self.restarts.marks.get(self.tally.person, []), len(self.user.messages)]
        showing: str | None = None
        for begin, end in itertools.pairwise(cuts):
            copies = 0
            for entry in self.user.messages[begin:end]:
                if entry["edited"]:
                    continue
                shown = self.item_of(entry)
                if shown is None:
                    continue
                if shown == showing and not visible(entry).startswith(_NOTES):
                    copies += 1
                showing = shown
            self.tally.extra_copies += max(0, copies - 1)


# --- a run ---------------------------------------------------------------------------------------------------------


async def _count_check(person: Person, session: Any) -> None:
    """Compare what the person was told with what the database holds."""
    _url, db = session
    external = f"tg:{person.user.id}"
    async with db() as s:
        user = await s.scalar(select(User).where(User.external_id == external))
        if user is None:
            person.tally.lost += sum(1 for r in person.sent.values() if r.acknowledged)
            return
        sessions = list(await s.scalars(select(InterviewSession.id).where(InterviewSession.owner_id == user.id)))
        stored = {(row.item_id): row.value for row in await s.scalars(
            select(AnswerRow).where(AnswerRow.session_id.in_(sessions)))}
        events = list(await s.scalars(select(AuditEvent).where(AuditEvent.session_id.in_(sessions),
                                                                AuditEvent.kind == "answer")))
    for record in person.sent.values():
        if record.acknowledged and _norm(stored.get(record.item)) != _norm(record.expected):
            person.tally.lost += 1
    per_update = Counter(e.update_id for e in events)
    person.tally.twice += sum(n - 1 for n in per_update.values() if n > 1)
    answered = Counter(r.item for r in person.sent.values())
    written = Counter(e.item_id for e in events)
    person.tally.twice += sum(max(0, n - answered[item]) for item, n in written.items() if item in answered)
    for event in events:
        record = person.sent.get(event.update_id) if event.update_id is not None else None
        new = (event.new or {}).get("value")
        if record is None or record.item != event.item_id or _norm(new) != _norm(record.expected):
            person.tally.wrong_item += 1


def _norm(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value


@contextlib.asynccontextmanager
async def _inspector(url: str) -> AsyncIterator[Any]:
    from bot.db.engine import sessionmaker

    engine = create_engine(url)
    try:
        yield (url, sessionmaker(engine))
    finally:
        await engine.dispose()


async def run(config: Config, workdir: Path) -> Outcome:
    """One fault run; returns the tally (the caller asserts or prints it)."""
    rng = random.Random(config.seed)
    form = load_forms()[FORM_ID]
    database = RunDatabase(config.backend, workdir)
    await database.create()
    began = time.monotonic()
    kills = outages = 0
    workers: list[Worker] = []
    try:
        async with FaultyAPI() as api:
            ports = [free_port() for _ in range(config.workers)] if config.mode == "webhook" else [None]
            workers = [Worker(api, workdir, database.bot_url, port) for port in ports]
            # all at once, as a deployment starts them: they must not race on the migrations
            await asyncio.gather(*(w.start() for w in workers))
            loop = asyncio.get_running_loop()
            router: Router | None = None
            async with contextlib.AsyncExitStack() as stack:
                if config.mode == "webhook":
                    router = await stack.enter_async_context(Router(api, workers, config, rng))
                    api.on_update = router.take
                elif config.duplicates:
                    def twice(update: dict[str, Any]) -> None:
                        loop.call_later(rng.uniform(0, config.late), api.redeliver, update["update_id"])

                    api.on_update = twice
                restarted = Restarts()
                people = [Person(api.user(50_000 + n, f"人{n}", language_code="zh-hans"), form, config,
                                 random.Random(config.seed * 1000 + n), Tally(50_000 + n), restarted)
                          for n in range(config.people)]

                async def restart(worker: Worker) -> None:
                    await worker.start()
                    restarted.done += 1
                    api._signal.notify()  # the people waiting look at their chats again
                done = asyncio.Event()
                restarts: list[asyncio.Task[None]] = []

                async def chaos() -> None:
                    """Each fault strikes when the people's answers reach a random point of the run."""
                    nonlocal kills, outages
                    total = config.people * config.answers
                    plan = sorted((rng.uniform(0.1, 0.8) * total, "kill") for _ in range(config.kills))
                    if config.outage:
                        plan = sorted([*plan, (rng.uniform(0.2, 0.6) * total, "outage")])
                    for at, action in plan:
                        while sum(p.tally.sent for p in people) < at and not done.is_set():
                            await asyncio.sleep(0.05)
                        if done.is_set():
                            return
                        await asyncio.sleep(rng.uniform(0, 0.3))  # anywhere in an answer's handling
                        if action == "kill":
                            alive = [w for w in workers if w.ready]
                            if not alive:  # every one is still restarting
                                await asyncio.gather(*restarts)
                                alive = [w for w in workers if w.ready]
                            victim = rng.choice(alive)
                            await victim.kill()
                            kills += 1
                            for p in people:
                                restarted.marks.setdefault(p.tally.person, []).append(len(p.user.messages))
                            restarts.append(asyncio.create_task(restart(victim)))
                        else:
                            await database.outage(config.outage)
                            outages += 1

                async def everyone() -> None:
                    try:
                        await asyncio.gather(*(p.run() for p in people))
                    finally:
                        done.set()

                cpu_before = sum(w.cpu_seconds() for w in workers)
                own_before, answering_from = time.process_time(), time.monotonic()
                await asyncio.gather(everyone(), chaos())
                answering = time.monotonic() - answering_from
                bot_cpu = sum(w.cpu_seconds() for w in workers) - cpu_before
                generator_cpu = time.process_time() - own_before
                await asyncio.gather(*restarts)
                await asyncio.sleep(config.late + 0.5)  # the late copies arrive and are handled
            for worker in workers:
                await worker.stop()
            async with _inspector(database.inspect_url) as inspector:
                for person in people:
                    await _count_check(person, inspector)
                    person.count_copies()
            deliveries = router.posts if router is not None else 0
            tail = "\n".join(w.output()[-1500:] for w in workers)
            return Outcome(config, [p.tally for p in people], kills, outages, deliveries,
                           time.monotonic() - began, tail, answering, bot_cpu, generator_cpu)
    finally:
        for worker in workers:
            await worker.kill()
        await database.drop()
