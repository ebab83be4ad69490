"""The 2024 self-assessment on Telegram through the real Dispatcher: a scenario screen (the four level
descriptions, 约束性 marked), the running view naming the scenario conditions, the result and the PDF."""

from __future__ import annotations

from conftest import World
from test_telegram_forms import TR, answer_until, labels, open_form

from bot.interview import engine

TITLE = "中小企业数字化水平评测指标（2024年版）"


async def test_scenario_screen_running_conditions_result_and_report(world: World) -> None:
    person = await open_form(world, TITLE)
    await answer_until(world, person, "s1", {"q2_f3": "5"})
    question = person.keyboard_message()
    assert "企业在产品设计场景上数字化应用情况" in question.text and "★ 约束性场景" in question.text
    assert "通过设计软件工具（如CAD、CAE、EDA等）辅助开展产品设计。" in question.text
    assert "运用仿真分析等技术实现对产品外观、结构、性能等进行试验验证或迭代优化等功能" in question.text
    assert "\n1. 通过设计软件工具" in question.text  # the option number is the level
    assert labels(question)[:4] == ["1", "2", "3", "4"]
    await person.press("2")
    reply = "\n".join(person.texts()[-3:])
    assert ("场景条件：一级 ✗ 1 个（需 6 个），其中约束性 1 个（需 3 个）"
            " · 二级 ✗ 1 个（需 6 个），其中约束性 1 个（需 3 个）"
            " · 三级 ✗ 0 个（需 8 个），其中约束性 0 个（需 5 个）") in reply
    assert "企业在工艺设计场景上数字化应用情况" in person.last_text()

    who = f"tg:{person.user_id}"
    while True:  # the other scenarios at 三级, through the service
        opened = await world.interviews.current(who)
        assert opened is not None
        if opened.state.cursor is None:
            break
        step = await world.interviews.apply(opened.session_id, engine.Text("3"), actor=who)
        assert step.error is None
    await person.send("/resume")
    await person.press(TR.ui("Submit"))  # asks once more
    await person.press(TR.ui("Yes, submit"))
    text = "\n".join(person.texts())
    assert "等级 未达一级（预估）" in text  # a low score: every answer was option 1
    assert "按得分可达未达一级，按场景可达三级" in text
    assert "一级需要 20 分：还差" in text
    assert TR.ui("This is an estimate; the authoritative result comes from {authority}.",
                 authority="工业和信息化部中小企业数字化水平评测平台") in text
    [pdf] = [d for d in person.documents() if str(d.document.filename).endswith(".pdf")]  # type: ignore[union-attr]
    assert str(pdf.document.filename).startswith("数字化水平自评报告（2024年版）")  # type: ignore[union-attr]
