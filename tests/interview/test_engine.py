"""The pure engine on the real miit-2022 form: order, refusals, back, skip, review, edit, submit."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.interview import engine
from bot.interview.answer import Answer
from bot.interview.dump import answers_from_json
from bot.interview.engine import (
    Back,
    Continue,
    Done,
    Edit,
    Pick,
    Question,
    Review,
    ReviewScreen,
    Skip,
    State,
    Submit,
    Text,
    Toggle,
)
from bot.interview.numbering import numbering
from bot.interview.schema import Form
from bot.interview.validators import credit_code_check_char
from tests.scoring.miit_answers import extreme_answers
from tests.today import TODAY


def answer(form: Form, state: State, *texts: str) -> State:
    for text in texts:
        step = engine.apply(form, state, Text(text), TODAY)
        assert step.error is None, (text, step.error)
        state = step.state
    return state


def test_starts_at_the_first_item_and_moves_on(miit: Form) -> None:
    state = engine.start(miit)
    assert state.cursor == "q1"
    state = answer(miit, state, "2")
    assert state.answers["q1"] == Answer("key")
    assert state.cursor == "q2"
    scr = engine.screen(miit, state, TODAY)
    assert isinstance(scr, Question) and scr.progress.answered == 1 and scr.can_back


def test_refusal_keeps_state_and_typed_text(miit: Form) -> None:
    state = engine.start(miit)
    step = engine.apply(miit, state, Text("7"), TODAY)
    assert step.error is not None and step.error.code == "option_out_of_range"
    assert step.typed == "7" and step.state == state and not step.changes


def test_typed_percentage_picks_the_right_closed_band(miit: Form) -> None:
    state = answer(miit, engine.start(miit), "1")
    state = answer(miit, state, "20%")
    assert state.answers["q2"] == Answer("b2", extra="20")
    state = answer(miit, state, "３０．５％")  # full-width input is accepted
    assert state.answers["q3"] == Answer("b2", extra="30.5")


def test_multi_choice_typed_and_exclusive_none(miit: Form) -> None:
    state = engine.start(miit, {"q1": Answer("key"), "q2": Answer("b1"), "q3": Answer("b1"), "q4": Answer("key")})
    assert state.cursor == "q5"
    step = engine.apply(miit, state, Text("1 11"), TODAY)
    assert step.error is not None and step.error.code == "exclusive_with_others"
    state = answer(miit, state, "3，1、2")
    assert state.answers["q5"].value == ["rd", "production", "quality"]


def test_toggles_with_exclusive_option_then_done(miit: Form) -> None:
    state = engine.start(miit, {"q1": Answer("key"), "q2": Answer("b1"), "q3": Answer("b1"), "q4": Answer("key")})
    for option in ("rd", "sales", "none"):
        state = engine.apply(miit, state, Toggle(option), TODAY).state
    assert state.draft == ("none",)
    state = engine.apply(miit, state, Toggle("hr"), TODAY).state
    assert state.draft == ("hr",)
    assert "q5" not in state.answers  # toggles are a draft until done
    state = engine.apply(miit, state, Done(), TODAY).state
    assert state.answers["q5"] == Answer(["hr"]) and state.cursor == "q6" and state.draft is None


def test_back_then_reanswer_goes_on_to_the_next_open_item(miit: Form) -> None:
    state = answer(miit, engine.start(miit), "1", "2", "3")
    assert state.cursor == "q4"
    state = engine.apply(miit, state, Back(), TODAY).state
    assert state.cursor == "q3"
    state = engine.apply(miit, state, Back(), TODAY).state
    assert state.cursor == "q2"
    state = answer(miit, state, "5")
    assert state.answers["q2"] == Answer("b5") and state.cursor == "q4"


def test_back_at_the_start_is_refused(miit: Form) -> None:
    step = engine.apply(miit, engine.start(miit), Back(), TODAY)
    assert step.error is not None and step.error.code == "at_start"


def test_skip_only_optional_items(miit: Form) -> None:
    step = engine.apply(miit, engine.start(miit), Skip(), TODAY)
    assert step.error is not None and step.error.code == "required"
    answers = answers_from_json(miit, {k: v for k, v in extreme_answers(miit, "none").items()
                                       if k not in ("q23", "q24")}, TODAY)
    state = engine.start(miit, answers)
    assert state.cursor == "q22_value"  # shown because q22 is answered
    state = engine.apply(miit, state, Skip(), TODAY).state
    assert state.answers["q22_value"] == Answer(None) and state.cursor == "q23"


def test_condition_hides_a_follow_up(miit: Form) -> None:
    state = engine.start(miit, {})
    visible = [i.id for i in engine.visible_items(miit, state.answers)]
    assert "q22_value" not in visible and "q22" in visible


def test_review_edit_returns_to_review_and_submit(miit: Form) -> None:
    full = answers_from_json(miit, extreme_answers(miit, "none"), TODAY)
    state = engine.start(miit, full)
    assert state.cursor == "q22_value"
    for _ in range(3):
        state = engine.apply(miit, state, Skip(), TODAY).state
    assert state.cursor is None
    scr = engine.screen(miit, state, TODAY)
    assert isinstance(scr, ReviewScreen) and not scr.missing
    state = engine.apply(miit, state, Edit("q7"), TODAY).state
    assert state.cursor == "q7"
    state = answer(miit, state, "4")
    assert state.cursor is None and state.answers["q7"] == Answer("certified")
    step = engine.apply(miit, state, Submit(), TODAY)
    # the first submit only asks: the review screen says so, nothing is submitted yet
    assert step.error is None and not step.state.submitted and step.state.confirming
    scr = engine.screen(miit, step.state, TODAY)
    assert isinstance(scr, ReviewScreen) and scr.confirming
    again = engine.apply(miit, step.state, Submit(), TODAY)  # an unconfirmed submit asks again, never submits
    assert not again.state.submitted and again.state.confirming
    typed = engine.apply(miit, step.state, Text("hello"), TODAY)  # refused: the question stays, as shown again
    assert typed.error is not None and typed.state.confirming
    back = engine.apply(miit, step.state, Review(), TODAY)  # "not yet": the plain review again
    assert back.error is None and not back.state.confirming and not back.state.submitted
    step = engine.apply(miit, step.state, Submit(confirmed=True), TODAY)
    assert step.error is None and step.state.submitted
    after = engine.apply(miit, step.state, Text("1"), TODAY)
    assert after.error is not None and after.error.code == "already_submitted"


def test_submit_with_gaps_is_refused_and_continue_finds_them(miit: Form) -> None:
    state = answer(miit, engine.start(miit), "1")
    state = engine.apply(miit, state, Review(), TODAY).state
    step = engine.apply(miit, state, Submit(), TODAY)
    assert step.error is not None and step.error.code == "missing_answers"
    assert step.error.params["count"] == 23  # questions of the paper (Q2–Q24), not items
    state = engine.apply(miit, step.state, Continue(), TODAY).state
    assert state.cursor == "q2"


def test_stale_button_is_refused(miit: Form) -> None:
    state = engine.start(miit)
    step = engine.apply(miit, state, Toggle("rd"), TODAY)  # q1 is a single choice
    assert step.error is not None and step.error.code == "stale_button"
    step = engine.apply(miit, state, Pick("nope"), TODAY)
    assert step.error is not None and step.error.code == "stale_button"


def test_state_round_trips_through_json(miit: Form) -> None:
    state = answer(miit, engine.start(miit), "1", "2")
    state = engine.apply(miit, state, Back(), TODAY).state
    again = State.from_json(state.to_json(), state.answers)
    assert again == state


def test_leaving_a_group_keeps_its_completed_entries(forms: dict[str, Form]) -> None:
    from bot.interview.engine import GroupAdd

    filing = forms["hangzhou-filing"]
    group = filing.item("providers")
    state = replace(engine.start(filing), cursor="providers")
    first = ["甲服务商", "91330108MA27XK4L4" + credit_code_check_char("91330108MA27XK4L4"), "王五", "赵六",
             "13812345678", "数字化改造服务合同", "HT-001", "2024-03-01", "实施与培训"]
    assert len(first) == len(group.fields)  # type: ignore[union-attr]
    for text in first:
        step = engine.apply(filing, state, Text(text), TODAY)
        assert step.error is None, (text, step.error)
        state = step.state
    state = engine.apply(filing, state, GroupAdd(), TODAY).state
    state = engine.apply(filing, state, Text("乙服务商"), TODAY).state  # a second entry begun, not finished
    step = engine.apply(filing, state, Review(), TODAY)
    # the half-entered provider 2 is not dropped without the person saying so
    assert step.error is not None and step.error.code == "entry_unfinished"
    assert step.error.params == {"entry": "服务商", "number": 2} and step.state == state
    state = engine.apply(filing, state, engine.Discard(), TODAY).state
    assert state.group is not None and state.group.field is None and len(state.group.entries) == 1
    step = engine.apply(filing, state, Review(), TODAY)
    assert step.error is None and step.state.cursor is None
    assert [e["name"] for e in step.state.answers["providers"].value] == ["甲服务商"]
    assert step.changes and step.changes[0].item_id == "providers"


def _filing_in_group(forms: dict[str, Form]) -> tuple[Form, engine.State]:
    filing = forms["hangzhou-filing"]
    state = replace(engine.start(filing), cursor="providers", history=("digital_investment",))
    return filing, state


PROVIDER = ["甲服务商", "91330108MA27XK4L4" + credit_code_check_char("91330108MA27XK4L4"), "王五", "赵六",
            "13812345678", "数字化改造服务合同", "HT-001", "2024-03-01", "实施与培训"]


def test_back_inside_a_group_goes_one_field_back_and_keeps_what_was_typed(forms: dict[str, Form]) -> None:
    filing, state = _filing_in_group(forms)
    for text in PROVIDER[:5]:
        state = engine.apply(filing, state, Text(text), TODAY).state
    assert state.group is not None and state.group.field == 5  # 合同名称
    state = engine.apply(filing, state, Back(), TODAY).state
    assert state.cursor == "providers" and state.group is not None and state.group.field == 4
    assert dict(state.group.current) == dict(zip([f.id for f in filing.item("providers").fields[:5]],  # type: ignore[union-attr]
                                                 [*PROVIDER[:4], "13812345678"], strict=True))
    # back to the first field, still nothing lost; one more back would lose it: refused
    for _ in range(4):
        state = engine.apply(filing, state, Back(), TODAY).state
    assert state.group is not None and state.group.field == 0 and len(state.group.current) == 5
    step = engine.apply(filing, state, Back(), TODAY)
    assert step.error is not None and step.error.code == "entry_unfinished" and step.state == state
    # Keep on each field walks forward again with the values kept
    for _ in range(5):
        state = engine.apply(filing, state, engine.UseSuggestion(), TODAY).state
    assert state.group is not None and state.group.field == 5
    for text in PROVIDER[5:]:
        state = engine.apply(filing, state, Text(text), TODAY).state
    assert state.group is not None and state.group.field is None
    assert dict(state.group.entries[0])["name"] == "甲服务商" and len(state.group.entries) == 1


def test_back_from_an_empty_first_entry_leaves_the_group(forms: dict[str, Form]) -> None:
    filing, state = _filing_in_group(forms)
    step = engine.apply(filing, state, Back(), TODAY)
    assert step.error is None and step.state.cursor == "digital_investment" and step.state.group is None


def test_edits_to_an_entry_are_not_dropped_silently(forms: dict[str, Form]) -> None:
    from bot.interview.engine import GroupEdit

    filing, state = _filing_in_group(forms)
    for text in PROVIDER:
        state = engine.apply(filing, state, Text(text), TODAY).state
    state = engine.apply(filing, state, GroupEdit(1), TODAY).state
    # an unchanged entry can be left: nothing would be lost
    left = engine.apply(filing, state, Back(), TODAY)
    assert left.error is None and left.state.group is not None and left.state.group.field is None
    state = engine.apply(filing, state, Text("乙服务商"), TODAY).state
    step = engine.apply(filing, state, Edit("company_name"), TODAY)
    assert step.error is not None and step.error.code == "entry_unfinished"
    step = engine.apply(filing, state, Submit(), TODAY)
    assert step.error is not None and not step.state.submitted
    state = engine.apply(filing, state, engine.Discard(), TODAY).state
    assert state.group is not None and dict(state.group.entries[0])["name"] == "甲服务商"


def test_progress_counts_the_questions_of_the_paper(forms: dict[str, Form]) -> None:
    miit = forms["miit-2022"]
    assert engine.progress(miit, {}) == engine.Progress(0, 24)
    answers = answers_from_json(miit, {k: v for k, v in extreme_answers(miit, "none").items()
                                       if k in ("q1", "q16_1", "q16_2", "q22")}, TODAY)
    # Q16 counts once all three parts are answered; Q22's optional follow-up never changes the total
    assert engine.progress(miit, answers) == engine.Progress(2, 24)
    heilongjiang = forms["heilongjiang-benchmark"]
    assert engine.progress(heilongjiang, answers_from_json(heilongjiang, {"i1": True}, TODAY)).total == 61


def test_the_start_screen_counts_what_the_paper_prints(forms: dict[str, Form]) -> None:
    from bot.i18n import Translator
    from bot.interview.numbering import numbering
    from bot.present import size_line

    en = Translator("en")
    assert size_line(forms["miit-2022"], en) == en.ui("{count} questions, about {minutes} minutes.", count=24,
                                                      minutes=10)
    assert size_line(forms["heilongjiang-benchmark"], en) == en.ui(
        "{details} enterprise details, {indicators} indicators and {bonus} bonus items, about {minutes} minutes.",
        details=29, indicators=30, bonus=2, minutes=25)
    labels = numbering(forms["miit-2022"]).labels
    assert [labels[i] for i in ("q1", "q16_1", "q16_3", "q17", "q22", "q22_value", "q24")] == [
        "1", "16.1", "16.3", "17", "22", "22a", "24"]
    hlj = numbering(forms["heilongjiang-benchmark"])
    assert (hlj.labels["applicant"], hlj.labels["i26"], hlj.labels["i26_evidence"], hlj.labels["bonus_innovative"]) \
        == ("A1", "26", "26a", "B1")
    assert hlj.item_of("26") == "i26" and hlj.item_of("a3") == "fill_date" and hlj.item_of("31") is None


def test_a_form_loaded_later_is_never_served_another_forms_visible_items(monkeypatch: pytest.MonkeyPatch) -> None:
    """Results kept per form live on the form object.  CPython reuses a freed object's id(), so a cache keyed by
    id(form) served a later form the freed one's visible items; here every id() is made equal, which is that
    reuse made certain, and the second form must still get its own result."""
    from bot.interview import engine as engine_module
    from bot.interview.engine import visible_items
    from bot.interview.loader import parse_form

    monkeypatch.setattr(engine_module, "id", lambda obj: 1, raising=False)
    text = """
id: demo
version: 1
title: 演示
documents: []
items:
  - {id: a, type: yesno, text: 甲}
  - {id: b, type: yesno, text: 乙, show_if: "a == %s"}
"""
    first = parse_form(text % "true", "demo.yaml")
    assert [i.id for i in visible_items(first, {"a": Answer(True)})] == ["a", "b"]
    visible_items(parse_form(text % "true", "other.yaml"), {})  # the last result kept is another form's
    second = parse_form(text % "false", "demo.yaml")
    assert [i.id for i in visible_items(second, {"a": Answer(True)})] == ["a"]


def test_editing_a_question_the_answers_do_not_ask_says_so(miit: Form) -> None:
    """"修改 22a" before Q22's answer asks for 22a: not "no such question", but why it is not there."""
    state = engine.start(miit)
    hidden = next(i for i in miit.items if not engine.is_visible(miit, i, state.answers))
    step = engine.apply(miit, replace(state, cursor=None), engine.Edit(hidden.id), TODAY)
    assert step.error is not None and step.error.code == "item_not_asked"
    label = numbering(miit).labels[hidden.id]
    assert step.error.params["number"] == label and label
    assert engine.apply(miit, state, engine.Edit("no_such_id"), TODAY).error.code == "no_such_item"  # type: ignore[union-attr]


def test_a_value_computed_from_the_answers_is_not_presented_as_given_before(forms: dict[str, Form]) -> None:
    """Q2's band offered from the device counts just typed is "suggested from your answers"; a value the
    enterprise profile (an earlier interview) holds is "given before".  The engine says which, for every channel."""
    form = forms["miit-2024"]
    state = engine.start(form)
    for typed in ("2 3", "10", "8"):  # Q1, Q2a (devices), Q2b (digital ones)
        state = engine.apply(form, state, engine.Text(typed), TODAY).state
    scr = engine.screen(form, state, TODAY)
    assert isinstance(scr, engine.Question) and scr.item.id == "q2"
    assert scr.suggestion == Answer("e") and scr.suggested
    given = engine.screen(form, replace(state, suggestions={"q2": Answer("c")}), TODAY)
    assert isinstance(given, engine.Question) and given.suggestion == Answer("c") and not given.suggested


def test_a_likely_slip_is_asked_once_and_the_same_answer_again_is_taken(forms: dict[str, Form]) -> None:
    """86000000 万元 for a 180-person firm, 0.5 at a percentage: refused once with both readings, the typed text
    kept; the same answer given again is stored; another answer clears the doubt."""
    form = forms["heilongjiang-benchmark"]
    state = State(answers={"employees": Answer("180")}, cursor="revenue_2023")
    first = engine.apply(form, state, engine.Text("86000000"), TODAY)
    assert first.error is not None and first.error.code == "implausible_amount" and first.typed == "86000000"
    assert first.error.params["wan"] == "8600" and first.state.answers == state.answers
    assert first.state.unconfirmed == ("revenue_2023", '"86000000"')
    again = engine.apply(form, first.state, engine.Text("86,000,000"), TODAY)  # the same amount, typed again
    assert again.error is None and again.state.answers["revenue_2023"] == Answer("86000000")
    assert again.state.unconfirmed is None
    meant = engine.apply(form, first.state, engine.Text("8600"), TODAY)
    assert meant.error is None and meant.state.answers["revenue_2023"] == Answer("8600")
    # a plausible amount is never asked about, and nor is one where the headcount is unknown
    assert engine.apply(form, state, engine.Text("8600"), TODAY).error is None
    assert engine.apply(form, replace(state, answers={}), engine.Text("86000000"), TODAY).error is None
    # the doubt survives the state's round trip through the database
    stored = State.from_json(first.state.to_json(), first.state.answers)
    assert engine.apply(form, stored, engine.Text("86000000"), TODAY).error is None

    contract = forms["hangzhou-contract"]
    at = State(cursor="damages_percent")
    doubt = engine.apply(contract, at, engine.Text("0.5"), TODAY)
    assert doubt.error is not None and doubt.error.code == "percent_below_one"
    assert engine.apply(contract, doubt.state, engine.Text("0.5"), TODAY).state.answers["damages_percent"] == \
        Answer("0.5")
    assert engine.apply(contract, doubt.state, engine.Text("50%"), TODAY).state.answers["damages_percent"] == \
        Answer("50")
    assert engine.apply(contract, at, engine.Text("0.5%"), TODAY).state.answers["damages_percent"] == Answer("0.5")
