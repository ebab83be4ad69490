"""The whole miit-2022 interview over HTTP: `python -m bot run` as a subprocess against the fake Bot API.

A person reads each message, presses buttons or types, the bot is restarted in the middle (all state is in the
database), and the result message must show the total and level `python -m bot score` gives for the same answers.
"""

from __future__ import annotations

import asyncio
import html
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_bot_api import FakeBotAPI, FakeUser

from bot.i18n import Translator
from bot.interview.dump import answers_from_json
from bot.interview.loader import load_forms
from bot.interview.schema import ChoiceItem, Form, Item
from bot.present import points
from bot.scoring import evaluate

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
FORM: Form = load_forms()["miit-2022"]
TR = Translator("zh")
START_TIMEOUT = 60.0
STEP_TIMEOUT = 15.0
#: the bot allows 5 updates a second per chat (burst 10); a person is slower than that, and so is this test
MIN_GAP = 0.21

# What the person does on each item: press an option, tick options then Done, type, or skip.
Plan = tuple[str, Any]
PLAN: dict[str, Plan] = {
    "q1": ("press", "key"),
    "q2": ("type", "15%"),
    "q3": ("wrong_then_press", ("七十多", "b2")),
    "q4": ("press", "all"),
    "q5": ("tick", ["rd", "production", "none", "finance", "sales"]),  # 以上均无 clears the first two
    "q6": ("tick", ["data_standards", "sharing"]),
    "q7": ("press", "self_assessed"),
    "q8": ("tick", ["cad"]),
    "q9": ("press", "workshop"),
    "q10": ("tick", ["equipment", "process"]),
    "q11": ("tick", ["inspection", "visibility", "lean"]),
    "q12": ("tick", ["none"]),
    "q13": ("tick", ["barcode"]),
    "q14": ("tick", ["it_procurement", "strategy"]),
    "q15": ("tick", ["sales_plan"]),
    "q16_1": ("tick", ["returns", "experience", "satisfaction"]),
    "q16_2": ("tick", ["none"]),
    "q16_3": ("tick", ["proactive"]),
    "q17": ("tick", ["rd", "production", "ordering"]),
    "q18": ("tick", ["goals", "plan"]),
    "q19": ("tick", ["roles"]),
    "q20": ("tick", ["it_staff", "business_staff"]),
    "q21": ("type", "2.5%"),
    "q22": ("press", "higher"),
    "q22_value": ("skip", None),
    "q23": ("press", "par"),
    "q23_value": ("type", "85"),
    "q24": ("press", "lower"),
    "q24_value": ("type", "72.5"),
}
RESTART_AFTER = "q10"
#: the same answers as ANSWERS.json for `python -m bot score` (a skipped item is left out)
EXPECTED_JSON: dict[str, Any] = {
    "q1": "key", "q2": "15%", "q3": "b2", "q4": "all", "q5": ["finance", "sales"], "q6": ["data_standards", "sharing"],
    "q7": "self_assessed", "q8": ["cad"], "q9": "workshop", "q10": ["equipment", "process"],
    "q11": ["inspection", "visibility", "lean"], "q12": ["none"], "q13": ["barcode"],
    "q14": ["it_procurement", "strategy"], "q15": ["sales_plan"], "q16_1": ["returns", "experience", "satisfaction"],
    "q16_2": ["none"], "q16_3": ["proactive"], "q17": ["rd", "production", "ordering"], "q18": ["goals", "plan"],
    "q19": ["roles"], "q20": ["it_staff", "business_staff"], "q21": "2.5%", "q22": "higher", "q23": "par",
    "q23_value": "85", "q24": "lower", "q24_value": "72.5",
}


class BotProcess:
    """`python -m bot run` in a subprocess; its output goes to a log file shown when a test fails."""

    def __init__(self, api: FakeBotAPI, workdir: Path) -> None:
        self.api = api
        self.workdir = workdir
        self.log = workdir / "bot.log"
        self.proc: asyncio.subprocess.Process | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k.upper() not in ("WEBHOOK_URL", "WEBHOOK_SECRET", "STAFF_IDS", "BOT_TOKEN", "DATABASE_URL")}
        env.update(BOT_TOKEN=self.api.token, TELEGRAM_API_URL=self.api.base_url, DEFAULT_LANG="zh",
                   DATABASE_URL=f"sqlite+aiosqlite:///{self.workdir / 'bot.sqlite3'}",
                   PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
        return env

    async def start(self) -> None:
        """Start the process and wait until it long-polls (it deletes any webhook right before)."""
        before = {id(p) for p in self.api.calls_of("deleteWebhook")}
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=self.workdir, env=self.env(),
                stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=asyncio.subprocess.STDOUT)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while True:
            assert self.proc.returncode is None, f"the bot exited early:\n{self.output()}"
            try:
                await self.api.wait_call("deleteWebhook", timeout=1.0, predicate=lambda p: id(p) not in before)
                break
            except AssertionError:
                if loop.time() > deadline:
                    raise AssertionError(f"the bot did not start:\n{self.output()}") from None
        await self.api.wait_polling(timeout=STEP_TIMEOUT)

    async def stop(self) -> int:
        """SIGTERM, and wait for a clean exit."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), 30)

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-6000:] if self.log.exists() else ""


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


class Person:
    """Reads the bot's messages and answers like a person would, never faster than MIN_GAP apart."""

    def __init__(self, user: FakeUser) -> None:
        self.user = user
        self.last_action = 0.0

    async def _pace(self) -> None:
        loop = asyncio.get_running_loop()
        wait = self.last_action + MIN_GAP - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self.last_action = loop.time()

    async def send(self, text: str) -> None:
        await self._pace()
        await self.user.send(text)

    async def press(self, label: str) -> None:
        await self._pace()
        await self.user.press(label)

    async def next_screen(self, contains: str | None = None) -> dict[str, Any]:
        """The next message the bot sends (not an edit) that has buttons."""
        return await self.user.wait_message(contains=contains, timeout=STEP_TIMEOUT, edited=False,
                                            predicate=lambda e: bool(e["reply_markup"]))


def labels(entry: dict[str, Any]) -> list[str]:
    rows = (entry.get("reply_markup") or {}).get("inline_keyboard") or []
    return [b["text"] for row in rows for b in row]


def visible(entry: dict[str, Any]) -> str:
    return html.unescape(entry.get("text") or "")


def item_on(entry: dict[str, Any]) -> Item | None:
    """The question a message asks (its bold heading), or None for another screen (review, result)."""
    text = entry.get("text") or ""
    return next((i for i in FORM.items if f"<b>{html.escape(i.text)}</b>" in text), None)


def option_button(entry: dict[str, Any], item: ChoiceItem, option_id: str) -> str:
    """The button a person presses for an option: its label, or its number when the labels are in the text."""
    n = next(k for k, o in enumerate(item.options) if o.id == option_id)
    for text in labels(entry):
        if text.removeprefix("✓ ") in (item.options[n].label, str(n + 1)):
            return text
    raise AssertionError(f"no button for {item.id}/{option_id} in {labels(entry)}")


async def answer(person: Person, entry: dict[str, Any], item: Item) -> dict[str, Any]:
    """Carry out PLAN for the item shown in `entry`; return the next screen."""
    kind, arg = PLAN[item.id]
    if kind == "press":
        assert isinstance(item, ChoiceItem)
        await person.press(option_button(entry, item, arg))
    elif kind == "type":
        await person.send(arg)
    elif kind == "skip":
        await person.press(TR.ui("Skip"))
    elif kind == "wrong_then_press":
        wrong, option = arg
        await person.send(wrong)
        refused = await person.next_screen(contains="✗")
        assert wrong in visible(refused)  # the typed text is kept
        assert item_on(refused) == item
        assert isinstance(item, ChoiceItem)
        await person.press(option_button(refused, item, option))
    elif kind == "tick":
        assert isinstance(item, ChoiceItem)
        current = entry
        for option in arg:
            await person.press(option_button(current, item, option))
            current = await person.user.wait_message(edited=True, timeout=STEP_TIMEOUT,
                                                     predicate=lambda e: bool(e["reply_markup"]))
        ticked = [t for t in labels(current) if t.startswith("✓ ")]
        expected = EXPECTED_JSON[item.id]
        assert len(ticked) == len(expected), (item.id, ticked)
        await person.press(TR.ui("Done"))
    else:  # pragma: no cover
        raise AssertionError(kind)
    return await person.next_screen()


async def test_whole_interview_with_a_restart(api: FakeBotAPI, tmp_path: Path) -> None:
    user = api.user(user_id=5001, first_name="张三", language_code="zh-hans")
    person = Person(user)
    bot = BotProcess(api, tmp_path)
    try:
        await bot.start()
        commands = {c.get("language_code") or "" for c in api.calls_of("setMyCommands")}
        assert commands == {"", "en"}
        assert {c["command"] for c in api.commands[""]} == {"start", "resume", "lang", "help", "cancel"}
        assert api.commands["en"][0]["description"] == Translator("en").ui("Choose an interview")

        await person.send("/start")
        listing = await person.next_screen(contains=FORM.title)
        await person.press(FORM.title)
        entry = await person.next_screen()
        seen: list[str] = []
        restarted = False
        while (item := item_on(entry)) is not None:
            seen.append(item.id)
            entry = await answer(person, entry, item)
            if item.id == RESTART_AFTER and not restarted:
                restarted = True
                assert await bot.stop() == 0, bot.output()
                await bot.start()
                await person.send("/resume")
                entry = await person.next_screen()
                assert "欢迎回来" in visible(entry) or "Welcome back" in visible(entry)
        assert seen == list(PLAN), seen
        assert restarted and listing

        # the review screen, then submit
        assert TR.ui("Submit") in labels(entry), visible(entry)
        await person.press(TR.ui("Submit"))
        result = await person.user.wait_message(contains=TR.ui("Submitted. Thank you!"), timeout=STEP_TIMEOUT)

        evaluation = evaluate(FORM, answers_from_json(FORM, EXPECTED_JSON))
        assert evaluation is not None
        shown = visible(result)
        expected = TR.ui("Total {total} / {maximum} · level {level}", total=points(evaluation.total),
                         maximum=points(evaluation.maximum), level=evaluation.level.name)
        assert expected in shown, shown
        assert "工业和信息化部中小企业数字化水平评测平台" in shown
        assert not api.errors, api.errors
        assert await bot.stop() == 0, bot.output()
    except BaseException:
        print(bot.output())
        raise
    finally:
        await bot.kill()
