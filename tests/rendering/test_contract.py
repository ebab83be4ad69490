"""The service contract (annex 2) of each provider of a filing, rendered as Word and PDF and read back
(python-docx, pdftotext): every blank filled, amounts in figures and in capital numerals, a missing answer a blank
line to fill by hand, the clause numbering 一 to 十 of the reference template."""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.parsing import answer_from_value, parse_answer
from bot.interview.schema import Form, GroupItem
from bot.rendering.contract import (
    BLANK,
    CONTRACT_FORM,
    READS,
    blocks,
    capital,
    compare,
    contract_view,
    figures,
    instalments,
    plain_text,
    render_contract_docx,
    render_contract_html,
    render_contract_pdf,
)
from tests.rendering.conftest import poppler
from tests.rendering.fixtures import SCRIPT, filing_answers
from tests.today import TODAY

CLAUSES = ("一、服务要求", "1.1 服务内容说明", "数字化产品/服务清单", "1.2 技术支持与服务", "1.3 培训",
           "二、服务费用及支付方式", "2.1 服务费用说明", "2.2 支付方式", "三、双方权责", "3.1 甲方权责", "3.2 乙方权责",
           "四、项目验收", "五、保密条款", "六、违约责任", "七、权利归属条款", "八、合同的变更、解除、终止",
           "九、法律争议和解决", "十、生效及其他", "10.6 本合同一式肆份")


@pytest.mark.parametrize(("amount", "expected"), [
    ("0.05", "伍分"),
    ("10", "壹拾元整"),
    ("100,000.00", "壹拾万元整"),
    ("1,000,000.10", "壹佰万元壹角"),
    ("20,030,000", "贰仟零叁万元整"),
])
def test_capital_numerals(amount: str, expected: str) -> None:
    assert capital(Decimal(amount.replace(",", ""))) == expected


def test_figures_and_instalments() -> None:
    assert figures(Decimal("1000000.1")) == "1,000,000.10"
    assert figures(Decimal("0.05")) == "0.05"
    first, second = instalments(Decimal("100000.01"), Decimal("33.3"))
    assert (first, second) == (Decimal("33300.00"), Decimal("66700.01"))
    assert first + second == Decimal("100000.01")


def test_a_unit_price_has_two_decimals_and_the_total_is_the_product_of_what_is_printed(
    forms: dict[str, Form],
) -> None:
    """666.666 × 3 printed 单价 666.67 and 总价 2,000.00; 0.001 printed 0.00 / 0.00.  A price is refused beyond the fen
    (the refusal offers the rounded price and says the total follows it), and a stored one (from before) still
    prints a total that is the printed price times the quantity."""
    products = forms[CONTRACT_FORM].item("products")
    assert isinstance(products, GroupItem)
    price = next(f for f in products.fields if f.id == "unit_price")
    for typed, rounded in (("666.666", "666.67"), ("0.001", "0.01"), ("1,200.505", "1200.51")):
        with pytest.raises(AnswerError) as caught:
            parse_answer(price, typed, {}, TODAY)
        assert (caught.value.code, caught.value.params) == ("yuan_places", {"places": 2, "rounded": rounded})
    assert parse_answer(price, "666.67", {}, TODAY) == Answer("666.67")
    assert parse_answer(price, "1,200.50", {}, TODAY) == Answer("1200.5")

    def printed(unit_price: str, quantity: str) -> tuple[str | None, str | None]:
        entry = {"name": "MES", "supplier": "乙方", "term": "12个月", "unit_price": unit_price, "quantity": quantity}
        row = contract_view({}, 0, {"products": Answer([entry])}).rows[0]
        return row.unit_price, row.total

    for unit_price, quantity in (("666.67", "3"), ("666.666", "3"), ("0.001", "1"), ("19.995", "7")):
        shown_price, shown_total = printed(unit_price, quantity)
        assert shown_price is not None and shown_total is not None
        product = Decimal(shown_price.replace(",", "")) * int(quantity)
        assert Decimal(shown_total.replace(",", "")) == product, (unit_price, shown_price, shown_total)
    assert printed("666.666", "3") == ("666.67", "2,000.01")


def test_every_id_the_layout_reads_is_in_its_form(forms: dict[str, Form]) -> None:
    for form_id, ids in READS.items():
        form = forms[form_id]
        for ref in ids:
            item_id, _, field = ref.partition(".")
            item = form.item(item_id)
            if field:
                assert isinstance(item, GroupItem)
                item.field(field)
    contract = forms[CONTRACT_FORM]
    read = {r.partition(".")[0] for r in READS[CONTRACT_FORM]}
    assert read == {i.id for i in contract.items}, "every contract answer is printed"
    assert contract.starts_from == "hangzhou-filing" and "contract" in contract.documents


def _answers(form: Form, raw: dict[str, Any]) -> dict[str, Answer]:
    return {k: answer_from_value(form.item(k), v, TODAY) for k, v in raw.items()}


def contract_answers(form: Form, provider: int) -> dict[str, Answer]:
    """A complete contract for provider 0 or 1 of tests/rendering/fixtures.filing_answers."""
    products = [
        {"name": "MES制造执行系统", "code": "HZ-MES-01", "supplier": "杭州数智工业软件有限公司", "term": "12个月",
         "unit_price": "1000000.10", "quantity": "1"},
        {"name": "设备联网网关", "code": "无", "supplier": "杭州数智工业软件有限公司", "term": "一次性交付",
         "unit_price": "0.05", "quantity": "20"},
    ] if provider == 0 else [
        {"name": "工业互联网平台订阅", "code": "YQ-CLOUD", "supplier": "杭州云启信息技术有限公司",
         "term": "2024年4月至2025年3月", "unit_price": "20030000", "quantity": "1"},
    ]
    return _answers(form, {
        "party_a_agreement_no": "JF-2024-015",
        "party_a_address": "浙江省杭州市滨江区长河街道江南大道1088号",
        "party_a_bank_account": "1202 0211 0900 1234 567",
        "party_a_bank": "中国工商银行杭州高新支行",
        "party_b_agreement_no": f"YF-{provider + 1}-{SCRIPT}",
        "party_b_address": "浙江省杭州市西湖区文三路90号",
        "party_b_bank_account": "5719 0812 3410 001",
        "party_b_bank": "招商银行杭州分行营业部",
        "products": products,
        "period_start": "2024-04",
        "period_end": "2025-03",
        "design_days": "15",
        "payment_first": "30",
        "payment_second": "70",
        "damages_percent": "10",
    })


def docx_text(content: bytes) -> str:
    doc = Document(BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            seen: list[str] = []
            for cell in row.cells:  # a merged cell repeats in every column it spans
                if cell.text not in seen:
                    seen.append(cell.text)
            lines.append(" | ".join(seen))
    return "\n".join(lines)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def two_contracts(forms: dict[str, Form], tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    """(Word text, PDF text) of the contracts with both providers of the fixed filing."""
    filing = filing_answers(forms["hangzhou-filing"])
    folder = tmp_path_factory.mktemp("contracts")
    out = []
    for provider in (0, 1):
        view = contract_view(filing, provider, contract_answers(forms[CONTRACT_FORM], provider))
        pdf = folder / f"contract-{provider}.pdf"
        pdf.write_bytes(render_contract_pdf(view))
        out.append((docx_text(render_contract_docx(view)), poppler("pdftotext", "-enc", "UTF-8", pdf, "-")))
    return out


def test_two_providers_give_two_contracts(two_contracts: list[tuple[str, str]]) -> None:
    expected = [
        ["杭州数智工业软件有限公司", "精密机械数字化车间改造服务合同", "0571-85257095", "周宁", "JF-2024-015",
         "MES制造执行系统", "HZ-MES-01", "1,000,000.10", "1,000,001.10",
         "人民币壹佰万零壹元壹角", "¥300,000.33元", "人民币叁拾万元叁角叁分", "¥700,000.77元",
         "人民币柒拾万元柒角柒分", "2024 年 3 月 20 日"],
        ["杭州云启信息技术有限公司", "工业互联网平台上云服务合同", "13967112345", "孙悦", "工业互联网平台订阅",
         "20,030,000.00", "人民币贰仟零叁万元整", "¥6,009,000.00元", "人民币陆佰万玖仟元整",
         "人民币壹仟肆佰零贰万壹仟元整",
         "¥14,021,000.00元", "2024 年 3 月 28 日"],
    ]
    for n, (word, pdf) in enumerate(two_contracts):
        other = expected[1 - n][0]
        for text in (word, pdf):
            flat = _squash(text)
            for value in expected[n]:
                assert _squash(value) in flat, (n, value)
            assert other not in flat
            # both parties, the numbering of the reference template, the blanks all filled
            for value in ("杭州示例精密机械有限公司", "浙江省杭州市滨江区长河街道江南大道1088号", "1202021109001234567",
                          "中国工商银行杭州高新支行", "2024年4月至2025年3月", "15个工作日", "30%的合同含税总金额",
                          "70%的合同含税总金额", "本合同金额10%的违约金", *CLAUSES):
                assert _squash(value) in flat, (n, value)
            assert BLANK not in text.replace("授权代表：" + BLANK, "")
            for forbidden in ("XX", "xx", "None", "202X"):
                assert forbidden not in text
            assert SCRIPT in text  # a payload prints as text


def test_clauses_in_order(forms: dict[str, Form]) -> None:
    view = contract_view(filing_answers(forms["hangzhou-filing"]), 0, contract_answers(forms[CONTRACT_FORM], 0))
    text = plain_text(view)
    positions = [text.index(c) for c in CLAUSES]
    assert positions == sorted(positions)
    table = [b for b in blocks(view) if b.tag in ("HEAD", "ROW", "SPAN")]
    assert [b.tag for b in table] == ["HEAD", "ROW", "ROW", "SPAN"]
    assert table[0].text.startswith("序号 | 产品/服务名称 | 产品/服务代码 | 产品/服务提供单位 | 服务期限")
    assert table[2].text == "2 | 设备联网网关 | 无 | 杭州数智工业软件有限公司 | 一次性交付 | 0.05 | 20 | 1.00"


def test_a_missing_answer_is_a_blank_line(forms: dict[str, Form], tmp_path: Path) -> None:
    answers = contract_answers(forms[CONTRACT_FORM], 0)
    for item_id in ("party_b_agreement_no", "party_b_bank_account", "design_days", "damages_percent"):
        del answers[item_id]
    view = contract_view(filing_answers(forms["hangzhou-filing"]), 0, answers)
    pdf = tmp_path / "blank.pdf"
    pdf.write_bytes(render_contract_pdf(view))
    html = render_contract_html(view)
    for text in (docx_text(render_contract_docx(view)), poppler("pdftotext", "-enc", "UTF-8", pdf, "-")):
        flat = _squash(text)
        assert _squash(f"收到首期款项后 {BLANK} 个工作日内") in flat
        assert _squash(f"本合同金额 {BLANK}%的违约金") in flat
        assert _squash(f"银行账号：{BLANK}") in flat
        assert "None" not in text and "XX" not in text
    assert f'<span class="blank">{BLANK}</span> 个工作日内' in html
    assert "&lt;script&gt;" not in html  # the payload was in the removed 乙方协议号


def test_nothing_given_prints_every_blank(forms: dict[str, Form]) -> None:
    view = contract_view({}, 0, {})
    text = plain_text(view)
    assert text.count(BLANK) > 30
    assert f"即¥{BLANK}元（大写：人民币{BLANK}）" in text
    assert f"项目实施时间为 {BLANK} 年 {BLANK} 月至 {BLANK} 年 {BLANK} 月" in text
    assert "None" not in text and "XX" not in text
    assert compare(view) is None


def test_comparison_with_the_expected_investment(forms: dict[str, Form]) -> None:
    filing = filing_answers(forms["hangzhou-filing"])  # 项目预期投入 860 万元
    view = contract_view(filing, 0, contract_answers(forms[CONTRACT_FORM], 0))
    found = compare(view)
    assert found is not None
    assert (found.contract_total, found.expected_yuan) == (Decimal("1000001.10"), Decimal("8600000"))
    assert found.difference == Decimal("-7599998.90") and found.percent == Decimal("-88.4")
    both = compare(view, [Decimal("20030000.00")])
    assert both is not None and both.contracts == 2 and both.difference == Decimal("12430001.10")
