"""The one grammar of typed words (bot/dialogs/commands.py): both languages, and each word a command only where
it means something."""

from __future__ import annotations

import pytest

from bot.dialogs import commands
from bot.interview import engine
from bot.interview.engine import GroupDraft, State
from bot.interview.schema import Form
from tests.today import TODAY

ENTRY = {"name": "甲服务商"}


def on(cursor: str | None, **kw: object) -> State:
    return State(cursor=cursor, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("typed", "meant"), [
    ("back", engine.Back()), ("返回", engine.Back()), ("上一题", engine.Back()), (" Skip ", engine.Skip()),
    ("跳过", engine.Skip()), ("检查", engine.Review()), ("continue", engine.Continue()), ("继续", engine.Continue()),
    ("沿用", engine.UseSuggestion()), ("keep", engine.UseSuggestion()), ("提交", engine.Submit(confirmed=False)),
    ("帮助", commands.Help()), ("?", commands.Help()), ("退出", commands.Quit()), ("quit", commands.Quit()),
    ("报告", commands.Report()), ("lang en", commands.Language("en")), ("语言 zh", commands.Language("zh")),
    ("文件 /tmp/证明.pdf", commands.AttachFile("/tmp/证明.pdf")),
    ("修改 2", engine.Edit("q2")), ("edit 16.2", engine.Edit("q16_2")), ("改3", engine.Edit("q3")),
    # not commands here: answers
    ("完成", engine.Text("完成")), ("新增", engine.Text("新增")), ("放弃", engine.Text("放弃")),
    ("改善工艺", engine.Text("改善工艺")), ("修改 99", engine.Text("修改 99")), ("2", engine.Text("2")),
])
def test_words_on_a_question(miit: Form, typed: str, meant: commands.Command) -> None:
    assert commands.read(miit, on("q1"), typed) == meant


def test_done_ends_a_multiple_choice(miit: Form) -> None:
    assert commands.read(miit, on("q5"), "完成") == engine.Done()


@pytest.mark.parametrize(("typed", "meant"), [
    ("16.2", engine.Edit("q16_2")), ("修改 7", engine.Edit("q7")), ("０７", engine.Edit("q7")),
    ("99", commands.NoSuchLabel("99")), ("修改 99", commands.NoSuchLabel("99")),
    ("提交", engine.Submit(confirmed=False)), ("随便", engine.Text("随便")),
])
def test_numbers_on_the_review_screen(miit: Form, typed: str, meant: commands.Command) -> None:
    assert commands.read(miit, on(None), typed) == meant


def test_submit_twice_confirms(miit: Form) -> None:
    assert commands.read(miit, on(None, confirming=True), "submit") == engine.Submit(confirmed=True)


@pytest.mark.parametrize(("typed", "meant"), [
    ("新增", engine.GroupAdd()), ("add", engine.GroupAdd()), ("完成", engine.Done()), ("修改 1", engine.GroupEdit(1)),
    ("edit 2", engine.GroupEdit(2)), ("删除 1", commands.RemoveEntry(1)), ("remove1", commands.RemoveEntry(1)),
    ("放弃", engine.Discard()), ("随便", engine.Text("随便")),
])
def test_words_on_a_groups_list(forms: dict[str, Form], typed: str, meant: commands.Command) -> None:
    state = on("providers", group=GroupDraft(entries=(ENTRY,), field=None))
    assert commands.read(forms["hangzhou-filing"], state, typed) == meant


def test_inside_an_entry_the_lists_words_are_never_answers_and_discard_drops_it(forms: dict[str, Form]) -> None:
    """"新增" typed where a provider's name is asked is the list's word (the engine refuses it there), never a name."""
    filing = forms["hangzhou-filing"]
    typing = on("providers", group=GroupDraft(entries=(ENTRY,), current={"name": "乙"}, field=1))
    assert commands.read(filing, typing, "完成") == engine.Done()
    assert commands.read(filing, typing, "新增") == engine.GroupAdd()
    assert commands.read(filing, typing, "删除 1") == engine.GroupRemove(1)
    assert commands.read(filing, typing, "放弃") == engine.Discard()
    for word in ("完成", "新增", "删除 1"):
        step = engine.apply(filing, typing, commands.read(filing, typing, word), TODAY)  # type: ignore[arg-type]
        assert step.error is not None and step.error.code == "entry_in_progress" and step.state == typing
    # a group with nothing entered yet asks its first field at once: "修改 1" there is no entry number
    assert commands.read(filing, on("providers"), "修改 1") != engine.GroupEdit(1)


def test_a_channel_with_its_own_way_reads_those_words_as_text(miit: Form) -> None:
    for typed in ("退出", "报告", "lang en", "文件 a.pdf"):
        assert commands.as_text(commands.read(miit, on("q1"), typed), typed) == engine.Text(typed)
    assert commands.as_text(commands.read(miit, on(None), "99"), "99") == engine.Text("99")
    assert commands.as_text(commands.read(miit, on("q1"), "帮助"), "帮助") == commands.Help()


@pytest.mark.parametrize("typed", ["是", "确定", "yes", "Y", "确认"])
def test_yes_typed_on_the_confirmation_submits(miit: Form, typed: str) -> None:
    """“确定现在提交吗？” answered by typing 是 (the words a person types, not only the buttons)."""
    assert commands.read(miit, on(None, confirming=True), typed) == engine.Submit(confirmed=True)
    assert commands.read(miit, on(None), typed) != engine.Submit(confirmed=True)  # only when asked


@pytest.mark.parametrize("typed", ["否", "不", "no", "暂不"])
def test_no_typed_on_the_confirmation_goes_back_to_the_list(miit: Form, typed: str) -> None:
    assert commands.read(miit, on(None, confirming=True), typed) == engine.Review()
