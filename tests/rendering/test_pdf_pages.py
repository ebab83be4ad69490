"""What each printed page of the PDFs carries, read back page by page with pdftotext: a section's label with its
rows, a table's head on every page it runs onto, a heading with what it heads, periods and amounts unbroken and
in one spacing, and an amount in the unit its label names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.interview.parsing import answer_from_value
from bot.interview.schema import Form
from bot.rendering.context import ReportContext, build_context
from bot.rendering.contract import CONTRACT_FORM, contract_view, render_contract_pdf
from bot.rendering.pdf import render_pdf
from tests.rendering.conftest import poppler
from tests.rendering.fixtures import PROVIDER2_CODE, PROVIDER_CODE, all_sets, filing_answers
from tests.rendering.test_contract import contract_answers
from tests.today import TODAY

pytestmark = pytest.mark.slow


def pages(pdf: bytes, tmp_path: Path, name: str) -> list[str]:
    """The text of each page, one line per printed line (the reading order pdftotext finds)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return poppler("pdftotext", "-enc", "UTF-8", path, "-").split("\f")[:-1]


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_filing_section_label_is_on_every_page_its_rows_are(contexts: dict[str, ReportContext],
                                                            tmp_path: Path) -> None:
    """A section's rows never continue onto a page without the section's label (the label is a row-spanning cell,
    printed once): a section that does not fit under the one before starts a page."""
    ctx = contexts["filing"]
    texts = [squashed(p) for p in pages(render_pdf(ctx.kind, ctx), tmp_path, "filing")]
    sections = {"2.项目基本信息": ("项目名称", "项目实施期限", "上云用云计划", "项目预期投入", "数字化转型项目投资额"),
                "3.合同服务商信息": ("单位名称", "合同编号", "项目实施方案及内容"),
                "4.申报资料真实性声明": ("法定代表人（签字）",)}
    for label, rows in sections.items():
        for row in rows:
            on = [n for n, text in enumerate(texts) if row in text]
            assert on and all(label in texts[n] for n in on), (label, row, on)


def test_filing_provider_is_never_split_over_two_pages(forms: dict[str, Form], tmp_path: Path) -> None:
    """Ten providers run over two pages; each provider's four rows (单位名称 …, its values, 合同名称 …, its
    values) stay on one."""
    form, answers, company = all_sets(forms)["filing"]
    answers = dict(answers)
    answers["providers"] = answer_from_value(form.item("providers"), answers["providers"].value * 5, TODAY)
    ctx = build_context(form, answers, lang="zh", company=company)
    texts = pages(render_pdf(ctx.kind, ctx), tmp_path, "filing-10")
    counts = [(t.count("单位名称"), t.count(PROVIDER_CODE) + t.count(PROVIDER2_CODE), t.count("合同编号"),
               t.count("SZ-2024-031") + t.count("YQ2024-007")) for t in texts]
    assert sum(c[0] for c in counts) == 10 and len([c for c in counts if c[0]]) >= 2, counts
    assert all(len(set(c)) == 1 for c in counts), counts


def test_filing_period_is_evenly_spaced(contexts: dict[str, ReportContext], tmp_path: Path) -> None:
    ctx = contexts["filing"]
    text = "".join(pages(render_pdf(ctx.kind, ctx), tmp_path, "filing"))
    assert "2024年4月至2025年3月" in text
    assert "2024 年" not in text.replace("2024 年 4 月 8 日", "")  # only the signature date keeps its blanks' spacing


def test_english_amount_is_in_the_unit_its_label_names(forms: dict[str, Form], tmp_path: Path) -> None:
    form, answers, company = all_sets(forms)["eligibility"]
    ctx = build_context(form, answers, lang="en", company=company)
    lines = [re.sub(r"\s+", " ", line) for line in
             poppler("pdftotext", "-layout", "-enc", "UTF-8", _write(render_pdf(ctx.kind, ctx), tmp_path), "-")
             .splitlines()]
    row = next(line for line in lines if "Main business revenue in 2023" in line)
    assert "(10k yuan)" in row and "8,650.5 × 10k yuan = 86,505,000 yuan" in row, row


def _write(pdf: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return path


def test_miit_advice_heading_stays_with_its_table(contexts: dict[str, ReportContext], tmp_path: Path) -> None:
    ctx = contexts["miit"]
    texts = pages(render_pdf(ctx.kind, ctx), tmp_path, "miit")
    page = next(t for t in texts if "提升建议" in t)
    assert "满分做法" in page and "+" in page, page[-300:]  # the table's head and its first rows


@pytest.fixture(scope="module")
def long_contract(forms: dict[str, Form]) -> bytes:
    """A contract whose product list (14 products) runs over two pages."""
    answers = contract_answers(forms[CONTRACT_FORM], 1)
    products = [{"name": f"工业互联网平台订阅模块{n}", "code": f"YQ-CLOUD-{n:02d}",
                 "supplier": "杭州云启信息技术有限公司", "term": "2024年4月至2025年3月", "unit_price": "20030000",
                 "quantity": "1"} for n in range(1, 15)]
    answers["products"] = answer_from_value(forms[CONTRACT_FORM].item("products"), products, TODAY)
    return render_contract_pdf(contract_view(filing_answers(forms["hangzhou-filing"]), 1, answers))


def test_contract_product_table_head_on_every_page(long_contract: bytes, tmp_path: Path) -> None:
    texts = pages(long_contract, tmp_path, "contract")
    with_rows = [t for t in texts if "CLOUD-" in t]
    assert len(with_rows) >= 2
    for text in with_rows:
        assert "订购量" in text and "服务期限" in text, text[:200]


def test_contract_product_cells_break_between_words(long_contract: bytes, tmp_path: Path) -> None:
    """The head breaks as "产品/服务 | 代码" and "单价 | （含税，元）", a period at 至, an amount never."""
    lines = [line.strip() for line in "".join(pages(long_contract, tmp_path, "contract")).splitlines()]
    assert {"产品/服务", "代码", "提供单位", "单价", "（含税，元）"} <= set(lines)
    assert "产品/服务代" not in lines and "码" not in lines
    assert lines.count("2024年4月至") == 14 and lines.count("2025年3月") == 14
    assert lines.count("20,030,000.00") == 2 * 14
    assert not any(re.fullmatch(r"\d{4}年\d{1,2}|月|至\d{4}年\d{1,2}|\d+,\d{3},\d{3}\.\d?", line) for line in lines)
