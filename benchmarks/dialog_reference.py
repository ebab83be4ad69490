"""A reference figure: the miit-2022 questionnaire built with aiogram-dialog, state in memory, under the same load.

Measured exactly as benchmarks/answer_path.py measures our bot (its helpers are imported): pre-built updates fed
through a real aiogram Dispatcher from M concurrent chats, each chat's updates in order, with the recording Bot
API session (no network; requests serialised, responses parsed as aiogram does).  Two runs per round:
  (a) a bare aiogram echo handler — the same baseline as answer_path.py;
  (d) the questionnaire as an aiogram-dialog Dialog: one Window per item (question text, a Select or a Multiselect
      with a "完成" button, back, and skip on optional items) and a MessageInput taking the typed answers that
      answer_path.py sends ("1" = option 1, "1 2" = options 1 and 2, "跳过" = skip); each answer goes into the
      dialog data and the dialog switches to the next item's state, or ends after the last.  Storage is aiogram's
      MemoryStorage: nothing survives a restart, which is the difference this figure is for.
Every chat enters the dialog with "/start" before the clock starts; only the answers are timed.  Rounds alternate
(a, d; a, d; ...) and the ratio printed is the median of the rounds' d/a.  The process first gets the service's
garbage-collector settings, as answer_path.py does.

    python benchmarks/dialog_reference.py [--chats 500] [--answers 13000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import types
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.filters import CommandStart
from aiogram.fsm.state import State, StatesGroup
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, Message, Update
from aiogram_dialog import Dialog, DialogManager, StartMode, Window, setup_dialogs
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Back, Button, Column, ManagedMultiselect, Multiselect, Select
from aiogram_dialog.widgets.text import Const, Format
from answer_path import drive, echo_run, interview_lines, message_update, report

from bot.dialogs.telegram.recording import RecordingSession
from bot.interview.loader import load_forms
from bot.interview.schema import ChoiceItem, Form, Item, MultiChoice, SingleChoice
from bot.runtime import tune_garbage_collector

SKIP = "跳过"


class CountingSession(RecordingSession):
    """The recording session, also counting the Bot API methods called (by name) to check the dialog replied."""

    def __init__(self) -> None:
        super().__init__(keep_calls=False)
        self.methods: Counter[str] = Counter()

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None) -> Any:
        self.methods[method.__api_method__] += 1
        return await super().make_request(bot, method, timeout)


@dataclass
class Tally:
    applied: int = 0  # answers written to dialog data
    finished: int = 0  # questionnaires that reached manager.done()
    stored: list[int] = field(default_factory=list)  # answers held in dialog data at each done()


def parse(item: Item, text: str) -> tuple[bool, Any]:
    """A typed answer as answer_path.py sends it: (accepted, value); option ids for choices, None for a skip."""
    text = text.strip()
    if text == SKIP:
        return not item.required, None
    if not isinstance(item, ChoiceItem):
        return bool(text), text
    words = text.replace(",", " ").split()
    if not words or not all(w.isdigit() and 1 <= int(w) <= len(item.options) for w in words):
        return False, None
    ids = [item.options[int(w) - 1].id for w in words]
    if isinstance(item, MultiChoice):
        return True, sorted(set(ids))
    return len(ids) == 1, ids[0]


def build_dialog(form: Form, tally: Tally) -> tuple[Dialog, State]:
    """One Window per item of the form, in a StatesGroup made for it; returns the dialog and its first state."""
    group = types.new_class("Questionnaire", (StatesGroup,),
                            exec_body=lambda ns: ns.update({item.id: State() for item in form.items}))
    states: list[State] = [getattr(group, item.id) for item in form.items]

    async def advance(manager: DialogManager, index: int, value: Any) -> None:
        answers: dict[str, Any] = manager.dialog_data.setdefault("answers", {})
        answers[form.items[index].id] = value
        tally.applied += 1
        if index + 1 < len(states):
            await manager.switch_to(states[index + 1])
        else:
            tally.finished += 1
            tally.stored.append(len(answers))
            await manager.done()

    def window(index: int, item: Item) -> Window:
        async def typed(message: Message, widget: MessageInput, manager: DialogManager) -> None:
            accepted, value = parse(item, message.text or "")
            if accepted:
                await advance(manager, index, value)

        async def picked(callback: CallbackQuery, widget: Any, manager: DialogManager, option: str) -> None:
            await advance(manager, index, item.options[int(option)].id if isinstance(item, ChoiceItem) else None)

        async def completed(callback: CallbackQuery, widget: Button, manager: DialogManager) -> None:
            chosen: ManagedMultiselect[str] = manager.find(f"m{index}")  # type: ignore[assignment]
            if isinstance(item, ChoiceItem) and chosen.get_checked():
                await advance(manager, index, sorted(item.options[int(p)].id for p in chosen.get_checked()))

        async def skipped(callback: CallbackQuery, widget: Button, manager: DialogManager) -> None:
            await advance(manager, index, None)

        options = [(o.short or o.label, str(n)) for n, o in enumerate(getattr(item, "options", ()))]
        kind = " (多选)" if isinstance(item, MultiChoice) else ""
        widgets: list[Any] = [Const(f"<b>{item.text}</b>{kind}\n\n<i>进度 {index + 1}/{len(states)}</i>")]
        if isinstance(item, SingleChoice):
            widgets.append(Column(Select(Format("{item[0]}"), id=f"s{index}", item_id_getter=lambda o: o[1],
                                         items=options, on_click=picked)))
        elif isinstance(item, MultiChoice):
            widgets.append(Column(Multiselect(Format("✓ {item[0]}"), Format("{item[0]}"), id=f"m{index}",
                                              item_id_getter=lambda o: o[1], items=options)))
            widgets.append(Button(Const("完成"), id=f"d{index}", on_click=completed))
        if not item.required:
            widgets.append(Button(Const(SKIP), id=f"k{index}", on_click=skipped))
        if index:
            widgets.append(Back(Const("返回")))
        widgets.append(MessageInput(typed))
        return Window(*widgets, state=states[index], parse_mode="HTML")

    return Dialog(*(window(n, item) for n, item in enumerate(form.items))), states[0]


async def dialog_run(chats: int, answers: int) -> tuple[int, float, list[float], Tally, Counter[str]]:
    """(d): every chat answers the whole questionnaire, as a new person each time, as answer_path.py's (b) does."""
    form = load_forms()["miit-2022"]
    tally = Tally()
    dialog, first = build_dialog(form, tally)
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message, dialog_manager: DialogManager) -> None:
        await dialog_manager.start(first, mode=StartMode.RESET_STACK)

    dp = Dispatcher()  # MemoryStorage
    dp.include_routers(router, dialog)
    setup_dialogs(dp)
    session = CountingSession()
    bot = Bot("123456:BENCH", session=session)
    lines = interview_lines(form)
    rounds = max(1, answers // chats // len(lines))
    starts: list[Update] = []
    per_chat: dict[int, list[Update]] = {c: [] for c in range(1, chats + 1)}
    for r in range(rounds):
        for c in range(1, chats + 1):
            chat_id = r * 1_000_000 + c
            starts.append(message_update(chat_id * 100 + 99, chat_id, "/start", bot))
            per_chat[c].extend(message_update(chat_id * 100 + i, chat_id, text, bot) for i, text in enumerate(lines))
    await asyncio.gather(*(dp.feed_update(bot, u) for u in starts))
    session.methods.clear()  # count only what the timed answers called
    elapsed, latencies = await drive(dp, bot, per_chat)
    await bot.session.close()
    return sum(len(u) for u in per_chat.values()), elapsed, latencies, tally, session.methods


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--answers", type=int, default=13_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    tune_garbage_collector()
    print(f"{args.chats} concurrent chats, about {args.answers} updates each run, {args.rounds} rounds")
    ratios: list[float] = []
    items = len(load_forms()["miit-2022"].items)
    for round_no in range(1, args.rounds + 1):
        print(f"round {round_no}")
        count, elapsed, latencies = await echo_run(args.chats, args.answers)
        echo = report("(a) bare aiogram echo", count, elapsed, latencies)
        count, elapsed, latencies, tally, methods = await dialog_run(args.chats, args.answers)
        dialog = report("(d) aiogram-dialog, in memory", count, elapsed, latencies)
        people = count // items
        ok = (tally.applied == count and tally.finished == people
              and tally.stored == [items] * people)
        calls = ", ".join(f"{name} {n}" for name, n in sorted(methods.items()))
        print(f"{'':<34} answers applied: {tally.applied} of {count}; finished {tally.finished} of {people} "
              f"questionnaires{'' if ok else '  — MISMATCH'}; calls: {calls}")
        if not ok:
            raise SystemExit("the dialog did not take every answer")
        ratios.append(dialog / echo)
    print(f"ratio d/a: {statistics.median(ratios):.2f}  (rounds: {', '.join(f'{r:.2f}' for r in ratios)})")


if __name__ == "__main__":
    asyncio.run(main())
