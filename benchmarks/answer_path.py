"""The answer path under load: N answers from M concurrent chats through the real aiogram Dispatcher.

Three runs in one process, with the same recording Bot API session (no network; requests are serialised and
responses parsed as aiogram does over HTTP):
  (a) a bare aiogram echo handler — the baseline;
  (c) the echo replying, in turn, with the screens the interview sends (texts and keyboards built beforehand):
      aiogram's own cost of the interview's messages, with no logic and no database — the floor under (b);
  (b) the miit-2022 interview, every answer committed to a real SQLite file before its reply is sent.
Prints updates/s, p50 and p99 latency for each and the ratios b/a, c/a and b/c.

The runs are repeated in rounds (a, c, b; a, c, b; ...) and the ratios are the medians of the rounds' ratios: on
a shared 2-core machine the speed of the whole process drifts by ±30% over a minute, and only runs close in time
compare.  The process first gets the garbage-collector settings the service runs with (bot/runtime.py); they
apply to every run alike.

    python benchmarks/answer_path.py [--chats 500] [--answers 13000] [--rounds 3] [--no-db] [--dialog]

--dialog adds (d), the same questionnaire built with aiogram-dialog with its state in memory
(benchmarks/dialog_reference.py; needs `pip install -e .[bench]`), in the same rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message, Update
from pydantic._internal import _generics

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
    started = time.perf_counter()
    await asyncio.gather(*(chat(u) for u in per_chat.values()))
    elapsed = time.perf_counter() - started
    gc.callbacks.remove(RunCosts.on_collect)
    gc.unfreeze()
    return elapsed, latencies


def report(name: str, count: int, elapsed: float, latencies: list[float]) -> float:
    rate = count / elapsed
    cuts = statistics.quantiles(latencies, n=100)
    print(f"{name:<34} {count:>7} {rate:>10.0f}/s   p50 {cuts[49] * 1000:7.2f} ms   p99 {cuts[98] * 1000:7.2f} ms")
    print(f"{'':<34} collector: {RunCosts.passes} passes, {RunCosts.seconds:.2f} s of {elapsed:.2f} s; "
          f"Response classes built: {RunCosts.response_classes}")
    return rate


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
        sent.append(screens.outgoing(build_screen(form, state, today, tr, session_id=1), tr, None,
                                      before=saved))
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
    args = parser.parse_args()
    dialog_run: Any = None
    if args.dialog:
        import dialog_reference  # needs aiogram-dialog (the bench extra)

        dialog_run = dialog_reference.dialog_run
    _count_response_classes()
    if args.untuned:
        responses.KEPT = dispatcher.KEPT = ()  # type: ignore[attr-defined]  # the only references: pydantic's weak cache may drop the classes
    else:
        tune_garbage_collector()
    print(f"{args.chats} concurrent chats, about {args.answers} updates each run, {args.rounds} rounds")
    ratios: dict[str, list[float]] = {"b/a": [], "c/a": [], "b/c": [], "d/a": []}
    for round_no in range(1, args.rounds + 1):
        print(f"round {round_no}")
        count, elapsed, latencies = await echo_run(args.chats, args.answers)
        echo = report("(a) bare aiogram echo", count, elapsed, latencies)
        count, elapsed, latencies = await echo_run(args.chats, args.answers, with_keyboard=True)
        keyboard = report("(c) echo of the interview's screens", count, elapsed, latencies)
        with tempfile.TemporaryDirectory() as folder:
            count, elapsed, latencies, stored = await interview_run(args.chats, args.answers, Path(folder))
        interview = report("(b) interview, committed to SQLite", count, elapsed, latencies)
        print(f"{'':<34} answers stored: {stored} of {count}")
        if args.no_db:
            with tempfile.TemporaryDirectory() as folder, _writer_disabled():
                count, elapsed, latencies, _ = await interview_run(args.chats, args.answers, Path(folder))
            report("(b') interview, nothing written", count, elapsed, latencies)
        if dialog_run is not None:
            count, elapsed, latencies, _, _ = await dialog_run(args.chats, args.answers)
            ratios["d/a"].append(report("(d) aiogram-dialog, state in memory", count, elapsed, latencies) / echo)
        ratios["b/a"].append(interview / echo)
        ratios["c/a"].append(keyboard / echo)
        ratios["b/c"].append(interview / keyboard)
    figures = {name: statistics.median(values) for name, values in ratios.items() if values}
    print(f"ratio b/a: {figures['b/a']:.2f}  (rounds: {', '.join(f'{r:.2f}' for r in ratios['b/a'])})")
    print(f"c/a: {figures['c/a']:.2f} (aiogram's own cost of sending the interview's screens, no logic)   "
          f"b/c: {figures['b/c']:.2f}")
    if "d/a" in figures:
        print(f"aiogram-dialog, in memory, d/a: {figures['d/a']:.2f}  "
              f"(rounds: {', '.join(f'{r:.2f}' for r in ratios['d/a'])})")


if __name__ == "__main__":
    asyncio.run(main())
