"""The whole miit-2022 interview over HTTP: `python -m bot run` as a subprocess against the fake Bot API.

A person reads each message, presses buttons or types, the bot is restarted in the middle (all state is in the
database), and the result message must show the total and level `python -m bot score` gives for the same answers.
"""

from __future__ import annotations

import asyncio
import html
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bot_process import STEP_TIMEOUT, BotProcess, Person, api, labels, pdf_text, visible
from fake_bot_api import FakeBotAPI

from bot.config import Settings
from bot.i18n import Translator
from bot.interview.dump import answers_from_json
from bot.interview.loader import load_forms
from bot.interview.numbering import numbering
from bot.interview.schema import ChoiceItem, Form, Item
from bot.present import points
from bot.scoring import evaluate
from tests.today import TODAY

pytestmark = pytest.mark.slow

__all__ = ["api"]  # the fake Bot API fixture

FORM: Form = load_forms()["miit-2022"]
TR = Translator("zh")

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


def item_on(entry: dict[str, Any]) -> Item | None:
    """The question a message asks (its bold heading), or None for another screen (review, result)."""
    text = entry.get("text") or ""
    labels = numbering(FORM).labels  # the heading is the item's number on the paper, then its text
    return next((i for i in FORM.items if f"<b>{labels[i.id]}. {html.escape(i.text)}</b>" in text), None)


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
    async with BotProcess(api, tmp_path) as bot:
        await bot.start()
        commands = {c.get("language_code") or "" for c in api.calls_of("setMyCommands")}
        assert commands == {"", "en"}
        assert {c["command"] for c in api.commands[""]} == {"start", "resume", "lang", "help", "cancel", "report",
                                                            "contract", "code", "forget"}
        assert {c["command"] for c in api.commands["en"]} == {c["command"] for c in api.commands[""]}
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
        await person.next_screen(contains=TR.ui("Submit now? Once submitted, answers can only be changed through "
                                                "the helpdesk."))
        await person.press(TR.ui("Yes, submit"))
        result = await person.user.wait_message(contains=TR.ui("Submitted. Thank you!"), timeout=STEP_TIMEOUT)

        evaluation = evaluate(FORM, answers_from_json(FORM, EXPECTED_JSON, TODAY))
        assert evaluation is not None
        shown = visible(result)
        expected = TR.ui("Total {total} / {maximum} · level {level}", total=points(evaluation.total),
                         maximum=points(evaluation.maximum), level=evaluation.level.name)
        assert expected in shown, shown
        assert "工业和信息化部中小企业数字化水平评测平台" in shown

        # the report arrives after the result: a PDF that shows the same total
        [report] = await person.documents(1)
        assert report["filename"].endswith(".pdf") and report["content"].startswith(b"%PDF")
        text = pdf_text(report["content"])
        assert points(evaluation.total) in text, text[:3000]
        assert not api.errors, api.errors
        assert await bot.stop() == 0, bot.output()


async def test_a_chat_flooding_the_service_is_told_once_then_slowed_down(api: FakeBotAPI, tmp_path: Path) -> None:
    """The per-chat limit as deployed (TELEGRAM_RATE_PER_CHAT / TELEGRAM_BURST_PER_CHAT at their defaults): fifteen
    messages at once get at most a burst's replies and one polite notice; a second later the chat is served again."""
    rate = float(Settings.model_fields["telegram_rate_per_chat"].default)
    burst = float(Settings.model_fields["telegram_burst_per_chat"].default)
    flooder = api.user(user_id=5009, first_name="刷屏", language_code="zh-hans")
    notice = TR.ui("You are sending messages very quickly. Please wait a moment, then continue.")
    async with BotProcess(api, tmp_path, rate_per_chat=rate, burst_per_chat=burst) as bot:
        await bot.start()
        for _ in range(15):
            await flooder.send("/help")
        await flooder.wait_message(contains=notice, timeout=STEP_TIMEOUT)
        await asyncio.sleep(0.5)
        texts = [visible(m) for m in flooder.messages]
        assert texts.count(notice) == 1, texts
        assert len(texts) - 1 <= burst + 1, texts  # a burst's worth, plus what refilled meanwhile
        await asyncio.sleep(burst / rate)  # the bucket refills …
        before = len(flooder.messages)
        await flooder.send("/help")  # … and the chat is answered again
        await flooder.wait_message(timeout=STEP_TIMEOUT)
        assert len(flooder.messages) == before + 1
        assert await bot.stop() == 0, bot.output()
