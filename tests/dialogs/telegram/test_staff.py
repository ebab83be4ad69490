"""Every staff-only command and button, as a person who is not staff: each is refused the same way, whether or
not the session it names exists.  And the staff side: find, take, answer, hand back."""

from __future__ import annotations

import re
from html import escape

from aiogram.methods import SendDocument, SendMessage
from conftest import STAFF_ID, World
from tg_harness import sent

from bot.dialogs.telegram.staff import StaffButton
from bot.i18n import Translator
from bot.service.handback import GO_ON, HANDED_BACK, UNCHANGED

TR = Translator("zh")
REFUSAL = escape(TR.ui("This command is for helpdesk staff only."))
STAFF_COMMANDS = ("/find 示例", "/find 13812345678", "/take 1", "/take 999", "/handback", "/reopen 1 原因",
                  "/reopen 999 原因", "/audit 1", "/audit 999", "/export", "/export 滨江区", "/staff add 5")


async def test_every_staff_command_and_button_refuses_a_non_staff_person(world: World) -> None:
    owner = world.person(1001)
    await owner.send("/start")
    await owner.press(TR.form(world.interviews.forms["miit-2022"].title))
    await owner.send("1")
    stranger = world.person(1002)
    for command in STAFF_COMMANDS:
        replies = sent(await stranger.send(command))
        assert [m.text for m in replies] == [REFUSAL], command
    for session_id in (1, 999):  # an existing session and none: the same answer
        calls = await stranger.press_data(StaffButton(a="t", s=session_id).pack())
        assert [m.text for m in sent(calls)] == [REFUSAL]
    # and the owner, who is not staff either, cannot take or export their own session
    assert [m.text for m in sent(await owner.send("/take 1"))] == [REFUSAL]
    assert not [c for c in world.bot.session.calls if isinstance(c, SendDocument)]  # type: ignore[attr-defined]


async def test_staff_find_take_answer_and_hand_back(world: World) -> None:
    owner = world.person(1001)
    await owner.send("/start")
    await owner.press(TR.form(world.interviews.forms["miit-2022"].title))
    await owner.send("2")
    code_reply = sent(await owner.send("/code"))[-1].text
    found = re.search(r"<code>([A-Z2-9-]+)</code>", code_reply)
    assert found is not None, code_reply
    code = found.group(1)

    staff = world.person(STAFF_ID)
    listing = sent(await staff.send(f"/find {code}"))[-1]
    miit_title = escape(TR.form(world.interviews.forms["miit-2022"].title))
    assert f"#1 {miit_title} · {TR.ui('in progress')}" in listing.text  # in the staff member's language
    calls = await staff.press(TR.ui("Take #{id}", id=1))
    texts = [m.text for m in sent(calls)]
    assert any(TR.ui("You hold session {id}. /handback returns it.", id=1) in t for t in texts)
    told = [c for c in calls if isinstance(c, SendMessage) and int(c.chat_id) == 1001]
    assert told, "the owner is told who took the session"

    [refused] = sent(await owner.send("3"))
    assert escape(TR.ui("A helpdesk colleague is working on this interview right now; you will be told when it "
                        "is handed back.")) in refused.text
    assert refused.reply_markup is None  # no live answer buttons while held (issue 23 item 10)
    [resumed_while_held] = sent(await owner.send("/resume"))
    assert resumed_while_held.reply_markup is None and "🔒" in resumed_while_held.text
    await staff.send("20%")  # q2 answered by staff
    review = sent(await staff.send("检查"))[-1].text
    assert escape(TR.ui(" (entered by helpdesk)")) in review  # marked on the review screen
    await staff.send("继续")
    await staff.send("/handback")
    assert (await world.interviews.holder(1))[1] is None
    resumed = sent(await owner.send("/resume"))[-1].text
    assert world.interviews.forms["miit-2022"].item("q3").text in resumed


async def test_staff_copy_of_the_reports_carries_the_audit_trail(world: World) -> None:
    import subprocess

    owner = world.person(1001)
    await owner.send("/start")
    await owner.press(TR.form(world.interviews.forms["hangzhou-eligibility"].title))
    for text in ("是", "杭州示例精密机械有限公司", "1", "120", "3000", "3", "否"):
        await owner.send(text)
    await owner.send("提交")
    stranger = world.person(1002)
    assert [m.text for m in sent(await stranger.send("/report 1"))] == [REFUSAL]
    staff = world.person(STAFF_ID)
    calls = await staff.send("/report 1")
    documents = [c for c in calls if isinstance(c, SendDocument)]
    assert documents and documents[0].document.filename.endswith("-staff.pdf")  # type: ignore[union-attr]
    pdf = documents[0].document.data  # type: ignore[union-attr]
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "杭州示例精密机械有限公司" in text
    assert "修改记录" in text  # the audit trail section of the staff copy


async def _submitted_eligibility(world: World, owner_id: int, language_code: str = "zh-hans") -> None:
    owner = world.person(owner_id, language_code)
    await owner.send("/start")
    tr = Translator(language_code)
    await owner.press(tr.form(world.interviews.forms["hangzhou-eligibility"].title))
    for text in ("是", "杭州示例精密机械有限公司", "1", "120", "3000", "3", "否", "提交", "提交"):
        await owner.send(text)


async def test_taking_a_submitted_session_is_refused_with_the_reason_and_the_owner_is_not_told(
        world: World) -> None:
    await _submitted_eligibility(world, 1001)
    staff = world.person(STAFF_ID)
    calls = await staff.press_data(StaffButton(a="t", s=1).pack())
    replies = sent(calls)
    assert [int(m.chat_id) for m in replies] == [STAFF_ID]  # nothing goes to the owner
    assert "/reopen 1" in replies[0].text and "#1" not in replies[0].text
    assert (await world.interviews.holder(1))[1] is None
    # reopened with a reason (audited, the owner told), it can then be taken and answered
    calls = await staff.send("/reopen 1 企业名称有误")
    assert any(int(m.chat_id) == 1001 and "企业名称有误" in m.text for m in sent(calls))
    assert any(int(m.chat_id) == STAFF_ID for m in sent(calls))
    calls = await staff.send("/take 1")
    assert any(TR.ui("You hold session {id}. /handback returns it.", id=1) in m.text for m in sent(calls))
    assert (await world.interviews.holder(1))[1] == f"tg:{STAFF_ID}"
    calls = await staff.send("/handback")
    assert [m.text for m in sent(calls) if int(m.chat_id) == STAFF_ID] == [
        escape(TR.ui("Session {id} handed back; its owner has been told.", id=1))]
    assert (await world.interviews.holder(1))[1] is None


async def test_handback_with_nothing_held_tells_staff_what_happened(world: World) -> None:
    staff = world.person(STAFF_ID)
    replies = sent(await staff.send("/handback"))
    assert [m.text for m in replies] == [escape(TR.ui("You hold no session, so there is nothing to hand back. "
                                                      "/take N takes one over."))]
    assert [m.text for m in sent(await staff.send("/take 999"))] == [escape(TR.ui("There is no session {id}.",
                                                                                  id=999))]


async def test_owner_notices_are_in_the_owners_language(world: World) -> None:
    en = Translator("en")
    owner = world.person(1003, "en")
    await owner.send("/start")
    await owner.press(en.form(world.interviews.forms["miit-2022"].title))
    staff = world.person(STAFF_ID)
    calls = await staff.send("/take 1")
    [notice] = [m for m in sent(calls) if int(m.chat_id) == 1003]
    assert notice.text == escape(en.ui("A helpdesk colleague has taken over your interview; you will be told when "
                                       "it is handed back."))
    calls = await staff.send("/handback")
    [notice] = [m for m in sent(calls) if int(m.chat_id) == 1003]
    assert notice.text == escape(" ".join(en.ui(m) for m in (HANDED_BACK, UNCHANGED, GO_ON["tg"])))


async def test_staff_help_lists_the_staff_commands(world: World) -> None:
    staff_help = sent(await world.person(STAFF_ID).send("/help"))[-1].text
    for command in ("/find", "/take", "/handback", "/reopen", "/audit", "/export", "/staff"):
        assert command in staff_help
    person_help = sent(await world.person(1005).send("/help"))[-1].text
    assert "/handback" not in person_help and "/take" not in person_help


async def test_a_staff_code_for_a_submitted_session_is_released_with_the_reason(world: World) -> None:
    await _submitted_eligibility(world, 1001)
    # a resume code of the submitted session (the owner may have read it to the helpdesk)
    code = await world.dp["helpdesk"].issue_code(1, "tg:1001")
    staff = world.person(STAFF_ID)
    calls = await staff.send(f"/start {code}")
    replies = sent(calls)
    assert [int(m.chat_id) for m in replies] == [STAFF_ID]  # the owner is not told of a take that did not happen
    assert "/reopen 1" in replies[0].text
    assert (await world.interviews.holder(1))[1] is None
    assert [m.text for m in sent(await staff.send("/audit 999"))] == [escape(TR.ui("There is no session {id}.",
                                                                                   id=999))]


async def test_an_unknown_district_is_answered_in_the_staff_members_language(world: World) -> None:
    """Issue 22: `/export <unknown district>` answered in English (the exception's text) to a Chinese staff
    member.  The district typed, and the districts there are, in the staff member's words."""
    for lang, tr in (("zh-hans", TR), ("en", Translator("en"))):
        staff = world.person(STAFF_ID, language_code=lang)
        [reply] = sent(await staff.send("/export 火星区"))
        known = ("、" if tr.lang == "zh" else ", ").join(
            o.label for o in world.interviews.forms["hangzhou-filing"].item("district").options)  # type: ignore[union-attr]
        assert reply.text == escape(tr.ui("There is no district “{district}”. The districts are: {known}.",
                                          district="火星区", known=known))
        assert "滨江区" in reply.text and not [c for c in world.bot.session.calls  # type: ignore[attr-defined]
                                              if isinstance(c, SendDocument)]
