"""Handler tests: the real Dispatcher, a real SQLite file, real Update objects, a recording Bot API session."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
)
from conftest import World
from sqlalchemy import func, select
from tg_harness import Person, button_data, buttons, sent

from bot.db.models import AnswerRow, AuditEvent, InterviewSession, User
from bot.dialogs.telegram.callbacks import ItemAction, ItemButton
from bot.i18n import Translator
from bot.interview.errors import AnswerError
from bot.present import error_text

TR = Translator("zh")
STALE = error_text(AnswerError("stale_button"), TR)
#: option 1 typed for each of q3–q21 (21 items: q3–q15, q16_1–q16_3, q17–q21)
THROUGH_Q21 = ["1"] * 21


async def answers(world: World) -> dict[str, Any]:
    async with world.db() as s:
        rows = await s.scalars(select(AnswerRow))
        return {r.item_id: r.value for r in rows}


async def session_row(world: World) -> InterviewSession:
    async with world.db() as s:
        row = await s.scalar(select(InterviewSession))
        assert row is not None
        return row


def callback_answers(calls: list[Any]) -> list[AnswerCallbackQuery]:
    return [c for c in calls if isinstance(c, AnswerCallbackQuery)]


async def opened(world: World) -> Person:
    person = world.person()
    await person.send("/start")
    await person.press("制造业中小企业数字化水平评测表（2022年版）")
    return person


async def test_start_lists_the_interviews(world: World) -> None:
    person = world.person()
    calls = await person.send("/start")
    [message] = sent(calls)
    assert "制造业中小企业数字化水平评测表（2022年版）" in message.text
    assert message.text.startswith("我帮助") and "逐题" in message.text  # one line on what the service is, first
    assert message.parse_mode == "HTML"
    listed = dict(buttons(message))
    assert listed["制造业中小企业数字化水平评测表（2022年版）"].startswith("f:")
    # every interview but the ones started from another's submission (a contract is drafted from a filing)
    assert len(listed) == len([f for f in world.interviews.forms.values() if f.starts_from is None]) == 5
    assert "杭州市中小企业数字化改造服务合同" not in listed


async def test_picking_a_form_shows_the_first_question(world: World) -> None:
    person = world.person()
    await person.send("/start")
    calls = await person.press("制造业中小企业数字化水平评测表（2022年版）")
    [message] = sent(calls)
    assert "企业的数字化设备覆盖范围" in message.text
    assert "数字化基础 / 设备系统" in message.text  # the section heading
    labels = [t for t, _ in buttons(message)]
    assert labels[:5] == ["单个业务环节", "关键业务环节", "绝大部分业务环节", "全覆盖", "以上均无"]
    assert TR.ui("Review") in labels and "❓" in labels
    assert TR.ui("Back") not in labels and TR.ui("Skip") not in labels  # first item, required
    assert all(len(d.encode()) <= 64 for _, d in buttons(message))


async def test_tapping_an_option_commits_it_and_shows_the_next_question(world: World) -> None:
    person = await opened(world)
    calls = await person.press("关键业务环节")
    assert await answers(world) == {"q1": "key"}
    [edit] = [c for c in calls if isinstance(c, EditMessageText)]
    assert "关键业务环节" in edit.text and edit.reply_markup is None
    [message] = sent(calls)
    assert "企业的数字化设备联网率" in message.text
    assert TR.ui("Progress {answered}/{total}", answered=1, total=24) in message.text  # MIIT's 24 questions
    assert callback_answers(calls)


async def test_multiple_choice_toggles_exclusive_and_done(world: World) -> None:
    person = await opened(world)
    for typed in ("1", "15%", "1", "1"):
        await person.send(typed)
    assert "企业实现数据自动/半自动获取并展示的业务环节覆盖范围" in person.last_text()
    calls = await person.press("研发设计")
    [edit] = [c for c in calls if isinstance(c, EditMessageReplyMarkup)]
    assert ("✓ 研发设计", button_data(edit, "✓ 研发设计")) in buttons(edit)
    assert "draft" in (await session_row(world)).state and (await session_row(world)).state["draft"] == ["rd"]
    await person.press("生产管控")
    await person.press("以上均无")
    edit = [c for c in person.session.calls if isinstance(c, EditMessageReplyMarkup)][-1]
    ticked = [t for t, _ in buttons(edit) if t.startswith("✓")]
    assert ticked == ["✓ 以上均无"]
    await person.press("财务")
    await person.press("销售")
    edit = [c for c in person.session.calls if isinstance(c, EditMessageReplyMarkup)][-1]
    assert [t for t, _ in buttons(edit) if t.startswith("✓")] == ["✓ 销售", "✓ 财务"]
    calls = await person.press(TR.ui("Done"))
    assert (await answers(world))["q5"] == ["sales", "finance"]
    assert "企业实现各类数据汇聚及应用的情况" in sent(calls)[0].text


async def test_long_labels_are_numbered_in_the_text(world: World) -> None:
    person = await opened(world)
    for typed in ("1", "15%", "1", "1", "1", "1"):
        await person.send(typed)
    message = person.keyboard_message()
    assert "企业在保障网络安全方面采取的举措情况" in message.text
    assert "1. 使用了工业级网络安全产品及服务，尚未建立网络安全保障制度" in message.text
    assert [t for t, _ in buttons(message)][:5] == ["1", "2", "3", "4", "5"]


async def test_invalid_typed_text_is_refused_and_kept(world: World) -> None:
    person = await opened(world)
    await person.press("全覆盖")
    calls = await person.send("一百二<b>")
    [message] = sent(calls)
    assert TR.ui("You typed: {typed}", typed="一百二&lt;b&gt;") in message.text
    assert "✗" in message.text
    assert "企业的数字化设备联网率" in message.text  # the same question again
    assert "q2" not in await answers(world)
    await person.send("15%")
    assert (await answers(world))["q2"] == "b2"


async def test_back_returns_to_the_previous_question(world: World) -> None:
    person = await opened(world)
    await person.press("全覆盖")
    calls = await person.press(TR.ui("Back"))
    [message] = sent(calls)
    assert "企业的数字化设备覆盖范围" in message.text
    assert TR.ui("Current answer: {answer}", answer="全覆盖") in message.text
    await person.press("单个业务环节")
    assert (await answers(world))["q1"] == "single"
    assert "企业的数字化设备联网率" in person.last_text()


async def test_a_skip_button_under_a_required_item_is_stale(world: World) -> None:
    """A required item shows no Skip: a forged or old Skip press is refused as stale, and nothing is stored."""
    person = await opened(world)
    row = await session_row(world)
    calls = await person.press_data(ItemButton(s=row.id, p=0, a=ItemAction.SKIP).pack())
    [answer] = callback_answers(calls)
    assert answer.text == error_text(AnswerError("stale_button"), TR)
    assert await answers(world) == {}


async def test_skip_on_an_optional_item(world: World) -> None:
    person = await opened(world)
    for text in ["1", "15%", *THROUGH_Q21, "1"]:  # q1, q2, q3–q21, q22
        await person.send(text)
    message = person.keyboard_message()
    assert "企业上年度产品合格率具体数值" in message.text
    await person.press(TR.ui("Skip"))
    stored = await answers(world)
    assert stored["q22_value"] is None  # skipped
    assert "企业上年度人均营业收入" in person.last_text()


async def test_review_edit_and_submit(world: World) -> None:
    person = await opened(world)
    await person.press("全覆盖")
    calls = await person.press(TR.ui("Review"))
    review = sent(calls)[0]
    assert TR.ui("Review: {answered}/{total} answered", answered=1, total=24) in review.text
    await person.press("1")  # edit row 1 (q1)
    assert "企业的数字化设备覆盖范围" in person.last_text()
    await person.press("关键业务环节")
    assert (await answers(world))["q1"] == "key"
    assert TR.ui("Review: {answered}/{total} answered", answered=1, total=24) in person.last_text()
    calls = await person.press(TR.ui("Submit"))
    [refusal] = callback_answers(calls)
    assert refusal.text == error_text(AnswerError("missing_answers", count=23), TR)
    await person.press(TR.ui("Continue"))
    assert "企业的数字化设备联网率" in person.last_text()
    for text in ["15%", *THROUGH_Q21, "1", "90", "1", "跳过", "1", "50"]:
        await person.send(text)
    assert TR.ui("Review: {answered}/{total} answered", answered=24, total=24) in person.last_text()
    calls = await person.press(TR.ui("Submit"))
    # the first Submit asks once more, with "Yes, submit" and "Not yet"; nothing is submitted yet
    [ask] = sent(calls)
    assert TR.ui("Submit now? Once submitted, answers can only be changed through the helpdesk.") in ask.text
    assert {TR.ui("Yes, submit"), TR.ui("Not yet")} <= {t for t, _ in buttons(ask)}
    assert not [c for c in calls if isinstance(c, SendDocument)]
    await person.press(TR.ui("Not yet"))
    assert TR.ui("Submit") in {t for t, _ in buttons(person.keyboard_message())}
    await person.press(TR.ui("Submit"))
    calls = await person.press(TR.ui("Yes, submit"))
    result, preparing, *_ = sent(calls)
    assert TR.ui("Submitted. Thank you!") in result.text
    assert preparing.text == TR.ui("Preparing your report files…")
    [pdf] = [c for c in calls if isinstance(c, SendDocument)]
    assert pdf.document.filename.endswith(".pdf") and pdf.document.data.startswith(b"%PDF")
    # once the file is there, "preparing…" is taken away (it would only mislead)
    [gone] = [c for c in calls if isinstance(c, DeleteMessage)]
    assert calls.index(gone) > calls.index(pdf)
    assert "工业和信息化部中小企业数字化水平评测平台" in result.text
    assert result.reply_markup is None
    assert (await session_row(world)).status == "submitted"
    assert all(c.parse_mode == "HTML" for c in person.session.calls if isinstance(c, SendMessage | EditMessageText))


async def test_a_button_of_an_old_message_is_stale(world: World) -> None:
    person = await opened(world)
    old_question = person.keyboard_message()
    await person.press("全覆盖")
    calls = await person.feed(person.callback_update(button_data(old_question, "以上均无"), old_question))
    [answer] = callback_answers(calls)
    assert answer.text == STALE
    assert (await answers(world)) == {"q1": "all"}
    assert "企业的数字化设备联网率" in sent(calls)[0].text  # the current item again


async def test_two_fast_taps_give_one_answer(world: World) -> None:
    person = await opened(world)
    question = person.keyboard_message()
    data = button_data(question, "全覆盖")
    first, second = person.callback_update(data, question), person.callback_update(data, question)
    await asyncio.gather(person.feed(first), person.feed(second))
    assert (await answers(world)) == {"q1": "all"}
    texts = [c.text for c in callback_answers(person.session.calls)]
    assert texts.count(STALE) == 1
    async with world.db() as s:
        assert await s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "answer")) == 1


async def test_a_redelivered_update_changes_nothing_and_adds_no_copy_of_the_screen_shown(world: World) -> None:
    person = await opened(world)
    update = person.callback_update(button_data(person.keyboard_message(), "全覆盖"))
    await person.feed(update)
    again = await person.feed(update)
    # the spinner stopped; the chat shows the next question already (its reply), so no copy of it
    assert [type(c) for c in again] == [AnswerCallbackQuery]
    text_update = person.message_update("15%")
    await person.feed(text_update)
    # the typed answer was for Q2: re-delivered, it is not parsed against Q3 (no refusal), and Q3 is on the screen
    assert sent(await person.feed(text_update)) == []
    assert (await answers(world)) == {"q1": "all", "q2": "b2"}
    async with world.db() as s:
        assert await s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "answer")) == 2


async def test_a_redelivered_refusal_is_not_applied_to_the_next_item(world: World) -> None:
    """Every handled update is recorded, not only answers: a refused text delivered again later is not taken as
    the answer to whatever item is current by then."""
    person = await opened(world)
    refused = person.message_update("很多")
    assert "很多" in sent(await person.feed(refused))[0].text
    await person.send("全覆盖")
    before = await answers(world)
    assert sent(await person.feed(refused)) == []  # nothing applied, and the chat shows the current question
    assert (await answers(world)) == before


async def test_lang_en_switches_texts(world: World) -> None:
    person = await opened(world)
    calls = await person.send("/lang en")
    texts = [m.text for m in sent(calls)]
    assert texts[0] == "Language: English"
    assert "Coverage of the enterprise’s digital equipment" in texts[1]
    async with world.db() as s:
        user = await s.scalar(select(User).where(User.external_id == "tg:4242"))
        assert user is not None and user.lang == "en"
    [message] = sent(await person.send("/start"))
    assert "Digitalization Level Assessment Form for Manufacturing SMEs (2022 Edition)" in message.text
    await person.send("/lang zh")
    [message] = sent(await person.send("/start"))
    assert "制造业中小企业数字化水平评测表（2022年版）" in message.text


async def test_language_defaults_to_telegrams(world: World) -> None:
    person = world.person(user_id=77, language_code="en-US")
    [message] = sent(await person.send("/start"))
    assert "Digitalization Level Assessment" in message.text


async def test_resume_after_a_new_dispatcher(world: World) -> None:
    person = await opened(world)
    await person.press("全覆盖")
    from bot.dialogs.telegram import create_dispatcher

    person.dp = create_dispatcher(world.interviews)  # as after a restart: nothing kept in memory
    calls = await person.send("/resume")
    [message] = sent(calls)
    assert "企业的数字化设备联网率" in message.text


async def test_help_cancel_and_question_help(world: World) -> None:
    person = await opened(world)
    [message] = sent(await person.press("❓"))
    assert "看企业的数字化设备" in message.text
    [message] = sent(await person.send("/help"))
    assert "/resume" in message.text
    [confirm] = sent(await person.send("/cancel"))
    calls = await person.press(TR.ui("Yes, leave"))
    [edit] = [c for c in calls if isinstance(c, EditMessageText)]
    assert "/resume" in edit.text
    assert (await session_row(world)).status == "active"
    [message] = sent(await person.send("/resume"))
    assert "企业的数字化设备覆盖范围" in message.text
    assert confirm.reply_markup is not None


async def test_rate_limit_gives_one_notice_then_silence(world: World) -> None:
    from bot.dialogs.telegram.middlewares import RateLimit

    now = [0.0]
    limiter = RateLimit(rate=5, burst=10, clock=lambda: now[0])
    verdicts = [limiter.allow(1) for _ in range(13)]
    assert verdicts[:10] == [(True, False)] * 10
    assert verdicts[10:] == [(False, True), (False, False), (False, False)]
    now[0] += 1.0
    assert limiter.allow(1) == (True, False)
    assert limiter.allow(2) == (True, False)  # other chats are not affected


async def test_every_form_opens_on_its_first_question(world: World) -> None:
    listed = [f for f in world.interviews.forms.values() if f.starts_from is None]  # a contract starts elsewhere
    for n, form in enumerate(listed):
        person = world.person(user_id=9000 + n)
        await person.send("/start")
        [message] = sent(await person.press(form.title))
        assert message.reply_markup is not None, form.id
        first = form.items[0]
        assert first.text in message.text or "<b>" in message.text, form.id


def test_fast_callback_packing_matches_aiogram() -> None:
    from bot.dialogs.telegram.callbacks import ItemAction, ItemButton

    for action in ItemAction:
        for option in (-1, 0, 11):
            model = ItemButton(s=123456, p=28, a=action, o=option)
            assert ItemButton.fast_pack(123456, 28, action, option) == model.pack()
            assert ItemButton.unpack(model.pack()) == model

