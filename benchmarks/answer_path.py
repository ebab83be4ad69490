"""The answer path under load: N answers from M concurrent chats through the real aiogram Dispatcher.

Three runs in one process, with the same recording Bot API session (no network; requests are serialised and
responses parsed as aiogram does over HTTP):
  (a) a bare aiogram echo handler — the baseline;
  (c) the echo replying, in turn, with the screens the interview sends (texts and keyboards built beforehand):
      aiogram's own cost of the interview's messages, with no logic and no database — the floor under (b);
  (b) the miit-2022 interview, every answer committed to a real SQLite file before its reply is sent.
Prints for each: updates/s, p50 and p99 latency, and the process's CPU time per update (all its threads: the
answer writer's and the database driver's included), and the ratios b/a, c/a and b/c (of answers per CPU second,
and of answers per wall second).  CPU per answer is the figure that compares on a shared machine: the wall rate
moves with what else runs, the CPU an answer costs far less.

The runs are repeated in rounds (a, c, b; a, c, b; ...) and the ratios are the medians of the rounds' ratios: on
a shared 2-core machine the speed of the whole process drifts by ±30% over a minute, and only runs close in time
compare.  The process first gets the garbage-collector settings the service runs with (bot/runtime.py); they
apply to every run alike.

    python benchmarks/answer_path.py [--chats 500] [--answers 13000] [--rounds 3] [--no-db] [--dialog]
                                     [--against REV]

--against REV runs the same rounds on another commit side by side: each round runs (a), (c), (b) in a fresh
process for this checkout and for REV (a temporary `git worktree`, benchmarks/checkouts.py), taking turns, and
prints both checkouts' CPU per answer and b/c.

--dialog adds (d), the same questionnaire built with aiogram-dialog with its state in memory
(benchmarks/dialog_reference.py; needs `pip install -e .[bench]`), in the same rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message, Update
from pydantic._internal import _generics
from sqlalchemy import event

from bot.db.batch import AnswerWriter, StepWrite
from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.dialogs.telegram import create_dispatcher, dispatcher, responses, screens
from bot.dialogs.telegram.recording import RecordingSession
from bot.i18n import Translator
from bot.interview import engine
from bot.interview.engine import State
from bot.interview.loader import load_forms
from bot.interview.schema import Form, MultiChoice
from bot.present.build import build_screen
from bot.runtime import tune_garbage_collector
from bot.service.sessions import Interviews


def message_update(update_id: int, chat_id: int, text: str, bot: Bot) -> Update:
    return Update.model_validate(
        {"update_id": update_id,
         # far above the ids of the bot's messages in the chat (RecordingSession numbers them 1, 2, … per chat),
         # as a person's message typed after the screen it answers is
         "message": {"message_id": update_id * 1000, "date": 1_700_000_000, "text": text,
                     "chat": {"id": chat_id, "type": "private", "first_name": "用户"},
                     "from": {"id": chat_id, "is_bot": False, "first_name": "用户", "language_code": "zh-hans"}}},
        context={"bot": bot},
    )


def interview_lines(form: Form) -> list[str]:
    """What a person types to answer every question once (a mix of single and multiple choices)."""
    lines: list[str] = []
    for n, item in enumerate(form.items):
        if not item.required:
            lines.append("跳过")
        elif isinstance(item, MultiChoice):
            lines.append("1 2" if n % 2 else "1")
        else:
            lines.append(str(1 + n % 3))
    return lines


class RunCosts:
    """What the process spent besides the handlers during the last timed run: garbage-collector passes and their
    time, and how many `Response[...]` classes pydantic built (aiogram parses every Bot API reply as one)."""

    passes = 0
    seconds = 0.0
    response_classes = 0
    _started = 0.0

    @classmethod
    def reset(cls) -> None:
        cls.passes, cls.seconds, cls.response_classes = 0, 0.0, 0

    @classmethod
    def on_collect(cls, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            cls._started = time.perf_counter()
        else:
            cls.passes += 1
            cls.seconds += time.perf_counter() - cls._started


def _count_response_classes() -> None:
    build = _generics.create_generic_submodel

    def counted(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("Response["):
            RunCosts.response_classes += 1
        return build(name, *args, **kwargs)

    _generics.create_generic_submodel = counted  # type: ignore[assignment]


class Timed:
    """The wall and CPU seconds of the last timed run."""

    cpu = 0.0


async def drive(dp: Dispatcher, bot: Bot, per_chat: dict[int, list[Update]]) -> tuple[float, list[float]]:
    """Each chat feeds its updates in order (as Telegram delivers them); chats run concurrently."""
    latencies: list[float] = []

    async def chat(updates: list[Update]) -> None:
        for update in updates:
            started = time.perf_counter()
            await dp.feed_update(bot, update)
            latencies.append(time.perf_counter() - started)

    gc.collect()
    gc.freeze()  # parsed updates kept alive would otherwise trip the cyclic GC and distort p99
    RunCosts.reset()
    gc.callbacks.append(RunCosts.on_collect)
    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(chat(u) for u in per_chat.values()))
    elapsed = time.perf_counter() - started
    Timed.cpu = time.process_time() - cpu
    gc.callbacks.remove(RunCosts.on_collect)
    gc.unfreeze()
    return elapsed, latencies


def report(name: str, count: int, elapsed: float, latencies: list[float]) -> dict[str, float]:
    """Prints one run's figures; returns them (rate: per wall second, cpu: CPU µs per update)."""
    rate = count / elapsed
    cpu = Timed.cpu / count * 1e6
    cuts = statistics.quantiles(latencies, n=100)
    print(f"{name:<36} {count:>6} {rate:>7.0f}/s  CPU {cpu:6.0f} µs/update  p50 {cuts[49] * 1000:7.2f} ms  "
          f"p99 {cuts[98] * 1000:7.2f} ms")
    print(f"{'':<36} collector: {RunCosts.passes} passes, {RunCosts.seconds:.2f} s of {elapsed:.2f} s; "
          f"Response classes built: {RunCosts.response_classes}", flush=True)
    return {"rate": rate, "cpu": cpu, "p50": cuts[49], "p99": cuts[98]}


def interview_screens(form: Form) -> list[screens.Outgoing]:
    """The messages the interview sends while a person answers `interview_lines` once: each next screen, with
    the "saved" line above it, as (b) sends them."""
    tr = Translator("zh")
    state = engine.start(form)
    sent: list[screens.Outgoing] = []
    today = date.today()  # a benchmark run, as the service would
    for line in interview_lines(form):
        step = engine.apply(form, state, engine.Text(line), today)
        state = step.state
        saved = "✓ " + tr.ui("Saved: {answer}", answer=line)
        scr = build_screen(form, state, today, tr, session_id=1)
        try:
            sent.append(screens.outgoing(scr, tr, None, before=saved))
        except TypeError:  # --against a commit before outgoing() took the service (no screen record then)
            sent.append(screens.outgoing(scr, tr, before=saved))  # type: ignore[call-arg]
    return sent


async def echo_run(chats: int, answers: int, *, with_keyboard: bool = False) -> tuple[int, float, list[float]]:
    """(a) a bare echo; with_keyboard: (c) the same echo replying, in turn, with the screens the interview sends
    (their texts and keyboards, built beforehand): aiogram's own cost of the interview's messages, with no logic."""
    router = Router()
    sent = interview_screens(load_forms()["miit-2022"]) if with_keyboard else []
    turn: dict[int, int] = {}

    @router.message()
    async def echo(message: Message) -> None:
        if not sent:
            await message.answer(message.text or "")
            return
        n = turn.get(message.chat.id, 0)
        turn[message.chat.id] = n + 1
        screen = sent[n % len(sent)]
        await message.answer(screen.text, reply_markup=screen.markup, parse_mode="HTML")

    dp = Dispatcher()
    dp.include_router(router)
    bot = Bot("123456:BENCH", session=RecordingSession(keep_calls=False))
    per_chat = {c: [message_update(c * 100_000 + i, c, "1", bot) for i in range(answers // chats)]
                for c in range(1, chats + 1)}
    elapsed, latencies = await drive(dp, bot, per_chat)
    await bot.session.close()
    return sum(len(u) for u in per_chat.values()), elapsed, latencies


async def interview_run(chats: int, answers: int, folder: Path) -> tuple[int, float, list[float], int]:
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}")
    await upgrade(engine)
    forms = load_forms()
    form = forms["miit-2022"]
    interviews = Interviews(sessionmaker(engine), forms)
    peak = [0, 0]  # connections checked out now, and at most

    def checkout(*_: Any) -> None:
        peak[0] += 1
        peak[1] = max(peak)

    def checkin(*_: Any) -> None:
        peak[0] -= 1

    event.listen(engine.sync_engine, "checkout", checkout)
    event.listen(engine.sync_engine, "checkin", checkin)
    dp = create_dispatcher(interviews, rate=1e9, burst=1e9)
    bot = Bot("123456:BENCH", session=RecordingSession(keep_calls=False))
    lines = interview_lines(form)
    per_chat: dict[int, list[Update]] = {}
    rounds = max(1, answers // chats // len(lines))
    for c in range(1, chats + 1):
        # each chat answers the whole interview `rounds` times (a new person each round)
        per_chat[c] = []
    opened: list[tuple[int, int]] = []
    for r in range(rounds):
        for c in range(1, chats + 1):
            chat_id = r * 1_000_000 + c
            await interviews.open(f"tg:{chat_id}", form.id)
            opened.append((c, chat_id))
            per_chat[c].extend(message_update(chat_id * 100 + i, chat_id, text, bot) for i, text in enumerate(lines))
    elapsed, latencies = await drive(dp, bot, per_chat)
    async with engine.connect() as conn:
        from sqlalchemy import text

        stored = int((await conn.execute(text("select count(*) from answers"))).scalar_one())
    writer = interviews.writer
    print(f"{'':<36} group commit: {writer.writes} writes in {writer.batches} transactions, "
          f"{writer.writes / max(writer.batches, 1):.0f} per transaction; "
          f"most connections checked out of the service's pool at once: {peak[1]} (pool size 5, overflow 10)")
    await bot.session.close()
    await interviews.close()
    await engine.dispose()
    return sum(len(u) for u in per_chat.values()), elapsed, latencies, stored


@contextlib.contextmanager
def _writer_disabled() -> Iterator[None]:
    """The answer writer acknowledges every write at once without touching the database."""
    original = AnswerWriter.write

    async def acknowledge(self: AnswerWriter, job: StepWrite) -> tuple[int, State]:
        return job.expected_version + 1, job.state

    AnswerWriter.write = acknowledge  # type: ignore[method-assign]
    try:
        yield
    finally:
        AnswerWriter.write = original  # type: ignore[method-assign]


async def one_round(args: argparse.Namespace, dialog_run: Any) -> dict[str, dict[str, float]]:
    """(a), (c), (b) (and (b'), (d) when asked) once, in this process."""
    figures: dict[str, dict[str, float]] = {}
    count, elapsed, latencies = await echo_run(args.chats, args.answers)
    figures["a"] = report("(a) bare aiogram echo", count, elapsed, latencies)
    count, elapsed, latencies = await echo_run(args.chats, args.answers, with_keyboard=True)
    figures["c"] = report("(c) echo of the interview's screens", count, elapsed, latencies)
    with tempfile.TemporaryDirectory() as folder:
        count, elapsed, latencies, stored = await interview_run(args.chats, args.answers, Path(folder))
    figures["b"] = report("(b) interview, committed to SQLite", count, elapsed, latencies)
    print(f"{'':<36} answers stored: {stored} of {count}")
    if args.no_db:
        with tempfile.TemporaryDirectory() as folder, _writer_disabled():
            count, elapsed, latencies, _ = await interview_run(args.chats, args.answers, Path(folder))
        figures["b'"] = report("(b') interview, nothing written", count, elapsed, latencies)
    if dialog_run is not None:
        count, elapsed, latencies, _, _ = await dialog_run(args.chats, args.answers)
        figures["d"] = report("(d) aiogram-dialog, state in memory", count, elapsed, latencies)
    return figures


def _ratios(figures: dict[str, dict[str, float]]) -> dict[str, float]:
    """b/c of answers per CPU second (c's CPU per update over b's), and the wall ratios."""
    found = {"b/c cpu": figures["c"]["cpu"] / figures["b"]["cpu"],
             "b/a": figures["b"]["rate"] / figures["a"]["rate"], "c/a": figures["c"]["rate"] / figures["a"]["rate"],
             "b/c": figures["b"]["rate"] / figures["c"]["rate"]}
    if "d" in figures:
        found["d/a"] = figures["d"]["rate"] / figures["a"]["rate"]
    return found


def _child_round(path: Path, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """One round in a fresh process running the `bot` package of the checkout at `path`."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--chats", str(args.chats),
               "--answers", str(args.answers)]
    env = {**os.environ, "PYTHONPATH": str(path)}
    done = subprocess.run(command, cwd=path, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the round at {path} failed:\n{done.stderr[-3000:]}")
    lines = done.stdout.strip().splitlines()
    print("\n".join(f"    {line}" for line in lines[:-1]), flush=True)
    figures: dict[str, dict[str, float]] = json.loads(lines[-1])
    return figures


def against(args: argparse.Namespace) -> None:
    from checkouts import ROOT, checkout, describe

    here, there = describe("HEAD"), describe(args.against)
    print(f"{args.chats} concurrent chats, about {args.answers} updates each run, {args.rounds} rounds, "
          f"{here} (this checkout) and {there} taking turns, each round in a fresh process", flush=True)
    rows: dict[str, list[dict[str, float]]] = {here: [], there: []}
    with checkout(args.against) as path:
        sides = [(here, ROOT), (there, path)]
        for round_no in range(1, args.rounds + 1):
            for label, where in sides if round_no % 2 else sides[::-1]:
                print(f"round {round_no}: {label}", flush=True)
                figures = _child_round(where, args)
                rows[label].append({**{f"{k} cpu": v["cpu"] for k, v in figures.items()},
                                    **{f"{k} rate": v["rate"] for k, v in figures.items()}, **_ratios(figures)})
    print(f"\nmedians over {args.rounds} rounds   (a) CPU µs  (c) CPU µs  (b) CPU µs  b/c (CPU)  b/c (wall)  "
          "(b) answers/s")
    for label, runs in rows.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"{label:<29} {med['a cpu']:>11.0f} {med['c cpu']:>11.0f} {med['b cpu']:>11.0f} "
              f"{med['b/c cpu']:>10.2f} {med['b/c']:>11.2f} {med['b rate']:>13.0f}")
    per_round = [a["b cpu"] / b["b cpu"] for a, b in zip(rows[here], rows[there], strict=True)]
    print(f"(b) CPU per answer, {here} / {there}, per round: {', '.join(f'{r:.2f}' for r in per_round)}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--answers", type=int, default=13_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-db", action="store_true",
                        help="also run the interview with the answer writer replaced by a no-op "
                             "(what the database costs)")
    parser.add_argument("--untuned", action="store_true",
                        help="without the service's two process-level fixes: CPython's default collector settings, "
                             "and aiogram's Response classes not kept alive (what those fixes are worth)")
    parser.add_argument("--dialog", action="store_true",
                        help="also run (d), the questionnaire on aiogram-dialog with state in memory")
    parser.add_argument("--against", metavar="REV", help="run the same rounds on this commit too, side by side")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.against:
        against(args)
        return
    dialog_run: Any = None
    if args.dialog:
        import dialog_reference  # needs aiogram-dialog (the bench extra)

        dialog_run = dialog_reference.dialog_run
    _count_response_classes()
    if args.untuned:
        responses.KEPT = dispatcher.KEPT = ()  # type: ignore[attr-defined]  # the only references: pydantic's weak cache may drop the classes
    else:
        tune_garbage_collector()
    if args.child:
        figures = await one_round(args, None)
        print(json.dumps(figures))
        return
    print(f"{args.chats} concurrent chats, about {args.answers} updates each run, {args.rounds} rounds")
    ratios: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for round_no in range(1, args.rounds + 1):
        print(f"round {round_no}")
        figures = await one_round(args, dialog_run)
        for name, value in _ratios(figures).items():
            ratios.setdefault(name, []).append(value)
        for name, run in figures.items():
            cpu.setdefault(name, []).append(run["cpu"])

    def rounds(name: str) -> str:
        return ", ".join(f"{r:.2f}" for r in ratios[name])

    medians = {name: statistics.median(values) for name, values in ratios.items()}
    print("CPU per update, median: " + "   ".join(f"({k}) {statistics.median(v):.0f} µs" for k, v in cpu.items()))
    print(f"b/c of answers per CPU second: {medians['b/c cpu']:.2f}  (rounds: {rounds('b/c cpu')})")
    print(f"wall: b/a {medians['b/a']:.2f} (rounds: {rounds('b/a')})   c/a {medians['c/a']:.2f} (aiogram's own cost of "
          f"sending the interview's screens, no logic)   b/c {medians['b/c']:.2f}")
    if "d/a" in medians:
        print(f"aiogram-dialog, in memory, d/a: {medians['d/a']:.2f}  (rounds: {rounds('d/a')})")

if __name__ == "__main__":
    asyncio.run(main())
