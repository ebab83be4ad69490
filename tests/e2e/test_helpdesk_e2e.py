"""Helpdesk over HTTP: two people and one staff member, `python -m bot run` against the fake Bot API.

The owner answers part of the self-assessment and asks for a resume code; staff find the session by that code,
take it, answer two items and hand it back; the owner finishes.  The audit trail shows both.  A second person
can reach the first one's session by no command or button, and ten wrong codes in a row are slowed down.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bot_process import BotProcess, Person, api, labels, visible
from fake_bot_api import FakeBotAPI

from bot.i18n import Translator
from bot.interview.loader import load_forms
from bot.interview.schema import ChoiceItem

pytestmark = pytest.mark.slow
__all__ = ["api"]  # the fake Bot API fixture

STAFF_ID = 9001
TR = Translator("zh")
MIIT = load_forms()["miit-2022"]
REFUSAL = TR.ui("This command is for helpdesk staff only.")


class StaffBot(BotProcess):
    def env(self) -> dict[str, str]:
        return {**super().env(), "STAFF_IDS": str(STAFF_ID)}


def first_option(item_id: str) -> str:
    item = MIIT.item(item_id)
    assert isinstance(item, ChoiceItem)
    return TR.form(item.options[0].label)


async def answer_single(person: Person, item_id: str) -> None:
    """Press the first option of a single-choice question (or its number when options are printed)."""
    screen = await person.next_screen(contains=None)
    names = labels(screen)
    label = first_option(item_id)
    await person.press(label if label in names else "1")


async def test_code_take_answer_hand_back_and_finish(api: FakeBotAPI, tmp_path: Path) -> None:
    owner = Person(api.user(1001, "张三", language_code="zh-hans"))
    staff = Person(api.user(STAFF_ID, "客服", language_code="zh-hans"))
    stranger = Person(api.user(1002, "李四", language_code="zh-hans"))
    async with StaffBot(api, tmp_path) as bot:
        await bot.start()
        await owner.send("/start")
        await owner.user.wait_message(contains=TR.form(MIIT.title))
        await owner.press(TR.form(MIIT.title))
        await answer_single(owner, "q1")
        await answer_single(owner, "q2")
        await owner.next_screen()  # q3 shown

        await owner.send("/code")
        message = await owner.user.wait_message(contains="-")
        code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{5}", visible(message))
        assert code is not None, visible(message)

        # a stranger can reach nothing: staff commands, the take button, guessing codes
        for command in ("/find 示例", f"/find {code.group(0)}", "/take 1", "/handback", "/reopen 1 x", "/audit 1",
                        "/export", "/staff add 1002"):
            await stranger.send(command)
            reply = await stranger.user.wait_message()
            assert visible(reply) == REFUSAL, (command, visible(reply))
        await stranger.send("你好")  # typed text goes to no one's session
        assert "/start" in visible(await stranger.user.wait_message())

        # staff find the session by the code and take it
        await staff.send(f"/find {code.group(0)}")
        listing = await staff.user.wait_message(contains="#")
        assert TR.form(MIIT.title) in visible(listing)
        rows = listing["reply_markup"]["inline_keyboard"]
        take = next(b["callback_data"] for row in rows for b in row if b["callback_data"].startswith("k:t:"))
        await staff.press(take)
        held = await staff.next_screen()
        assert MIIT.item("q3").text in visible(held)
        told = await owner.user.wait_message(contains="接手")
        assert told

        # the owner is locked out while staff hold it
        await owner.send("1")
        locked = await owner.user.wait_message()
        assert TR.ui("A helpdesk colleague is working on this interview right now; you will be told when it is "
                     "handed back.") in visible(locked)

        # staff answer two items on the owner's behalf, then hand it back
        await staff.press(labels(held)[0])
        await answer_single(staff, "q4")
        await staff.next_screen()
        await staff.send("/handback")
        await staff.user.wait_message(contains=TR.ui("Session {id} handed back; its owner has been told.", id=1))
        back = visible(await owner.user.wait_message(contains="/resume"))
        # the owner is told which answers staff changed, by the paper's numbers (issue 23 item 10)
        assert "3." in back and "4." in back and TR.ui("Your interview has been handed back to you.") in back

        # the stranger pressing the staff listing's take button (forged into their chat) is refused too
        stranger.user.api.queue_update({"callback_query": {
            "id": "forged-1", "from": {"id": 1002, "is_bot": False, "first_name": "李四"}, "chat_instance": "x",
            "data": take, "message": {"message_id": 1, "date": 0, "chat": {"id": 1002, "type": "private"},
                                      "text": "…"}}})
        assert visible(await stranger.user.wait_message()) == REFUSAL

        # the owner resumes where staff left off
        await owner.send("/resume")
        resumed = await owner.next_screen()
        assert MIIT.item("q5").text in visible(resumed)

        await staff.send("/audit 1")
        audit = visible(await staff.user.wait_message(contains=TR.ui("Audit trail of session {id}:", id=1)))
        # in words, as the desk shows it: question numbers and option labels, never item ids (issue 23 item 12)
        assert "q3" not in audit and "q1" not in audit and "actor" not in audit
        assert "3." in audit and "4." in audit and "接手" in audit

    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        rows = dict(db.execute("select item_id, by_staff from answers").fetchall())
    assert rows == {"q1": 0, "q2": 0, "q3": 1, "q4": 1}


async def test_ten_wrong_codes_are_slowed_down(api: FakeBotAPI, tmp_path: Path) -> None:
    guesser = Person(api.user(1003, "王五", language_code="zh-hans"))
    async with StaffBot(api, tmp_path) as bot:
        await bot.start()
        replies = []
        for n in range(10):
            await guesser.send(f"/start WRONGCODE{n:08d}")
            replies.append(visible(await guesser.user.wait_message()))
    wrong = TR.ui("This code is not valid (wrong, expired or revoked).")
    slow = TR.ui("Too many wrong codes. Please wait {seconds} seconds and try again.", seconds="§").split("§")[0]
    assert replies[:5] == [wrong] * 5
    assert all(r.startswith(slow) or r == wrong for r in replies[5:]) and any(r.startswith(slow) for r in replies)
