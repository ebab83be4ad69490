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
SAMPLE = {"text": "测试", "integer": "10", "money": "100", "decimal": "1", "percent": "10", "date": "2024-01-02",
          "year_month": "2024-01", "credit_code": PROVIDER_CODE, "mobile": "13812345678",
          "landline": "0571-85257095", "phone": "13812345678", "email": "a@example.com", "postal_code": "310000",
          "single": "1", "multi": "1", "yesno": "1"}


def lines(*typed: str) -> Iterator[str | None]:
    yield from typed
    while True:
        yield None


async def test_console_group_back_discard_and_confirmed_submit(service: Interviews) -> None:
    who = "console:grp"
    opened = await service.open(who, "hangzhou-filing", lang="zh")
    form = opened.form
    while (cursor := (await service.current(who)).state.cursor) != "providers":  # type: ignore[union-attr]
        typed = {"project_end": "2024-12"}.get(cursor or "", SAMPLE[form.item(cursor or "").type])
        step = await service.apply(opened.session_id, engine.Text(typed), actor=who)
        assert step.error is None, (cursor, step.error)
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
