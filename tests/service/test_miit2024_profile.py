"""miit-2024 and the enterprise profile: last year's and the previous year's figures given in one 2024
self-assessment are offered (never assumed) in the next one; nothing of miit-2022 is carried over, because none of
its questions means the same thing."""

from __future__ import annotations

from bot.interview.answer import Answer
from bot.interview.engine import Question, Skip, Submit, Text, screen
from bot.interview.schema import Form
from bot.service.sessions import Interviews

FIGURES = {"q12_f1": "1200.5", "q12_f2": "1300", "q14_f1": "120", "q14_f2": "5000", "q14_f3": "110",
           "q14_f4": "4500", "q15_f1": "3800", "q15_f2": "3500"}


async def finish(service: Interviews, person: str, figures: dict[str, str]) -> None:
    opened = await service.open(person, "miit-2024")
    state = opened.state
    form = opened.form
    while state.cursor is not None:
        item = form.item(state.cursor)
        if item.id in figures:
            event: Text | Skip = Text(figures[item.id])
        elif not item.required:
            event = Skip()
        else:
            event = Text("1")
        step = await service.apply(opened.session_id, event, actor=person)
        assert step.error is None, (item.id, step.error)
        state = step.state
    assert not (await service.apply(opened.session_id, Submit(), actor=person)).state.submitted  # asks once more
    assert (await service.apply(opened.session_id, Submit(confirmed=True), actor=person)).state.submitted


async def test_figures_are_offered_in_the_next_2024_self_assessment(service: Interviews) -> None:
    await finish(service, "tg:2024", FIGURES)
    second = await service.open("tg:2024", "miit-2024")
    assert not second.resumed
    for item_id, value in FIGURES.items():
        assert second.state.suggestions[item_id] == Answer(value), item_id
        assert item_id not in second.state.answers  # offered, not silently reused
    assert set(second.state.suggestions) == set(FIGURES)


async def test_the_2022_edition_carries_nothing_into_2024(forms: dict[str, Form], service: Interviews) -> None:
    keys_2022 = {i.profile for i in forms["miit-2022"].items if i.profile}
    keys_2024 = {i.profile for i in forms["miit-2024"].items if i.profile}
    assert keys_2024 == {"energy_last_year", "energy_year_before", "employees_last_year", "revenue_last_year",
                         "employees_year_before", "revenue_year_before", "cost_last_year", "cost_year_before"}
    assert not keys_2022 & keys_2024
    # the employees of the eligibility check are today's headcount, not last year's: not offered either
    check = await service.open("tg:2025", "hangzhou-eligibility")
    for text in ("1", "杭州示例精密机械有限公司", "1", "120"):
        await service.apply(check.session_id, Text(text), actor="tg:2025")
    opened = await service.open("tg:2025", "miit-2024")
    assert opened.state.suggestions == {}
    assert isinstance(screen(opened.form, opened.state, opened.today), Question)
