"""The terminal channel over the real service and database: going back inside a repeatable group keeps what was
typed, a half-typed entry is dropped only by "放弃", and "提交" asks once more before submitting."""

from __future__ import annotations

import io
from collections.abc import Iterator

from bot.dialogs.console import Console
from bot.i18n import Translator
from bot.interview import engine
from bot.interview.errors import AnswerError
from bot.present import error_text
from bot.service.sessions import Interviews
from tests.rendering.fixtures import PROVIDER_CODE

ZH = Translator("zh")
SAMPLE = {"text": "测试", "person_name": "张三",
          "integer": "10", "money": "100", "decimal": "1", "percent": "10", "date": "2024-01-02",
          "year_month": "2024-01", "credit_code": PROVIDER_CODE, "mobile": "13812345678",
          "landline": "0571-85257095", "phone": "13812345678", "email": "a@example.com", "postal_code": "310000",
          "single": "1", "multi": "1", "yesno": "1"}


def lines(*typed: str) -> Iterator[str | None]:
    yield from typed
    while True:
        yield None


async def _at_providers(service: Interviews, who: str) -> None:
    """The filing answered up to its providers (each item with a plain valid answer)."""
    opened = await service.open(who, "hangzhou-filing", lang="zh")
    form = opened.form
    while (cursor := (await service.current(who)).state.cursor) != "providers":  # type: ignore[union-attr]
        typed = {"project_end": "2024-12"}.get(cursor or "", SAMPLE[form.item(cursor or "").type])
        step = await service.apply(opened.session_id, engine.Text(typed), actor=who)
        assert step.error is None, (cursor, step.error)


async def test_console_group_back_discard_and_confirmed_submit(service: Interviews) -> None:
    await _at_providers(service, "console:grp")
    out = io.StringIO()
    script = lines("甲服务商", PROVIDER_CODE, "王五", "赵六", "13812345678",  # five fields, then at 合同名称:
                   "返回", "返回",          # back twice: 联系人, with its value kept
                   "检查",                  # leaving now would drop the half-typed provider: refused
                   "沿用", "沿用",          # keep 联系人 and 联系电话
                   "合同", "HT-1", "2024-03-01", "实施",  # the entry is finished
                   "新增", "乙服务商", "放弃",  # a second one begun and dropped on purpose
                   "完成", "测试", "是", "测试", "2024-01-02",  # the rest of the filing
                   "提交", "提交")
    console = Console(service, user="grp", lang="zh", out=out)
    state = await console.run("hangzhou-filing", lambda: next(script))
    text = out.getvalue()
    # 联系人 asked on the way, after going back, and again under the refusal (never 服务商 1 · 单位名称 again)
    assert text.count("服务商 1 · 联系人") == 3 and text.count("服务商 1 · 单位名称") == 1
    assert error_text(AnswerError("entry_unfinished", entry="服务商", number=1), ZH) in text
    assert ZH.ui("  current answer: {answer}", answer="赵六") in text
    assert ZH.ui("Submit now? Once submitted, answers can only be changed through the helpdesk. Type “submit” again "
                 "to confirm, or “edit N” to change an answer.") in text
    assert state.submitted
    providers = state.answers["providers"].value
    assert [p["name"] for p in providers] == ["甲服务商"]
    first = providers[0]
    assert (first["legal_rep"], first["contact"], first["contract_name"]) == ("王五", "赵六", "合同")


async def test_the_lists_words_typed_inside_an_entry_are_refused_never_stored(service: Interviews) -> None:
    """An empty group opens at its first field: "新增" (as the help says to add) must not become a provider's
    name, nor "完成" or "删除 1" a value; submitting with an entry half-typed stays on the entry."""
    who = "console:words"
    await _at_providers(service, who)
    out = io.StringIO()
    script = lines("新增", "完成", "删除 1", "甲服务商", "提交", "", "放弃", "删除 1")
    state = await Console(service, user="words", lang="zh", out=out).run("hangzhou-filing", lambda: next(script))
    text = out.getvalue()
    in_progress = error_text(AnswerError("entry_in_progress", entry="服务商", number=1), ZH)
    assert text.count(in_progress) == 3
    assert error_text(AnswerError("entry_unfinished", entry="服务商", number=1), ZH) in text  # 提交: kept there
    assert "== 检查" not in text  # the review list, whose commands could not be used, is not offered
    assert ZH.ui("Type an answer, or help for the commands.") in text  # the empty line got an answer
    assert error_text(AnswerError("no_entries_yet"), ZH) in text  # 删除 1 on an empty list
    assert "：还没有服务商。" in text  # the emptied list says what it is the list of
    assert "providers" not in state.answers and state.group is not None and not state.group.entries


async def test_an_unknown_language_is_refused_and_the_question_asked_again(service: Interviews) -> None:
    out = io.StringIO()
    script = lines("lang fr", "lang en")
    await Console(service, user="langs", lang="zh", out=out).run("hangzhou-eligibility", lambda: next(script))
    text = out.getvalue()
    assert "✗ 不支持的语言：fr。可选：中文 / English。" in text
    first_question = text.split("\n== ", 1)[0]
    assert text.count("Language: English") == 1
    tail = text.split("Language: English", 1)[1]
    assert tail.strip() and not any("\u4e00" <= ch <= "\u9fff" for ch in tail.split("\n", 2)[1]), first_question
