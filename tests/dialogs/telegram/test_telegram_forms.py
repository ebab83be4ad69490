"""Handler tests for every item kind of the forms: suggestions, 其他 + text, repeatable groups, evidence files,
format hints and refusals, warnings, and the report files (/report and after a submission)."""

from __future__ import annotations

import html
import json
from typing import Any

from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendChatAction, SendDocument
from conftest import World
from sqlalchemy import select
from tg_harness import Person, buttons, sent

from bot.db.models import AnswerRow, InterviewSession
from bot.i18n import Translator
from bot.interview import engine
from bot.interview.errors import AnswerError
from bot.present import error_text

TR = Translator("zh")
FILING = "杭州市中小企业数字化转型城市试点改造项目备案申请表"
ELIGIBILITY = "杭州市中小企业数字化转型城市试点备案资格自测"
BENCHMARK = "黑龙江省中小企业数字化示范标杆企业申报书"
CREDIT_CODE = "91330106MA27Y5XX1K"  # a valid code (GB 32100-2015 check character)
PROVIDER_CODE = "91330108MA2B3C4D5A"

#: a valid typed answer for each item type (option 1 of a choice, "yes" of a yes/no)
SAMPLE = {"text": "测试", "person_name": "张三",
          "integer": "10", "money": "100", "decimal": "1", "percent": "10", "date": "2024-01-02",
          "year_month": "2024-01", "credit_code": CREDIT_CODE, "mobile": "13812345678", "landline": "0571-85257095",
          "phone": "13812345678", "email": "a@example.com", "postal_code": "310000", "single": "1", "multi": "1",
          "yesno": "1"}


async def answers(world: World) -> dict[str, Any]:
    async with world.db() as s:
        return {r.item_id: (r.value, r.extra) for r in await s.scalars(select(AnswerRow))}


async def open_form(world: World, title: str, user_id: int = 4242) -> Person:
    person = world.person(user_id=user_id)
    await person.send("/start")
    await person.press(title)
    return person


async def answer_until(world: World, person: Person, target: str, overrides: dict[str, str] | None = None) -> None:
    """Answer every item before `target` directly through the interview service, then show it with /resume."""
    who = f"tg:{person.user_id}"
    overrides = {"project_end": "2024-12", **(overrides or {})}
    while True:
        opened = await world.interviews.current(who)
        assert opened is not None
        cursor = opened.state.cursor
        assert cursor is not None
        if cursor == target:
            break
        item = opened.form.item(cursor)
        step = await world.interviews.apply(opened.session_id, engine.Text(overrides.get(cursor, SAMPLE[item.type])),
                                            actor=who)
        assert step.error is None, (cursor, step.error)
    await person.send("/resume")


def labels(message: Any) -> list[str]:
    return [t for t, _ in buttons(message)]


# --- suggestions ---------------------------------------------------------------------------------------------


async def test_a_value_suggested_from_the_answers_is_confirmed_with_the_button(world: World) -> None:
    person = await open_form(world, FILING)
    await answer_until(world, person, "designated_size", {"revenue_2023": "3000"})
    question = person.keyboard_message()
    assert TR.ui("Suggested from your answers: {answer}", answer="规上企业") in question.text
    assert TR.ui("Use this") in labels(question)
    assert "designated_size" not in await answers(world)  # offered, never assumed
    calls = await person.press(TR.ui("Use this"))
    assert (await answers(world))["designated_size"] == ("above", None)
    [record] = [c for c in calls if isinstance(c, EditMessageText)]
    assert "规上企业" in record.text and record.reply_markup is None
    assert "企业是否已纳入" in sent(calls)[0].text or sent(calls)[0].reply_markup is not None


async def test_a_value_given_before_is_offered_and_another_can_be_typed(world: World) -> None:
    person = await open_form(world, ELIGIBILITY)
    await answer_until(world, person, "industry", {"company_name": "杭州某某科技有限公司"})
    await person.send("/start")
    await person.press(FILING)
    question = person.keyboard_message()
    assert "企业名称" in question.text
    assert TR.ui("Given before: {answer}", answer="杭州某某科技有限公司") in question.text
    await person.press(TR.ui("Use this"))
    stored = await answers(world)
    assert ("杭州某某科技有限公司", None) in stored.values()
    # the next item offers nothing: no button
    assert TR.ui("Use this") not in labels(person.keyboard_message())


async def test_a_suggestion_can_be_replaced_by_another_pick(world: World) -> None:
    person = await open_form(world, FILING)
    await answer_until(world, person, "designated_size", {"revenue_2023": "3000"})
    calls = await person.press("规下企业")
    async with world.db() as s:
        row = await s.scalar(select(AnswerRow).where(AnswerRow.item_id == "designated_size"))
        assert row is not None and row.value == "below"
    # the cross-field warning is shown above the next question
    [message] = sent(calls)
    assert message.text.startswith("⚠️ ")
    assert "按标准应为规上企业，但选择的是规下企业" in message.text


# --- 其他 + text ---------------------------------------------------------------------------------------------


async def test_other_asks_for_its_text(world: World) -> None:
    person = await open_form(world, FILING)
    await answer_until(world, person, "scenarios")
    await person.press("研发设计")
    await person.press("其他")
    calls = await person.press(TR.ui("Done"))
    [message] = sent(calls)
    assert TR.ui("Please say what “other” is:") in message.text
    assert TR.ui("Skip") not in labels(message)
    calls = await person.send("质量追溯")
    assert (await answers(world))["scenarios"] == (["rd", "other"], "质量追溯")
    assert "质量追溯" in sent(calls)[0].text  # "saved: 研发设计；其他：质量追溯"
    assert "上云用云计划" in sent(calls)[0].text


async def test_other_text_on_a_typed_choice(world: World) -> None:
    person = await open_form(world, FILING)
    await answer_until(world, person, "cloud_plan")
    await person.send("5")  # 其他
    assert TR.ui("Please say what “other” is:") in person.last_text()
    await person.send("暂无")
    assert (await answers(world))["cloud_plan"] == (["other"], "暂无")


# --- a repeatable group --------------------------------------------------------------------------------------

PROVIDER_A = ["杭州甲服务商有限公司", PROVIDER_CODE, "王五", "赵六", "0571-85257095", "数字化改造服务合同", "HT-001",
              "2024-03-20", "MES 实施"]
PROVIDER_B = ["杭州乙服务商有限公司", PROVIDER_CODE, "孙七", "周八", "13912345678", "上云服务合同", "HT-002",
              "2024-04-01", "设备上云"]


async def test_a_group_with_two_providers_edit_one_remove_one(world: World) -> None:
    person = await open_form(world, FILING)
    await answer_until(world, person, "providers")
    first = person.keyboard_message()
    assert "服务商 1 · 单位名称" in first.text
    for value in PROVIDER_A:
        calls = await person.send(value)
    menu = sent(calls)[0]
    assert "1. 杭州甲服务商有限公司 / " + PROVIDER_CODE in menu.text
    assert labels(menu)[0] == "➕ " + TR.ui("Add")
    await person.press("➕ " + TR.ui("Add"))
    assert "服务商 2 · 单位名称" in person.last_text()
    for value in PROVIDER_B[:4]:
        await person.send(value)
    assert "服务商 2 · 联系电话" in person.last_text()
    assert TR.ui("Format: mobile (11 digits) or landline with area code, e.g. 0571-85257095") in person.last_text()
    for value in PROVIDER_B[4:]:
        await person.send(value)
    menu = person.keyboard_message()
    assert "2. 杭州乙服务商有限公司" in menu.text
    assert {"✏️ 1", "🗑 1", "✏️ 2", "🗑 2"} <= set(labels(menu))

    # edit provider 1: a new name, every other field kept
    await person.press("✏️ 1")
    field = person.keyboard_message()
    assert "服务商 1 · 单位名称" in field.text
    assert TR.ui("Current answer: {answer}", answer="杭州甲服务商有限公司") in field.text
    await person.send("杭州丙服务商有限公司")
    for _ in PROVIDER_A[1:]:
        assert TR.ui("Keep") in labels(person.keyboard_message())
        await person.press(TR.ui("Keep"))
    menu = person.keyboard_message()
    assert "1. 杭州丙服务商有限公司" in menu.text

    # remove provider 2: asked first; "no" keeps it
    calls = await person.press("🗑 2")
    [confirm] = [c for c in calls if isinstance(c, EditMessageReplyMarkup)]
    assert labels(confirm) == [TR.ui("Yes, remove {number}", number=2), TR.ui("No, keep it")]
    opened = await world.interviews.current("tg:4242")
    assert opened is not None and opened.state.group is not None and len(opened.state.group.entries) == 2
    menu_message = person.keyboard_message()
    await person.feed(person.callback_update(dict(buttons(confirm))[TR.ui("Yes, remove {number}", number=2)],
                                             menu_message))
    menu = person.keyboard_message()
    assert "杭州乙服务商有限公司" not in menu.text
    assert "🗑 2" not in labels(menu)
    calls = await person.press(TR.ui("Done"))
    stored = (await answers(world))["providers"][0]
    assert [p["name"] for p in stored] == ["杭州丙服务商有限公司"]
    assert stored[0]["contract_date"] == "2024-03-20"
    assert "项目实施方案及内容" in sent(calls)[0].text


async def test_back_inside_a_group_keeps_the_typed_fields_and_discard_is_asked_for(world: World) -> None:
    person = await open_form(world, FILING)
    await answer_until(world, person, "providers")
    for value in PROVIDER_A[:5]:  # name, credit code, legal representative, contact, phone
        await person.send(value)
    assert "服务商 1 · 合同名称" in person.last_text()
    await person.press(TR.ui("Back"))  # one field back: the phone, its value kept
    shown = person.keyboard_message()
    assert "服务商 1 · 联系电话" in shown.text
    assert TR.ui("Current answer: {answer}", answer="0571-85257095") in shown.text
    assert TR.ui("Keep") in labels(shown)
    discard = "🗑 " + TR.ui("Discard {entry} {number}", entry="服务商", number=1)
    assert discard in labels(shown)
    await person.send("返回")  # typed back works the same
    assert "服务商 1 · 联系人" in person.last_text()
    # leaving the group with the entry half typed is refused, and says how to drop it
    calls = await person.send("检查")
    refusal = sent(calls)[0].text
    assert error_text(AnswerError("entry_unfinished", entry="服务商", number=1), TR) in refusal.replace("&quot;", '"')
    assert "服务商 1 · 联系人" in refusal
    stored = await world.interviews.current(f"tg:{person.user_id}")
    assert stored is not None and stored.state.group is not None
    assert stored.state.group.current["name"] == PROVIDER_A[0]  # nothing typed was lost
    for _ in range(2):  # Keep walks forward with the kept values up to 合同名称
        await person.press(TR.ui("Keep"))
    assert "服务商 1 · 合同名称" in person.last_text()
    for value in PROVIDER_A[5:]:
        calls = await person.send(value)
    assert "1. 杭州甲服务商有限公司" in sent(calls)[0].text
    # a second provider begun, then dropped only with the Discard button
    await person.press("➕ " + TR.ui("Add"))
    await person.send(PROVIDER_B[0])
    await person.press("🗑 " + TR.ui("Discard {entry} {number}", entry="服务商", number=2))
    menu = person.keyboard_message()
    assert "1. 杭州甲服务商有限公司" in menu.text and "杭州乙服务商有限公司" not in menu.text
    await person.press(TR.ui("Done"))
    stored_answers = await answers(world)
    assert [p["name"] for p in stored_answers["providers"][0]] == [PROVIDER_A[0]]


async def test_the_review_repeats_a_failing_gate_before_submit(world: World) -> None:
    person = await open_form(world, BENCHMARK)
    who = f"tg:{person.user_id}"
    opened = await world.interviews.current(who)
    assert opened is not None
    form = opened.form
    no = {i.id: "2" for i in form.items if i.id in ("i1", "i2", "i3")}  # 研发设计数字化 scores 0: the gate fails
    await answer_until(world, person, "bonus_specialized", no)
    await world.interviews.apply(opened.session_id, engine.Text("2"), actor=who)
    calls = await person.send("检查")
    review = sent(calls)[0].text
    gate = TR.ui("These indicators score 0, so the application cannot go on to review: {names}", names="研发设计数字化")
    assert gate in review
    calls = await person.press(TR.ui("Submit"))
    ask = sent(calls)[0].text
    assert gate in ask and TR.ui("Submit now? Once submitted, answers can only be changed through the helpdesk.") in ask
    async with world.db() as s:
        row = await s.scalar(select(InterviewSession))
        assert row is not None and row.status == "active"  # nothing submitted before "Yes, submit"


async def test_a_button_of_an_earlier_group_screen_is_stale(world: World) -> None:
    person = await open_form(world, FILING)
    await answer_until(world, person, "providers")
    for value in PROVIDER_A:
        await person.send(value)
    old_menu = person.keyboard_message()
    await person.press("➕ " + TR.ui("Add"))
    # "remove 1" on the old menu: not applied while another entry is being typed
    data = dict(buttons(old_menu))["🗑 1"]
    calls = await person.feed(person.callback_update(data, old_menu))
    assert any("服务商 2 · 单位名称" in m.text for m in sent(calls))
    opened = await world.interviews.current("tg:4242")
    assert opened is not None and opened.state.group is not None and len(opened.state.group.entries) == 1


async def test_remove_typed_on_the_menu_is_confirmed(world: World) -> None:
    person = await open_form(world, FILING)
    await answer_until(world, person, "providers")
    for value in PROVIDER_A:
        await person.send(value)
    [confirm] = sent(await person.send("删除 1"))
    assert "服务商 1" in confirm.text
    await person.press(TR.ui("No, keep it"))
    opened = await world.interviews.current("tg:4242")
    assert opened is not None and opened.state.group is not None and len(opened.state.group.entries) == 1
    calls = await person.send("完成")
    assert len((await answers(world))["providers"][0]) == 1
    assert "项目实施方案及内容" in sent(calls)[0].text


async def test_the_lists_words_typed_inside_an_entry_are_refused_on_telegram_too(world: World) -> None:
    """A group with no entry asks its first field at once: "新增" there is refused (with what to do), never stored
    as a provider's name; the same field is asked again."""
    from bot.interview.errors import AnswerError
    from bot.present import error_text

    person = await open_form(world, FILING)
    await answer_until(world, person, "providers")
    [reply] = sent(await person.send("新增"))
    assert error_text(AnswerError("entry_in_progress", entry="服务商", number=1), TR) in html.unescape(reply.text)
    assert "服务商 1" in reply.text and "单位名称" in reply.text
    opened = await world.interviews.current("tg:4242")
    assert opened is not None and "providers" not in opened.state.answers
    assert opened.state.group is None or "name" not in opened.state.group.current  # nothing typed into the entry


# --- evidence files ------------------------------------------------------------------------------------------


async def test_a_document_is_attached_as_evidence(world: World) -> None:
    person = await open_form(world, BENCHMARK)
    await answer_until(world, person, "i1_evidence")
    question = person.keyboard_message()
    assert TR.ui("Type a short note, or send the evidence as a file or photo (a caption becomes the note).") \
        in question.text
    calls = await person.send_document("研发设计软件采购合同.pdf", caption="CAD 软件采购合同")
    value, extra = (await answers(world))["i1_evidence"]
    assert value == "CAD 软件采购合同"
    [attached] = json.loads(extra)
    assert attached["name"] == "研发设计软件采购合同.pdf" and attached["file_id"].startswith("BQACAgI")
    [message] = sent(calls)
    assert "研发设计软件采购合同.pdf" in message.text  # "saved: … (files: …)"
    assert "企业是否" in message.text or message.reply_markup is not None


async def test_a_photo_is_attached_by_its_largest_size(world: World) -> None:
    person = await open_form(world, BENCHMARK)
    await answer_until(world, person, "i1_evidence")
    await person.send_photo()
    value, extra = (await answers(world))["i1_evidence"]
    [attached] = json.loads(extra)
    assert attached["file_id"].startswith("large")
    assert value == attached["name"]


async def test_a_document_on_a_choice_item_is_refused(world: World) -> None:
    person = await open_form(world, BENCHMARK)
    await answer_until(world, person, "i1")
    before = await answers(world)
    calls = await person.send_document("合同.pdf")
    [message] = sent(calls)
    assert message.text.startswith("✗ " + error_text(AnswerError("no_files_here"), TR))
    assert await answers(world) == before
    assert message.reply_markup is not None  # the same question again, with its buttons


async def test_a_document_without_an_interview(world: World) -> None:
    person = world.person(user_id=31)
    [message] = sent(await person.send_document("合同.pdf"))
    assert "/start" in message.text


# --- formats, refusals and warnings --------------------------------------------------------------------------


async def test_an_end_month_says_it_must_follow_the_start(world: World) -> None:
    person = await open_form(world, FILING)
    await answer_until(world, person, "project_end", {"project_start": "2024-03"})
    hint = TR.ui("Format: year and month, e.g. 2024-03, later than {start}", start="2024-03")
    assert hint in person.keyboard_message().text
    [message] = sent(await person.send("2024-02"))
    assert message.text.startswith("✗ " + error_text(AnswerError("end_not_after_start", start="2024-03"), TR))


async def test_a_year_month_refused_then_corrected(world: World) -> None:
    person = await open_form(world, FILING)
    await answer_until(world, person, "project_start")
    assert TR.ui("Format: year and month, e.g. 2024-03") in person.keyboard_message().text
    calls = await person.send("2024年13月")
    [message] = sent(calls)
    assert message.text.startswith("✗ " + error_text(AnswerError("not_a_year_month"), TR))
    assert TR.ui("You typed: {typed}", typed="2024年13月") in message.text
    assert "项目实施期限" in message.text  # the same question again
    assert "project_start" not in await answers(world)
    await person.send("2024-03")
    assert (await answers(world))["project_start"] == ("2024-03", None)


async def test_a_date_in_the_future_is_refused(world: World) -> None:
    person = await open_form(world, FILING)
    await answer_until(world, person, "providers")
    for value in PROVIDER_A[:7]:
        await person.send(value)
    assert TR.ui("Format: date, e.g. 2024-03-11, not later than today") in person.last_text()
    [message] = sent(await person.send("2999-01-01"))
    assert message.text.startswith("✗ ")
    assert "服务商 1 · 合同签订日期" in message.text
    [message] = sent(await person.send("2024-03-20"))
    assert "服务商 1 · 主要承担的工作" in message.text


async def test_a_credit_code_hint_and_refusal(world: World) -> None:
    person = await open_form(world, FILING)
    await answer_until(world, person, "credit_code")
    assert TR.ui("Format: 18-character unified social credit code") in person.keyboard_message().text
    [message] = sent(await person.send("91330106MA27Y5XX1A"))
    assert message.text.startswith("✗ ")
    assert "91330106MA27Y5XX1A" in message.text
    await person.send(CREDIT_CODE)
    assert (await answers(world))["credit_code"] == (CREDIT_CODE, None)


async def test_a_lost_group_is_warned_at_once(world: World) -> None:
    person = await open_form(world, BENCHMARK)
    await answer_until(world, person, "i1")
    await person.press(TR.ui("No"))
    calls = await person.press(TR.ui("No"))
    assert not any("⚠️" in m.text for m in sent(calls))
    calls = await person.press(TR.ui("No"))  # i3: 研发设计数字化 has no yes left
    [message] = sent(calls)
    expected = TR.ui("{group} can no longer score: the application would not pass the gate.", group="研发设计数字化")
    assert message.text.startswith("⚠️ " + expected)


# --- reports -------------------------------------------------------------------------------------------------

ELIGIBLE = {"company_name": "杭州某某科技有限公司", "industry": "1", "employees": "120", "revenue_2023": "3000",
            "central_funding": "3"}


async def test_report_without_a_submitted_interview(world: World) -> None:
    person = world.person(user_id=55)
    [message] = sent(await person.send("/report"))
    assert "/start" in message.text
    assert person.documents() == []


async def test_submission_sends_the_report_then_report_sends_it_again(world: World) -> None:
    person = await open_form(world, ELIGIBILITY)
    await person.press(TR.ui("Yes"))
    for item in ("company_name", "industry", "employees", "revenue_2023", "central_funding"):
        await person.send(ELIGIBLE[item])
    calls = await person.press(TR.ui("No"))
    assert TR.ui("Submit") in labels(sent(calls)[0])
    await person.press(TR.ui("Submit"))
    calls = await person.press(TR.ui("Yes, submit"))
    kinds = [type(c).__name__ for c in calls if isinstance(c, SendChatAction | SendDocument)]
    assert kinds[0] == "SendChatAction" and kinds[-1] == "SendDocument"
    result = sent(calls)[0]
    assert TR.ui("Eligible for filing.") in result.text
    [document] = [c for c in calls if isinstance(c, SendDocument)]
    assert document.document.filename.endswith(".pdf")
    assert document.document.data.startswith(b"%PDF")
    assert next(c.action for c in calls if isinstance(c, SendChatAction)) == "upload_document"

    calls = await person.send("/report")
    [again] = [c for c in calls if isinstance(c, SendDocument)]
    assert again.document.filename == document.document.filename
    assert sent(calls)[0].text == TR.ui("Preparing your report files…")


async def test_a_report_that_fails_to_render_keeps_the_submission(world: World, monkeypatch: Any) -> None:
    import bot.dialogs.telegram.reports as reports

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(reports, "session_reports", broken)
    person = await open_form(world, ELIGIBILITY)
    await answer_until(world, person, "policy_restriction", {**ELIGIBLE, "industry": "1", "central_funding": "3"})
    await person.press(TR.ui("No"))
    await person.press(TR.ui("Submit"))
    calls = await person.press(TR.ui("Yes, submit"))
    assert not [c for c in calls if isinstance(c, SendDocument)]
    assert any("/report" in m.text for m in sent(calls))  # then the next interviews are offered
    async with world.db() as s:
        row = await s.scalar(select(InterviewSession))
        assert row is not None and row.status == "submitted"


async def test_the_command_menu_has_report_in_both_languages() -> None:
    from bot.dialogs.telegram.commands import menu

    for lang in ("zh", "en"):
        assert "report" in [c.command for c in menu(Translator(lang))]


async def test_an_eligible_check_offers_the_next_interviews(world: World) -> None:
    from bot.dialogs.telegram.callbacks import FormChoice

    person = world.person(5151)
    forms = list(world.interviews.forms.values())
    check = next(f for f in forms if f.id == "hangzhou-eligibility")
    await person.send("/start")
    await person.press(TR.form(check.title))
    for text in ("是", "杭州示例精密机械有限公司", "1", "120", "3000", "3", "否"):
        await person.send(text)
    await person.send("提交")
    calls = await person.send("提交")  # typed again: the confirmation
    offers = [m for m in sent(calls) if m.reply_markup is not None
              and any(FormChoice.unpack(b.callback_data).n >= 0  # type: ignore[arg-type]
                      for row in m.reply_markup.inline_keyboard for b in row  # type: ignore[union-attr]
                      if (b.callback_data or "").startswith("f:"))]
    assert offers, "an eligible result offers the next interviews"
    titles = [b.text for row in offers[-1].reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert titles == [TR.form(f.title) for f in forms if f.id in check.next]


async def test_discard_while_editing_an_entry_names_the_changes(world: World) -> None:
    from bot.dialogs.telegram import keyboards
    from bot.interview.engine import GroupDraft, State
    from bot.present.build import build_screen
    from tests.today import TODAY

    form = world.interviews.forms["hangzhou-filing"]
    item = form.item("providers")
    entry = dict(zip([f.id for f in item.fields], PROVIDER_A, strict=True))  # type: ignore[union-attr]
    unchanged = GroupDraft((entry,), dict(entry), 0, 0)
    changed = GroupDraft((entry,), {**entry, "name": "杭州丙服务商有限公司"}, 0, 0)
    new = GroupDraft((entry,), {"name": "杭州乙服务商有限公司"}, 0, None)

    def shown(draft: GroupDraft) -> list[str]:
        scr = build_screen(form, State(cursor=item.id, group=draft), TODAY, TR, session_id=1)
        markup = keyboards.group(scr, TR)
        return [b.text for row in markup.inline_keyboard for b in row]

    assert not [t for t in shown(unchanged) if t.startswith("🗑")]  # nothing would be lost: no discard offered
    assert "🗑 " + TR.ui("Discard the changes to {entry} {number}", entry="服务商", number=1) in shown(changed)
    assert "🗑 " + TR.ui("Discard {entry} {number}", entry="服务商", number=2) in shown(new)
