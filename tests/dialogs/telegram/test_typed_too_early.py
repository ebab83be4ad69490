"""A typed answer is applied only to the question that was on the person's screen when they typed it, and after
a restart a chat gets at most one fresh copy of its current screen (issue 22, defect 8).

Real aiogram updates through the real Dispatcher; message ids as Telegram gives them in a private chat (the
person's and the bot's messages numbered together, tg_harness via RecordingSession.message_number).
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage, TelegramMethod
from conftest import World
from sqlalchemy import delete, select
from tg_harness import Person, sent

from bot.db.models import AnswerRow, ShownScreen
from bot.dialogs.telegram import create_dispatcher
from bot.i18n import Translator
from bot.service.sessions import Interviews

TR = Translator("zh")
Q1 = "企业的数字化设备覆盖范围"
Q2 = "企业的数字化设备联网率"
Q3 = "企业的关键工序数控化率"
NOT_SAVED = "显示之前输入的“1”未保存"


async def answers(world: World) -> dict[str, Any]:
    async with world.db() as s:
        return {r.item_id: r.value for r in await s.scalars(select(AnswerRow))}


async def opened(world: World) -> Person:
    person = world.person()
    await person.send("/start")
    await person.press("制造业中小企业数字化水平评测表（2022年版）")
    assert Q1 in person.last_text()
    return person


async def test_a_text_typed_before_the_next_question_was_shown_is_not_applied_to_it(world: World) -> None:
    person = await opened(world)
    # "1" typed for Q1, and typed again while Q1 still showed (the first one's reply not there yet)
    first, repeat = person.message_update("1"), person.message_update("1")
    assert Q2 in sent(await person.feed(first))[-1].text
    [reply] = sent(await person.feed(repeat))
    assert (await answers(world)) == {"q1": "single"}  # not Q2's answer
    # the current question again, with what was and was not saved
    assert NOT_SAVED in reply.text and "已保存：第 1 题，单个业务环节" in reply.text and Q2 in reply.text
    # typed after that screen: applied to Q2
    assert Q3 in sent(await person.send("1"))[-1].text
    assert (await answers(world)) == {"q1": "single", "q2": "b1"}


async def test_a_refusal_shows_the_same_question_again_and_an_answer_typed_meanwhile_still_counts(
        world: World) -> None:
    person = await opened(world)
    await person.send("1")
    # typed on Q2 one after the other: the refusal's copy of Q2 comes after both, and Q2 is still the question
    wrong, right = person.message_update("很多"), person.message_update("15%")
    assert "很多" in sent(await person.feed(wrong))[0].text
    [reply] = sent(await person.feed(right))
    assert Q3 in reply.text and "未保存" not in reply.text
    assert (await answers(world)) == {"q1": "single", "q2": "b2"}


def fail_sends(person: Person) -> list[bool]:
    """Make the next SendMessage fail as a network error would (the bot's Bot API session); returns the switch."""
    armed = [True]
    session = person.session
    original = session.make_request

    async def make_request(bot: Any, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if armed[0] and isinstance(method, SendMessage):
            armed[0] = False
            raise TelegramNetworkError(method=method, message="connection reset")
        return await original(bot, method, timeout)

    session.make_request = make_request  # type: ignore[method-assign]
    return armed


async def test_after_a_restart_a_chat_gets_one_copy_of_its_screen_and_no_earlier_text_is_applied(
        world: World) -> None:
    person = await opened(world)
    answer, repeat = person.message_update("1"), person.message_update("1")
    # the answer is stored, then the process dies before its reply goes out (the send fails here): the update is
    # not confirmed, and Telegram will deliver it again
    fail_sends(person)
    with pytest.raises(TelegramNetworkError):
        await person.feed(answer)
    assert (await answers(world)) == {"q1": "single"}
    # a restart: a new service and dispatcher, nothing kept in memory; Telegram delivers the answer twice more
    # (the bot's own retries and the one before the crash) and the repeat the person typed meanwhile
    restarted = Interviews(world.interviews.sessionmaker, world.interviews.forms)
    person.dp = create_dispatcher(restarted, default_lang="zh", rate=10_000, burst=10_000)
    try:
        copies = [m.text for m in sent(await person.feed(answer)) + sent(await person.feed(answer))]
        assert len(copies) == 1 and Q2 in copies[0]  # one fresh copy of the current screen, not one per delivery
        [reply] = sent(await person.feed(repeat))
        assert NOT_SAVED in reply.text and Q2 in reply.text
        assert (await answers(world)) == {"q1": "single"}
        assert sent(await person.feed(repeat)) == []  # the refusal was handled: delivered again, nothing new
        assert Q3 in sent(await person.send("15%"))[-1].text
        assert (await answers(world)) == {"q1": "single", "q2": "b2"}
    finally:
        await restarted.close()


async def shown_rows(world: World) -> list[tuple[int, str, int]]:
    async with world.db() as s:
        return [(r.chat_id, r.screen_key, r.message_id) for r in await s.scalars(select(ShownScreen))]


async def test_the_screen_shown_is_recorded_with_the_first_message_that_showed_it(world: World) -> None:
    person = await opened(world)
    await person.send("1")
    [(chat, key, first)] = await shown_rows(world)
    assert (chat, key) == (person.user_id, "q:q2")
    await person.send("很多")  # refused: Q2 shown again, by a later message; the first one still counts
    assert await shown_rows(world) == [(chat, "q:q2", first)]
    await person.send("15%")
    [(_, key, later)] = await shown_rows(world)
    assert key == "q:q3" and later > first


async def test_a_chat_whose_screen_was_never_recorded_still_does_not_take_a_repeat_for_the_next_question(
        world: World) -> None:
    """The record of the first screen lost (the process died between sending it and recording it, or the chat
    predates the record), the answer applied and its reply lost: the answer's write records the screen it was
    given on, so the repeat typed meanwhile is still held back."""
    person = await opened(world)
    async with world.db.begin() as s:
        await s.execute(delete(ShownScreen))
    restarted = Interviews(world.interviews.sessionmaker, world.interviews.forms)
    person.dp = create_dispatcher(restarted, default_lang="zh", rate=10_000, burst=10_000)
    try:
        answer, repeat = person.message_update("1"), person.message_update("1")
        fail_sends(person)
        with pytest.raises(TelegramNetworkError):
            await person.feed(answer)
        [reply] = sent(await person.feed(repeat))
        assert NOT_SAVED in reply.text and Q2 in reply.text
        assert (await answers(world)) == {"q1": "single"}
    finally:
        await restarted.close()
