"""Service contracts in the terminal: after a filing with two providers, `--provider 1` and `--provider 2` draft
the two contracts (a real `python -m bot console` process, a real SQLite file, stdin a pipe).  What the filing
holds is offered, typed mistakes are refused, the total is compared with the filing before the Word and PDF
contract are written, and the files read back."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document

from bot.rendering.contract import BLANK, Comparison
from bot.service.contracts import comparison_text
from tests.cli.test_console_forms import ELIGIBILITY, FILING, REPO, ZH, refusal, run
from tests.rendering.conftest import poppler

PROVIDERS = ("杭州数智服务有限公司", "杭州云联信息技术有限公司")


def contract(unit_price: str, *, code: list[str], supplier: str) -> list[str]:
    return [
        "沿用",                       # party_a_agreement_no: the filing's 合同编号, confirmed
        "沿用",                       # party_a_address: the filing's 通讯地址, confirmed
        "6222abc",                   # party_a_bank_account: letters → refused
        "6222 0202 1234 5678",       # party_a_bank_account
        "中国工商银行杭州高新支行",      # party_a_bank
        "跳过",                       # party_b_agreement_no: optional, skipped → a blank line
        "杭州市西湖区文三路100号",       # party_b_address
        "3301-0400-0000-1234",       # party_b_bank_account
        "招商银行杭州分行",             # party_b_bank
        "MES系统",                    # products · name
        *code,                       # products · code
        supplier,                    # products · supplier
        "12个月",                     # products · term
        "12万",                       # products · unit_price: not a number of 元 → refused
        unit_price,                  # products · unit_price
        "1",                         # products · quantity
        "完成",                       # products menu: done
        "沿用",                       # period_start: the filing's 项目实施期限
        "沿用",                       # period_end
        "0",                         # design_days: at least 1 → refused
        "15",                        # design_days
        "30",                        # payment_first
        "60",                        # payment_second: 30 + 60 ≠ 100 → refused
        "70",                        # payment_second
        "40",                        # damages_percent: above 30% → a warning, kept
        "提交", "提交",               # review: submit, then confirm
    ]


def docx_text(path: Path) -> str:
    doc = Document(BytesIO(path.read_bytes()))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


@pytest.mark.slow
def test_a_filing_with_two_providers_gives_two_contracts(tmp_path: Path) -> None:
    db, out_dir = tmp_path / "bot.sqlite3", tmp_path / "out"
    run(db, "hangzhou-eligibility", ELIGIBILITY)
    out = run(db, "hangzhou-filing", FILING, "--out", str(out_dir))
    offer = ZH.ui("Next: draft the service contract (annex 2) with each provider; what the filing holds is filled "
                  "in:")
    assert offer in out
    for n, name in enumerate(PROVIDERS, 1):
        # with this run's report folder, so that the contract's files are written too
        assert f"  {n}. {name}: python -m bot console --user acme --provider {n} --out {out_dir}" in out

    script = contract("1,000,000.10", code=["跳过"], supplier=PROVIDERS[0])
    first = run(db, "miit-2022", script, "--provider", "1", "--out", str(out_dir))
    assert ZH.ui("Service contract with {provider}.", provider=PROVIDERS[0]) in first
    assert "HT-2024-001" in first and "杭州市滨江区江南大道1号" in first  # offered from the filing
    assert "✗ 银行账号只能包含数字" in first and "（您输入的是：6222abc）" in first
    assert refusal("not_a_number") in first and refusal("number_too_small", min="1") in first
    assert "✗ 两期付款比例相加须等于100%：第一期30%，第二期60%，合计90%" in first
    assert "⚠ 违约金比例40%较高" in first
    told = comparison_text(Comparison(Decimal("1000000.10"), Decimal("1000000.10"), 1, Decimal(300),
                                      Decimal(3_000_000)), ZH)
    written = first.index(ZH.ui("Report written: {path}", path=""))
    for line in told:
        assert 0 <= first.index(line) < written  # the comparison is told before the files are made
    word = docx_text(out_dir / f"服务合同-{PROVIDERS[0]}-3.docx")
    for value in ("甲方（盖章）：杭州测试汽配科技有限公司",
                  "乙方（盖章）：" + PROVIDERS[0], "协议号：HT-2024-001", "协议号：" + BLANK,
                  "银行账号：3301-0400-0000-1234", "人民币壹佰万元壹角", "1,000,000.10",
                  "¥300,000.03元（大写：人民币叁拾万元零叁分）", "¥700,000.07元（大写：人民币柒拾万元零柒分）",
                  "15 个工作日", "本合同金额 40%的违约金", "2024 年 4 月至 2025 年 3 月", "2024 年 3 月 20 日"):
        assert value in word, value
    pdf = poppler("pdftotext", "-enc", "UTF-8", out_dir / f"服务合同-{PROVIDERS[0]}-3.pdf", "-")
    assert "人民币壹佰万元壹角" in pdf and PROVIDERS[0] in pdf and BLANK in pdf

    script = contract("20,030,000", code=["YL-01"], supplier=PROVIDERS[1])
    second = run(db, "miit-2022", script, "--provider", "2", "--out", str(out_dir))
    both = comparison_text(Comparison(Decimal(20_030_000), Decimal("21030000.10"), 2, Decimal(300),
                                      Decimal(3_000_000)), ZH)
    for line in both:
        assert line in second
    word = docx_text(out_dir / f"服务合同-{PROVIDERS[1]}-4.docx")
    assert "人民币贰仟零叁万元整" in word and "乙方（盖章）：" + PROVIDERS[1] in word and PROVIDERS[0] not in word

    # again: the contract is not drafted twice; its files are written again
    again = run(db, "miit-2022", [], "--provider", "2", "--out", str(out_dir))
    assert ZH.ui("This contract was already drafted; its files are written again.") in again


@pytest.mark.slow
def test_a_contract_needs_a_filing_and_a_provider(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    out = run(db, "miit-2022", [], "--provider", "1")
    assert "hangzhou-filing" in out and ZH.ui("Service contract with {provider}.", provider="") not in out
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    alone = subprocess.run([sys.executable, "-m", "bot", "console", "--form", "hangzhou-contract"], cwd=REPO,
                           env=env, input="", capture_output=True, text=True, timeout=30)
    assert alone.returncode == 2 and "--provider N" in alone.stderr
