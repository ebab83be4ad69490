"""A service contract over HTTP: `python -m bot run` as a subprocess against the fake Bot API.  The person has a
submitted filing with two providers; /contract offers one button per provider, the contract interview is answered
with buttons and typed text, and at submission the comparison with the filing comes before the Word and PDF
contract, which are read back."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bot_process import BotProcess, Person, api, labels, pdf_text, visible
from fake_bot_api import FakeBotAPI

from bot.db import repo
from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import AnswerRow
from bot.i18n import Translator
from bot.interview import engine
from bot.interview.loader import load_forms

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.rendering.fixtures import filing_answers

pytestmark = pytest.mark.slow
__all__ = ["api"]  # the fake Bot API fixture

TR = Translator("zh")
USER_ID = 6101
PROVIDER = "杭州数智工业软件有限公司"


async def seed_filing(db: Path) -> None:
    """The person's submitted filing, in the database the bot process will open."""
    form = load_forms()["hangzhou-filing"]
    answers = filing_answers(form)
    db_engine = create_engine(f"sqlite+aiosqlite:///{db}")
    try:
        await upgrade(db_engine)
        async with sessionmaker(db_engine).begin() as s:
            user = await repo.get_or_create_user(s, f"tg:{USER_ID}")
            row = await repo.create_session(s, user, form.id, form.version,
                                            engine.State(answers=answers, cursor=None, submitted=True))
            row.status, row.submitted_at = "submitted", datetime.now(UTC)
            for item_id, answer in answers.items():
                s.add(AnswerRow(session_id=row.id, item_id=item_id, value=answer.value, extra=answer.extra))
    finally:
        await db_engine.dispose()


#: each step: press a button or type, then the next screen with buttons arrives
STEPS: list[tuple[str, str]] = [
    ("press", TR.ui("Use this")),               # 甲方协议号: the filing's 合同编号
    ("type", "浙江省杭州市滨江区长河街道江南大道1088号"),  # 甲方法定地址
    ("type", "1202021109001234567"),             # 甲方银行账号
    ("type", "中国工商银行杭州高新支行"),             # 甲方开户银行
    ("press", TR.ui("Skip")),                    # 乙方协议号: optional
    ("type", "浙江省杭州市西湖区文三路90号"),          # 乙方法定地址
    ("type", "5719 0812 3410 001"),              # 乙方银行账号
    ("type", "招商银行杭州分行"),                    # 乙方开户银行
    ("type", "MES制造执行系统"),                    # products · name
    ("press", TR.ui("Skip")),                    # products · code: optional
    ("type", PROVIDER),                          # products · supplier
    ("type", "12个月"),                           # products · term
    ("type", "100000"),                          # products · unit_price
    ("type", "1"),                               # products · quantity
    ("press", TR.ui("Done")),                    # products menu
    ("press", TR.ui("Use this")),                # period_start: the filing's 项目实施期限
    ("press", TR.ui("Use this")),                # period_end
    ("type", "10"),                              # design_days
    ("type", "50"),                              # payment_first
    ("type", "50"),                              # payment_second
    ("type", "5"),                               # damages_percent → the review screen
]


async def test_a_contract_drafted_from_the_filing(api: FakeBotAPI, tmp_path: Path) -> None:
    await seed_filing(tmp_path / "bot.sqlite3")
    person = Person(api.user(user_id=USER_ID, first_name="李晓梅", language_code="zh-hans"))
    async with BotProcess(api, tmp_path) as bot:
        await bot.start()
        await person.send("/contract")
        offer = await person.next_screen(contains="附件2")
        button = TR.ui("Draft the contract: {provider}", provider=PROVIDER)
        assert labels(offer) == [button, TR.ui("Draft the contract: {provider}", provider="杭州云启信息技术有限公司")]
        await person.press(button)
        screen = await person.next_screen()
        assert "SZ-2024-031" in visible(screen)  # offered from the filing
        for kind, arg in STEPS:
            if kind == "press":
                await person.press(arg)
            else:
                await person.send(arg)
            screen = await person.next_screen()
        assert TR.ui("Submit") in labels(screen), visible(screen)
        await person.press(TR.ui("Submit"))
        await person.next_screen(contains=TR.ui("Submit now? Once submitted, answers can only be changed through "
                                                "the helpdesk."))
        await person.press(TR.ui("Yes, submit"))
        told = await person.user.wait_message(contains="8,600,000.00", timeout=15.0)
        assert "100,000.00" in visible(told)
        pdf, word = await person.documents(2)
        assert pdf["filename"] == f"服务合同-{PROVIDER}-2.pdf" and word["filename"].endswith(".docx")
        text = pdf_text(pdf["content"])
        doc = Document(io.BytesIO(word["content"]))
        word_text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows
                                                                   for c in r.cells])
        for content in (text, word_text):
            for value in (PROVIDER, "杭州示例精密机械有限公司", "壹拾万元整", "伍万元整", "10 个工作日", "5%的违约金"):
                assert value in content, value
        assert not api.errors, api.errors
        assert await bot.stop() == 0, bot.output()
