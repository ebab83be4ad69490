"""Every report of the fixed answer sets, rendered and read back: PDF (pdftotext, pdffonts, pdfinfo), HTML, DOCX
(python-docx) and the annex-5 XLSX (openpyxl).  Injection payloads must come out as inert text everywhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from bot.rendering.charts import Bar, bar_chart, radar_chart
from bot.rendering.context import ELIGIBILITY, FILING, MIIT, RUBRIC, ReportContext
from bot.rendering.docx import DocxKindError, render_docx
from bot.rendering.html import ReportKindError, render_html
from bot.rendering.pdf import render_pdf, render_pdf_async
from bot.rendering.xlsx import GROUPS, HEADERS, FilingRow, filing_row, safe_text, write_summary_xlsx
from tests.rendering.conftest import poppler
from tests.rendering.fixtures import (
    AT_SUM,
    COMPANY,
    COMPANY_CODE,
    HLJ_COMPANY,
    HLJ_FAIL_COMPANY,
    HYPERLINK,
    NOT_ELIGIBLE_COMPANY,
    PROVIDER2_CODE,
    PROVIDER_CODE,
    REFERENCE_COMPANY,
    SCRIPT,
)

pytestmark = pytest.mark.slow

CASES = {
    "miit": (MIIT, [COMPANY, "47.96", "二级", "工业和信息化部中小企业数字化水平评测平台", "提升建议", "数字化基础"]),
    "heilongjiang": (RUBRIC, [HLJ_COMPANY, "企业自评最终得分", "78", "可以进入后序评审", "分值小计", SCRIPT,
                              HYPERLINK]),
    "heilongjiang-gate": (RUBRIC, [HLJ_FAIL_COMPANY, "不能进入后序评审", "企业管理智能化", "66"]),
    "eligibility": (ELIGIBILITY, [REFERENCE_COMPANY, "符合备案条件", "中型", "规上企业", "2024年12月31日"]),
    "eligibility-refused": (ELIGIBILITY, [NOT_ELIGIBLE_COMPANY, "不符合备案条件", "小型", "规下企业",
                                          "不能备案"]),
    "filing": (FILING, [COMPANY, COMPANY_CODE, "杭州数智工业软件有限公司", "杭州云启信息技术有限公司", SCRIPT,
                        HYPERLINK, "2024年4月8日", "法定代表人（签字）", "王建国"]),
    "filing-single": (FILING, ["杭州示例医疗器械有限公司", "其他：暂无"]),
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdfs(contexts: dict[str, ReportContext], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for name, (kind, _) in CASES.items():
        path = folder / f"{name}.pdf"
        path.write_bytes(render_pdf(kind, contexts[name]))
        out[name] = path
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_pdf_text(pdfs: dict[str, Path], name: str) -> None:
    text = _squash(poppler("pdftotext", "-enc", "UTF-8", pdfs[name], "-"))
    for expected in CASES[name][1]:
        assert _squash(expected) in text, expected


@pytest.mark.parametrize("name", list(CASES))
def test_pdf_embeds_a_cjk_font(pdfs: dict[str, Path], name: str) -> None:
    rows = poppler("pdffonts", pdfs[name]).splitlines()[2:]
    cjk = [r for r in rows if "ReportCJK" in r]
    assert cjk, rows
    # columns: name type encoding emb sub uni object-id: every font is embedded
    assert all(r.split()[-5] == "yes" for r in rows), rows


def test_pdf_is_a4_and_the_eligibility_result_one_page(pdfs: dict[str, Path]) -> None:
    info = poppler("pdfinfo", pdfs["eligibility"])
    assert re.search(r"Pages:\s+1\n", info)
    assert "595.28 x 841.89" in info or "595.276 x 841.89" in info
    assert re.search(r"Pages:\s+1\n", poppler("pdfinfo", pdfs["eligibility-refused"]))


def test_html_escapes_payloads(contexts: dict[str, ReportContext]) -> None:
    html = render_html(FILING, contexts["filing"])
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in html
    rubric = render_html(RUBRIC, contexts["heilongjiang"])
    assert SCRIPT not in rubric and "&lt;script&gt;" in rubric
    assert "<script" not in html + rubric


def test_report_kind_must_fit_the_context(contexts: dict[str, ReportContext]) -> None:
    with pytest.raises(ReportKindError):
        render_html(MIIT, contexts["filing"])
    with pytest.raises(ReportKindError):
        render_html("nonsense", contexts["miit"])
    with pytest.raises(DocxKindError):
        render_docx(MIIT, contexts["miit"])


def test_english_report(forms: Any) -> None:
    from bot.rendering.context import build_context
    from tests.rendering.fixtures import miit_answers

    ctx = build_context(forms["miit-2022"], miit_answers(forms["miit-2022"]), lang="en", company=COMPANY)
    html = render_html(MIIT, ctx)
    assert "Total score" in html and "How to reach the next level" in html and 'lang="en"' in html


async def test_async_wrapper(contexts: dict[str, ReportContext]) -> None:
    pdf = await render_pdf_async(ELIGIBILITY, contexts["eligibility"])
    assert pdf.startswith(b"%PDF-")


def test_charts_escape_labels() -> None:
    bars = [Bar("<b>&", 0.5, "1 / 2"), Bar("数字化经营", 1.4, "x"), Bar("c", -1, "y"), Bar("d", 0.25, "z")]
    for svg in (bar_chart(bars, title="<t>"), radar_chart(bars)):
        assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg
        assert svg.startswith("<svg") and svg.endswith("</svg>")


# --- DOCX ------------------------------------------------------------------------------------------------------


def _texts(doc: Any) -> list[str]:
    """Every paragraph's text: body, table cells and nested tables."""

    def cells(tables: Any) -> Iterator[str]:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from (p.text for p in cell.paragraphs)
                    yield from cells(cell.tables)

    return [p.text for p in doc.paragraphs] + list(cells(doc.tables))


ANNEX1_LABELS = [
    "1.申报单位基本信息", "企业名称", "统一社会信用代码", "法人代表", "通讯地址", "联系人", "联系方式", "所属细分行业",
    "企业在职职工数（人）", "企业从事数字化工作人员数（人）", "主营产品", "2023年主营业务收入（万元）",
    "企业类别\n（分类单选）", "企业获中央财政资金支持情况", "制造业中小企业数字化水平自测（参照附件4评测表）",
    "企业改造后目标数字化水平", "企业数字化基础简介", "2.项目基本信息", "项目名称", "项目实施期限",
    "应用场景（可多选）", "上云用云计划（可多选）", "项目预期投入（万元/不含税）", "3.合同服务商信息",
    "单位名称", "联系电话", "合同名称", "数字化转型项目投资额（万元）", "企业所属区、县（市）",
    "合同编号", "合同签订日期", "主要承担的工作", "项目实施方案及内容", "4.申报资料真实性声明", "法定代表人（签字）",
    "单位：（盖章）",
]


def test_filing_docx(contexts: dict[str, ReportContext]) -> None:
    ctx = contexts["filing"]
    doc = Document(BytesIO(render_docx(FILING, ctx)))
    texts = _texts(doc)
    joined = "\n".join(texts)
    for label in ANNEX1_LABELS:
        assert label.split("\n")[0] in joined, label
    values = [COMPANY, COMPANY_CODE, "王建国", "浙江省杭州市滨江区长河街道江南大道1088号", "李晓梅", "13857101234",
              "滨江区", "☑汽车零部件", "☐生物医药及健康", "420", "36", f"{AT_SUM} 汽车转向节、制动卡钳支架", "8650.5",
              "☑专精特新“小巨人”企业", "☑规上企业", "☑2级（40分~60分）", "☑三级", SCRIPT, HYPERLINK,
              "2024年4月至2025年3月", "☑其他：能耗管理", "☑设备上云", "860", "杭州数智工业软件有限公司",
              PROVIDER2_CODE, "陈志远", "周宁", "0571-85257095", "精密机械数字化车间改造服务合同", "SZ-2024-031",
              "2024-03-20", "-业务系统上云与数据治理", "2024 年 4 月 8 日", ctx.label("declaration")]
    for value in values:
        assert value in joined, value
    # every answer given in the filing is printed somewhere in the document
    for answer in ctx.answers:
        if answer.answered and isinstance(answer.raw, str) and answer.item_id not in ("project_start", "project_end",
                                                                                       "signed_on"):
            assert answer.text.split("；")[0] in joined or answer.raw in joined, answer.item_id


def test_heilongjiang_docx(contexts: dict[str, ReportContext]) -> None:
    doc = Document(BytesIO(render_docx(RUBRIC, contexts["heilongjiang"])))
    joined = "\n".join(_texts(doc))
    for text in ["黑龙江省中小企业数字化", "示范标杆企业申报书", "申报单位：", "推荐单位：", "填报日期：",
                 "黑龙江省工业和信息化厅 制", "填 报 说 明", "企业基本情况表", "邮编", "E-mail", "注册资本",
                 "企业规模属于", "☑中型", "1.☐国有", "3.☑民营", "经济效益", "资产总额", "负债总额", "银行信用等级",
                 "8650.5 万元，比2022年增长 9.64 %", "自评得分情况表", "至少符合其中一项",
                 "分值小计", "分值汇总", "企业自评最终得分", "加分项", "创新型（5分）", "专精特新（10分）",
                 "佐证材料说明", HLJ_COMPANY, "哈尔滨市工业和信息化局", "2024 年 5 月 10 日", "150080", "AA"]:
        assert text in joined, text
    assert "是☑ 否☐" in joined and "是☐ 否☑" in joined


# --- XLSX ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(contexts: dict[str, ReportContext], tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("xlsx") / "summary.xlsx"
    rows = [contexts["filing"], filing_row(contexts["filing-single"])]
    assert write_summary_xlsx(rows, path, district="滨江区经济和信息化局", filled_on=date(2024, 5, 12)) == 2
    return load_workbook(path)


def test_xlsx_header(workbook: Any) -> None:
    ws = workbook.active
    assert ws["A1"].value == "杭州市中小企业数字化改造试点项目备案汇总表"
    assert ws["A2"].value == "填报单位：滨江区经济和信息化局"
    assert ws["K2"].value == "填报时间：2024 年 5 月 12 日"
    assert [ws.cell(3, c).value for c in (1, 17, 22)] == [g for g, _ in GROUPS]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:P3", "Q3:U3", "V3:AB3"} <= merged
    header = [c.value for c in ws[4]]
    assert header == list(HEADERS) and len(header) == 28
    assert header[:3] == ["序号", "细分行业类别", "企业所属区、县(市)"]
    assert header[-7:] == ["单位名称", "统一社会信用代码", "联系人", "联系电话", "合同名称", "合同签订日期",
                           "主要承担工作"]


def test_xlsx_rows(workbook: Any) -> None:
    ws = workbook.active
    first = [c.value for c in ws[5]]
    assert first[:11] == [1, "汽车零部件", "滨江区", COMPANY, COMPANY_CODE, "李晓梅", "13857101234",
                          f"'{AT_SUM} 汽车转向节、制动卡钳支架", 8650.5, "专精特新“小巨人”企业", "规上"]
    assert first[11:21] == ["不是", "不是", "2级", "三级", 860, f"'{HYPERLINK}", "2024年4月至2025年3月",
                            "生产制造；供应链；数据管理；其他：能耗管理", "设备上云；业务系统上云", 860]
    assert first[21:26] == ["杭州数智工业软件有限公司", PROVIDER_CODE, "周宁", "0571-85257095",
                            "精密机械数字化车间改造服务合同"]
    assert first[26].date() == date(2024, 3, 20)
    # the second provider of the same filing: the filing's columns are written once, merged down its two rows
    second = [c.value for c in ws[6]]
    assert second[:21] == [None] * 21
    assert second[21] == "杭州云启信息技术有限公司" and second[27] == "'-业务系统上云与数据治理"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {f"{get_column_letter(c)}5:{get_column_letter(c)}6" for c in range(1, 22)} <= merged
    assert not any(r.endswith(("5:V6", "5:AB6")) for r in merged)  # each provider keeps its own cells
    third = [c.value for c in ws[7]]
    assert third[0] == 2 and third[3] == "杭州示例医疗器械有限公司" and third[10] == "规下"
    assert third[11:13] == ["不是", "是"] and third[19] == "其他：暂无" and third[20] == 210.5
    assert third[27] == "'+QMS 质量追溯系统建设"
    totals = [c.value for c in ws[8]]
    assert totals[0] == "合计（2 家企业）" and totals[8] == 8650.5 + 1620 and totals[15] == 860 + 230
    assert totals[20] == 860 + 210.5 and totals[21:] == [None] * 7
    assert ws.max_row == 8


def _sheet(rows: list[FilingRow]) -> Any:
    buf = BytesIO()
    write_summary_xlsx(rows, buf, district="滨江区经济和信息化局", filled_on=None)
    return load_workbook(BytesIO(buf.getvalue())).active


def _provider(name: str) -> dict[str, str]:
    return {"name": name, "credit_code": PROVIDER_CODE, "contact": "周宁", "phone": "13857101234",
            "contract_name": f"{name}服务合同", "contract_date": "2024-03-20", "duties": "实施"}


def test_xlsx_sums_count_each_enterprise_once() -> None:
    """One filing with two providers (380 / 380 万元) and one with three: one 序号 per enterprise, its amounts
    once, so a column sum (and the 合计 row) says what the enterprises will invest."""
    rows = [
        FilingRow.of((_provider("甲"), _provider("乙")), company_name="杭州甲企业", revenue_2023=Decimal("1200.5"),
                     digital_investment=Decimal(380), expected_investment=Decimal(380)),
        FilingRow.of((_provider("丙"), _provider("丁"), _provider("戊")), company_name="杭州乙企业",
                     revenue_2023=Decimal(900), digital_investment=Decimal("120.25"),
                     expected_investment=Decimal(100)),
        FilingRow.of(company_name="杭州丙企业", digital_investment=Decimal(50)),
    ]
    ws = _sheet(rows)
    data = list(ws.iter_rows(min_row=5, max_row=ws.max_row - 1, values_only=True))
    assert len(data) == 2 + 3 + 1
    assert [r[0] for r in data] == [1, None, 2, None, None, 3]
    assert [r[3] for r in data] == ["杭州甲企业", None, "杭州乙企业", None, None, "杭州丙企业"]
    assert [r[21] for r in data] == ["甲", "乙", "丙", "丁", "戊", None]
    totals = [c.value for c in ws[ws.max_row]]
    assert totals[0] == "合计（3 家企业）"
    for column, expected in ((8, Decimal("2100.5")), (15, Decimal("550.25")), (20, Decimal(480))):
        column_sum = sum(Decimal(str(r[column])) for r in data if r[column] is not None)
        assert column_sum == expected == Decimal(str(totals[column])), (column, column_sum, totals[column])
    assert {str(r) for r in ws.merged_cells.ranges} >= {"A5:A6", "U5:U6", "A7:A9", "D7:D9", "U7:U9"}
    assert f"A{ws.max_row}:H{ws.max_row}" in {str(r) for r in ws.merged_cells.ranges}


def test_xlsx_written_through_openpyxl_cells_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the fast row hooks (another openpyxl), the same sheet comes out through openpyxl's own cells."""
    import bot.rendering.xlsx as xlsx

    rows = [FilingRow.of((_provider("甲"), _provider("乙")), company_name="=杭州甲企业",
                         digital_investment=Decimal(380)),
            FilingRow.of(company_name="杭州乙企业 ", expected_investment=Decimal("0.5"))]
    fast = _sheet(rows)
    monkeypatch.setattr(xlsx, "_stream_rows", lambda ws, merges: False)
    slow = _sheet(rows)

    def cells(ws: Any) -> list[Any]:
        return [(c.coordinate, c.value, c.number_format, c.font.b, c.border.left.style, c.alignment.wrap_text,
                 c.alignment.horizontal) for row in ws.iter_rows() for c in row]

    assert cells(fast) == cells(slow)
    assert {str(r) for r in fast.merged_cells.ranges} == {str(r) for r in slow.merged_cells.ranges}
    assert [fast.row_dimensions[r].height for r in range(5, 9)] == [slow.row_dimensions[r].height
                                                                     for r in range(5, 9)]
    assert fast["D5"].value == "'=杭州甲企业" and fast["D7"].value == "杭州乙企业 "


def test_xlsx_never_holds_a_formula(workbook: Any) -> None:
    ws = workbook.active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    payload = ws["Q5"]
    assert payload.data_type == "s" and payload.value == "'" + HYPERLINK
    at = ws["H5"]
    assert at.data_type == "s" and at.value.startswith("'@SUM(1)")


@pytest.mark.parametrize(("text", "shown"), [
    ("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-5", "'-5"), ("@SUM(1)", "'@SUM(1)"), ("\t=x", "'\t=x"),
    ("\r=x", "'\r=x"), ("#N/A", "'#N/A"), ("a=b", "a=b"), ("普通文本", "普通文本"), ("bell\x07", "bell"),
])
def test_safe_text(text: str, shown: str) -> None:
    assert safe_text(text) == shown


def test_xlsx_streams_to_a_buffer_and_counts() -> None:
    buf = BytesIO()
    rows = (FilingRow.of(company_name=f"企业{n}", project_name="=cmd|' /C calc'!A0") for n in range(3))
    assert write_summary_xlsx(rows, buf, district="余杭区", filled_on=None) == 3
    ws = load_workbook(BytesIO(buf.getvalue())).active
    assert ws["K2"].value.startswith("填报时间：")
    assert [ws.cell(r, 17).value for r in (5, 6, 7)] == ["'=cmd|' /C calc'!A0"] * 3
    assert ws.cell(5, 22).value is None  # a filing without providers still has its row
    assert ws.cell(8, 1).value == "合计（3 家企业）"


def test_font_choice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bot.rendering.pdf import FontMissingError, find_font, font_css

    choice = find_font()
    assert choice.name == "wqy" and choice.family is None  # the default: embedded from its file as ReportCJK
    assert "@font-face { font-family: ReportCJK" in font_css(choice)
    monkeypatch.setenv("REPORT_CJK_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(FontMissingError):
        find_font()


async def test_other_async_wrappers(contexts: dict[str, ReportContext]) -> None:
    from bot.rendering.docx import render_docx_async
    from bot.rendering.xlsx import write_summary_xlsx_async

    assert (await render_docx_async(FILING, contexts["filing"])).startswith(b"PK")
    buf = BytesIO()
    assert await write_summary_xlsx_async([contexts["filing"]], buf, district="滨江区", filled_on=None) == 1


def test_block_heights_show_the_merged_filing_cells_whole() -> None:
    from bot.rendering.xlsx import LINE_HEIGHT, ROW_PADDING, block_heights

    def lines(heights: list[float]) -> list[float]:
        return [(h - ROW_PADDING) / LINE_HEIGHT for h in heights]

    assert lines(block_heights(5, [1, 1])) == [3, 2]  # the filing's 5 lines over two one-line providers
    assert lines(block_heights(2, [3, 1])) == [3, 1]  # the providers already take more than the filing needs
    assert lines(block_heights(4, [1])) == [4]
