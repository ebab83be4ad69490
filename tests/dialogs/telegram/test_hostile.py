"""Issue 11 on Telegram: hostile and unusual messages always get an answer, group chats expose nothing, resume
codes tell the owner and move a session once.  The real Dispatcher: a handler that raises fails the test."""

from __future__ import annotations

import re
import time
from enum import StrEnum
from html import escape
from typing import Any, get_args

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import Update
from conftest import STAFF_ID, World
from sqlalchemy import select
from tg_harness import Person, sent

from bot.db.models import AnswerRow, CodeGuess
from bot.dialogs.telegram import create_dispatcher  # noqa: F401  (every router: every kind of button)
from bot.i18n import Translator
from bot.service.sessions import SESSION_ID_MAX

TR = Translator("zh")
EN = Translator("en")
PRIVATE_ONLY = "I work in private chats only: open a chat with me to fill in a questionnaire."


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


async def opened(world: World, user_id: int = 4242, language_code: str | None = "zh-hans") -> Person:
    person = world.person(user_id, language_code)
    await person.send("/start")
    tr = EN if language_code == "en" else TR
    await person.press(tr.form(world.interviews.forms["miit-2022"].title))
    return person


def replies_to(calls: list[Any], chat_id: int) -> list[str]:
    return [c.text for c in calls if isinstance(c, SendMessage) and int(c.chat_id) == chat_id]


async def test_unicode_digits_get_an_answer_and_circled_numbers_pick_options(world: World) -> None:
    person = await opened(world)
    for typed in ("²", "1 ²", "٣"):
        reply = sent(await person.send(typed))
        assert reply and "✗" in reply[-1].text, typed  # refused with the reason, not silence
    reply = sent(await person.send("①"))  # Q1 is a single choice: ① is option 1
    assert "✓" in reply[0].text
    async with world.db() as s:
        assert [r.item_id for r in await s.scalars(select(AnswerRow))] == ["q1"]
    await person.send("检查")
    for typed in ("²", "②", "１２３４５６７８９０１２３４５６７８９０"):
        assert sent(await person.send(typed)), typed  # the review screen answers all of them


async def test_staff_commands_with_odd_and_huge_numbers_answer(world: World) -> None:
    owner = await opened(world, 1001)
    await owner.send("2")
    staff = world.person(STAFF_ID)
    huge = "12345678901234567890"
    for command in (f"/take {huge}", "/take ²", f"/audit {huge}", f"/report {huge}", f"/reopen {huge} typo",
                    "/reopen ② reason", "/staff add ²", f"/find {'A' * 17}"):
        assert sent(await staff.send(command)), command
    # a user id past Telegram's 52 bits is no user id: the usage, not a staff member "tg:9999999999999999999"
    for command in ("/staff add 9999999999999999999", "/staff add 99999999999999999999", "/staff add 0"):
        assert [m.text for m in sent(await staff.send(command))] == [TR.ui("Usage: /staff add TELEGRAM_USER_ID")]
    # /find with a code-shaped query is a lookup, not a guess: six of them are not slowed down
    for _ in range(6):
        assert sent(await staff.send("/find ABCDEFGHJKMNPQRST"))
    async with world.db() as s:
        assert list(await s.scalars(select(CodeGuess))) == []
    # the Take button with a number past the database's integers: refused where it is unpacked, as a button that
    # no longer works (it never reaches the database)
    calls = await staff.press_data(f"k:t:{huge}")
    assert [c.text for c in calls if isinstance(c, AnswerCallbackQuery)] == [
        TR.ui("This button no longer works. Send /resume to see the current question.")]
    # a circled session number works as staff type it from an input method
    assert any("#1" in t or "1" in t for t in replies_to(await staff.send("/take ①"), STAFF_ID))


MALFORMED = ["", "i", "i:", "i:x:y:z", "i:1:0:q:0", f"i:{'9' * 25}:0:p:0", "i:1:99999999999999999999:p:0",
             "g:1:0:0:zz", f"g:{'9' * 25}:0:-1:a", "r:1:q", f"r:{'9' * 25}:e:0", "r:1:e:99999999999999999999",
             "f:abc", f"f:{'9' * 25}", "x:1:maybe", "l:", "l:xx", "k:", "k:t:abc", f"k:t:{'9' * 25}", "k:zz",
             "zzz", "::::", "i:1:0:p:-99999999999999999999", "\u0000", "😀" * 16, "<b>x</b>", "' OR 1=1 --",
             # issue 22: the contract button reached the database with any number (SQLite: OverflowError)
             "ct:99999999999999999999:0", "ct:1:99999999999999999999", "ct:-1:0", "ct:0:-5", "ct:1",
             "x:99999999999999999999:1", "k:t:-1", "l:" + "x" * 60]


async def test_every_malformed_button_is_answered(world: World) -> None:
    person = await opened(world)
    unanswered = []
    for data in MALFORMED:
        calls = await person.press_data(data)
        if not any(isinstance(c, AnswerCallbackQuery) for c in calls):
            unanswered.append(data)
    assert unanswered == []


def group_update(person: Person, text: str, chat_type: str = "supergroup") -> Update:
    message: dict[str, Any] = {"message_id": 1, "date": int(time.time()), "from": person._user(), "text": text,
                               "chat": {"id": -100123, "type": chat_type, "title": "同事群"}}
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return Update.model_validate({"update_id": next(person.update_ids), "message": message},
                                 context={"bot": person.bot})


async def test_group_chats_get_one_line_and_nothing_of_a_session(world: World) -> None:
    person = await opened(world, 1001)
    await person.send("2")
    for text in ("/code", "/resume", "/start", "/find 测试", "/take 1"):
        calls = await person.feed(group_update(person, text))
        assert replies_to(calls, -100123) == [escape(TR.ui(PRIVATE_ONLY))], text
    # ordinary group conversation is not an answer and gets no reply
    assert sent(await person.feed(group_update(person, "3"))) == []
    async with world.db() as s:
        assert [r.item_id for r in await s.scalars(select(AnswerRow))] == ["q1"]
    # a button pressed in a group is answered with the same line
    callback = {"id": "cbg", "from": person._user(), "chat_instance": "2", "data": "i:1:1:p:0",
                "message": {"message_id": 9, "date": int(time.time()), "text": "…",
                            "chat": {"id": -100123, "type": "group", "title": "同事群"}}}
    update = Update.model_validate({"update_id": next(person.update_ids), "callback_query": callback},
                                   context={"bot": person.bot})
    calls = await person.feed(update)
    assert [c.text for c in calls if isinstance(c, AnswerCallbackQuery)] == [TR.ui(PRIVATE_ONLY)]


async def test_long_emoji_answer_gets_a_reply_telegram_accepts(world: World) -> None:
    person = await opened(world)
    for answer in ("😀" * 2048, "<b>" * 1000, "&" * 4000, "x" * 4096, "\n" * 4000 + "1"):
        reply = sent(await person.send(answer))
        assert reply, answer[:10]
        assert all(utf16_len(m.text) <= 4096 for m in reply)


async def test_control_characters_are_dropped_at_the_boundary(world: World) -> None:
    person = world.person(1001)
    await person.send("/start")
    await person.press(TR.form(world.interviews.forms["heilongjiang-benchmark"].title))
    reply = sent(await person.send("哈尔滨\x01测试\x00有限公司\u202e"))[-1].text
    assert "✓" in reply
    async with world.db() as s:
        [row] = list(await s.scalars(select(AnswerRow)))
    assert "\x00" not in row.value and "\x01" not in row.value and "测试" in row.value


async def test_a_redeemed_code_tells_the_owner_in_their_language_and_moves_once(world: World) -> None:
    owner = await opened(world, 1001, language_code="en")
    await owner.send("2")
    code = re.search(r"<code>([A-Z2-9-]+)</code>", sent(await owner.send("/code"))[-1].text)
    assert code is not None
    other = world.person(2002)
    calls = await other.send(f"/start {code.group(1)}")
    told = replies_to(calls, 1001)
    assert len(told) == 1 and "2002" in told[0] and "helpdesk" in told[0]  # English, who took it
    assert not re.search(r"[\u4e00-\u9fff]", told[0].replace("测试", ""))
    # the same code again, by a third account: the session does not move a second time
    third = world.person(3003)
    refused = replies_to(await third.send(f"/start {code.group(1)}"), 3003)
    assert refused and escape(TR.ui("This code is not valid (wrong, expired or revoked).")) in refused[-1]
    assert (await world.interviews.holder(1))[0] == "tg:2002"
    # the old owner revokes: they are told what happened instead of "no interview"
    revoked = replies_to(await owner.send("/code revoke"), 1001)[-1]
    assert "moved to another account" in revoked and "helpdesk" in revoked


def test_clipping_keeps_text_whole_closes_tags_and_counts_utf16() -> None:
    from bot.dialogs.telegram.texts import clip

    no_newline = "x" * 5000
    assert clip(no_newline).startswith("x" * 3800)  # not cut to one character
    tagged = "<b>" + "粗" * 5000 + "</b>"
    clipped = clip(tagged)
    assert clipped.count("<b>") == clipped.count("</b>") == 1
    emoji = "😀" * 2048  # 4,096 UTF-16 units
    assert utf16_len(clip(emoji)) <= 4000
    entity = "a" * 3950 + "&amp;" * 100
    assert not clip(entity).rstrip("\n…").endswith(("&", "&a", "&am", "&amp"))


def test_every_number_a_button_carries_is_bounded_where_it_is_unpacked() -> None:
    """Each kind of button the bot makes, with each of its numbers set past every database integer or below -1,
    does not unpack (the fallback answers it); in range, it does (issue 22)."""
    classes = {c for c in _subclasses(CallbackData) if c.__module__.startswith("bot.")}
    assert {c.__name__ for c in classes} >= {"ContractButton", "StaffButton", "ItemButton", "GroupButton",
                                             "ReviewButton", "FormChoice", "LeaveButton", "LangButton"}
    checked = 0
    for cls in classes:
        fields = list(cls.model_fields)
        for name, field in cls.model_fields.items():
            if field.annotation is not int:
                continue
            for wrong in (10**20, -(10**20), SESSION_ID_MAX + 1, -2):
                parts = [str(wrong) if f == name else _sample(cls, f) for f in fields]
                with pytest.raises(ValueError):
                    cls.unpack(":".join([cls.__prefix__, *parts]))
            cls.unpack(":".join([cls.__prefix__, *(_sample(cls, f) for f in fields)]))
            checked += 1
    assert checked == 16  # every int field of the eight kinds


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(c) for c in found))


def _sample(cls: type[CallbackData], field: str) -> str:
    """A value in range for one field of a button."""
    annotation = cls.model_fields[field].annotation
    if annotation is int:
        return "1"
    if annotation is bool:
        return "1"
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return str(next(iter(annotation)).value)
    args = get_args(annotation)
    return str(args[0]) if args else "zh"
