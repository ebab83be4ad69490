"""The documents as the recipients print them: each defect found by printing the reports page by page (issue 12,
"Documents, as the recipients will print them") has a check here that reads the layout back — table grids and
cell widths from the Word XML (python-docx), text positions from the PDF (pdftotext -layout / -bbox), print
settings and cells from the workbook (openpyxl).  Look at them too: `make report-pngs` renders every page.

Widths are measured with DejaVu Serif's advance widths (fontTools): where Times New Roman is not installed,
LibreOffice shows the Latin text of the Word files in DejaVu Serif, which is wider than Times New Roman, so a code
that fits in DejaVu Serif fits in Word too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length
from lxml import html as lxml_html
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from bot.rendering.context import ELIGIBILITY, FILING, MIIT, RUBRIC, ReportContext
from bot.rendering.docx import CELL_MARGINS_CM, render_docx
from bot.rendering.html import render_html
from bot.rendering.pdf import render_pdf
from bot.rendering.xlsx import HEADERS, LINE_HEIGHT, write_summary_xlsx
from tests.rendering.conftest import poppler
from tests.rendering.fixtures import AT_SUM, COMPANY_CODE, PROVIDER2_CODE, PROVIDER_CODE

pytestmark = pytest.mark.slow

WIDE_LATIN = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
WIDE_LATIN_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
#: a credit code, a phone or fax number, a date or a contract number: printed on one line or not at all
WHOLE = re.compile(r"^(?:\d{6}|[0-9A-Z]{18}|[0-9+][0-9\- ]{6,}[0-9]|\d{4}-\d{2}-\d{2}|[A-Z]{2}-?\d{4}-\d{3})$")
EMU_PER_CM = 360000
TWIPS_PER_CM = 1440 / 2.54


@lru_cache(maxsize=2)
def _advances(path: str) -> tuple[dict[int, int], int]:
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    hmtx = font["hmtx"]
    return {cp: hmtx[glyph][0] for cp, glyph in font.getBestCmap().items()}, font["head"].unitsPerEm


def text_width_cm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """The printed width of Latin text in DejaVu Serif (a CJK character counts one em)."""
    widths, upm = _advances(WIDE_LATIN_BOLD if bold else WIDE_LATIN)
    ems = sum(widths.get(ord(ch), upm) / upm if ord(ch) < 0x2E80 else 1.0 for ch in text)
    return ems * size_pt / 72 * 2.54


# --- Word: the cells and their widths ------------------------------------------------------------------------


def _tables(element: Any) -> Iterator[Any]:
    yield from element.iter(qn("w:tbl"))


def _grid_cm(tbl: Any) -> list[float]:
    return [int(col.get(qn("w:w"))) / TWIPS_PER_CM for col in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]


def _cells(tbl: Any) -> Iterator[tuple[Any, Any, float]]:
    """(row, cell, width in cm from the grid columns the cell spans) of a table's own rows."""
    grid = _grid_cm(tbl)
    for tr in tbl.findall(qn("w:tr")):
        col = 0
        for tc in tr.findall(qn("w:tc")):
            span_el = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            yield tr, tc, sum(grid[col:col + span])
            col += span


def _run_text(r: Any) -> str:
    return "".join("-" if el.tag == qn("w:noBreakHyphen") else (el.text or "")
                   for el in r if el.tag in (qn("w:t"), qn("w:noBreakHyphen")))


def _para_text(p: Any) -> str:
    return "".join(_run_text(r) for r in p.iter(qn("w:r")))


def _run_size_bold(r: Any, default_pt: float) -> tuple[float, bool]:
    rpr = r.find(qn("w:rPr"))
    size, bold = default_pt, False
    if rpr is not None:
        sz = rpr.find(qn("w:sz"))
        if sz is not None:
            size = int(sz.get(qn("w:val"))) / 2
        b = rpr.find(qn("w:b"))
        bold = b is not None and b.get(qn("w:val"), "true") not in ("0", "false")
    return size, bold


def _docx(kind: str, ctx: ReportContext) -> Any:
    return Document(BytesIO(render_docx(kind, ctx)))


def _text_width_cm(doc: Any) -> float:
    s = doc.sections[0]
    return float(Length(s.page_width - s.left_margin - s.right_margin).cm)


@pytest.fixture(scope="module")
def filing_doc(contexts: dict[str, ReportContext]) -> Any:
    return _docx(FILING, contexts["filing"])


@pytest.fixture(scope="module")
def rubric_doc(contexts: dict[str, ReportContext]) -> Any:
    return _docx(RUBRIC, contexts["heilongjiang"])


@pytest.mark.parametrize("which", ["filing_doc", "rubric_doc"])
def test_docx_codes_and_phone_numbers_fit_on_one_line(which: str, request: pytest.FixtureRequest) -> None:
    """A credit code, phone number or date never breaks ("91330108MA27XB2/L1H", "0571-/88886666"): its column holds
    it on one line in the widest Latin font it may be shown in, and its hyphens are non-breaking."""
    doc = request.getfixturevalue(which)
    seen = []
    for tbl in _tables(doc.element.body):
        for _tr, tc, width in _cells(tbl):
            for p in tc.findall(qn("w:p")):
                text = _para_text(p)
                if not WHOLE.match(text):
                    continue
                runs = list(p.iter(qn("w:r")))
                size, bold = _run_size_bold(runs[0], 10.5)
                need = text_width_cm(text, size, bold=bold) + CELL_MARGINS_CM
                assert need <= width, f"{text!r} needs {need:.2f} cm, its cell is {width:.2f} cm"
                # a hyphen is w:noBreakHyphen, never a breakable "-" in the text
                assert all("-" not in (t.text or "") for t in p.iter(qn("w:t"))), text
                seen.append(text)
    expected = ({COMPANY_CODE, PROVIDER_CODE, PROVIDER2_CODE, "13857101234", "0571-85257095", "13967112345",
                 "2024-03-20", "SZ-2024-031"} if which == "filing_doc"
                else {"0451-86661234", "13904510001", "0451-86661288", "0451-86661299", "150080"})
    assert expected <= set(seen), expected - set(seen)


@pytest.mark.parametrize("which", ["filing_doc", "rubric_doc"])
def test_docx_tables_stay_inside_the_borders(which: str, request: pytest.FixtureRequest) -> None:
    """No table sticks out past the right border: a top-level table is at most the text width, a table nested in
    a cell at most that cell's width less its margins, and every row fills its table's grid exactly."""
    doc = request.getfixturevalue(which)
    text_width = _text_width_cm(doc)
    for tbl in doc.element.body.findall(qn("w:tbl")):
        assert sum(_grid_cm(tbl)) <= text_width + 0.01, (sum(_grid_cm(tbl)), text_width)
    for tbl in _tables(doc.element.body):
        grid = _grid_cm(tbl)
        for tr in tbl.findall(qn("w:tr")):
            assert math.isclose(sum(w for row, _tc, w in _cells(tbl) if row is tr), sum(grid), abs_tol=0.01)
        for _tr, tc, width in _cells(tbl):
            for inner in tc.findall(qn("w:tbl")):
                assert sum(_grid_cm(inner)) + CELL_MARGINS_CM <= width + 0.01, (sum(_grid_cm(inner)), width)


def _row_flags(tr: Any) -> tuple[bool, bool]:
    """(cantSplit, every paragraph of the row keeps with the next)."""
    cant_split = tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
    paras = list(tr.iter(qn("w:p")))
    keep = bool(paras) and all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in paras)
    return cant_split, keep


def test_docx_provider_is_never_split_by_a_page_break(filing_doc: Any) -> None:
    """Each provider's four rows (labels, values, labels, values) keep together: no row splits across pages, and
    the first three keep with the next."""
    blocks = 0
    for tbl in _tables(filing_doc.element.body):
        rows = tbl.findall(qn("w:tr"))
        for n, tr in enumerate(rows):
            texts = [_para_text(p) for p in tr.iter(qn("w:p"))]
            if "单位名称" not in texts:
                continue
            blocks += 1
            block = rows[n:n + 4]
            assert len(block) == 4
            flags = [_row_flags(r) for r in block]
            assert all(cant for cant, _ in flags), flags
            # the section cell (merged down the whole section) keeps with the next too, harmlessly; the last row
            # of the block need not
            assert all(keep for _, keep in flags[:3]), flags
    assert blocks == 2


def test_docx_signature_line_is_left_blank(filing_doc: Any) -> None:
    """The legal representative's typed name is printed beside the signature line, never on it."""
    paras = [_para_text(p) for p in filing_doc.element.body.iter(qn("w:p"))]
    signature = [p for p in paras if "法定代表人（签字）" in p]
    assert len(signature) == 1
    assert "王建国" not in signature[0]
    assert re.search(r"法定代表人（签字）：_{10,}$", signature[0]), signature[0]
    assert "法定代表人：王建国" in paras


@pytest.mark.parametrize(("kind", "name"), [(FILING, "filing"), (RUBRIC, "heilongjiang")])
def test_docx_session_facts_are_properties_not_text(kind: str, name: str, contexts: dict[str, ReportContext]) -> None:
    doc = _docx(kind, contexts[name])
    props = doc.core_properties
    assert props.comments == "session: 42" and "session: 42" in props.keywords
    assert props.title == contexts[name].title
    body = "\n".join(_para_text(p) for p in doc.element.body.iter(qn("w:p")))
    assert "session" not in body and "form_version" not in body


# --- PDF ------------------------------------------------------------------------------------------------------

PDF_CASES = {"miit": MIIT, "eligibility": ELIGIBILITY, "filing": FILING, "heilongjiang": RUBRIC}


@pytest.fixture(scope="module")
def pdf_files(contexts: dict[str, ReportContext], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("layout")
    out = {}
    for name, kind in PDF_CASES.items():
        out[name] = folder / f"{name}.pdf"
        out[name].write_bytes(render_pdf(kind, contexts[name]))
    return out


def _layout(path: Path) -> str:
    return poppler("pdftotext", "-layout", "-enc", "UTF-8", path, "-")


@pytest.mark.parametrize("name", list(PDF_CASES))
def test_pdf_session_facts_are_metadata_not_print(name: str, pdf_files: dict[str, Path]) -> None:
    """"session: 42 · form_version: 1" is in the PDF's Subject and Keywords, not on the printed page."""
    text = _layout(pdf_files[name])
    assert "session" not in text and "form_version" not in text
    info = poppler("pdfinfo", pdf_files[name])
    assert re.search(r"^Subject:\s+session: 42$", info, re.M), info
    assert re.search(r"^Keywords:\s+session: 42$", info, re.M), info


def _grid_rows(table: Any) -> list[int]:
    """The number of grid columns each row of an HTML table fills, counting cells spanned down from above."""
    filled: list[int] = []
    pending: dict[int, int] = {}  # row index -> columns taken by rowspans from earlier rows
    rows = [tr for tr in table.iter("tr") if tr.getparent().getparent() is table or tr.getparent() is table]
    for n, tr in enumerate(rows):
        width = pending.pop(n, 0)
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            span = int(td.get("colspan", "1"))
            width += span
            for below in range(1, int(td.get("rowspan", "1"))):
                pending[n + below] = pending.get(n + below, 0) + span
        filled.append(width)
    return filled


@pytest.mark.parametrize(("kind", "name"), [(RUBRIC, "heilongjiang"), (RUBRIC, "heilongjiang-gate"),
                                            (FILING, "filing"), (MIIT, "miit"), (ELIGIBILITY, "eligibility")])
def test_html_table_rows_fill_their_columns(kind: str, name: str, contexts: dict[str, ReportContext]) -> None:
    """Every row of every table fills exactly the table's columns (the bonus 分值小计 row once filled one column
    less, so its numbers sat one column left, under 是/否 and 分值)."""
    tree = lxml_html.fromstring(render_html(kind, contexts[name]))
    tables = tree.findall(".//table")
    assert tables
    for table in tables:
        cols = len(table.findall("./colgroup/col")) or None
        filled = _grid_rows(table)
        assert len(set(filled)) == 1, (table.get("class"), filled)
        if cols:
            assert filled[0] == cols, (table.get("class"), filled, cols)


def _words(path: Path, page_text: str) -> list[tuple[float, float, str]]:
    """(x min, y min, word) of every word on the pages whose text contains `page_text` (pdftotext -bbox)."""
    out = poppler("pdftotext", "-bbox", "-enc", "UTF-8", path, "-")
    words = []
    for page in out.split("<page ")[1:]:
        found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', page)
        if any(page_text in w for _, _, w in found):
            words += [(float(x), float(y), w) for x, y, w in found]
    return words


def test_pdf_bonus_subtotal_sits_under_its_columns(pdf_files: dict[str, Path]) -> None:
    """The bonus 分值小计 row: its 分值 (10) under the 分值 header and its 自评得分 (10) under 自评得分."""
    words = _words(pdf_files["heilongjiang"], "此加分项")
    header_x = {w: x for x, _, w in words if w in ("分值", "自评")}
    assert set(header_x) == {"分值", "自评"}
    row_y = next(y for _, y, w in words if "此加分项" in w)
    numbers = sorted(x for x, y, w in words if abs(y - row_y) < 3 and w == "10")
    assert len(numbers) == 2, numbers
    points_x, earned_x = numbers
    assert header_x["分值"] - 15 <= points_x < header_x["自评"] - 5, (numbers, header_x)
    assert earned_x >= header_x["自评"] - 5, (numbers, header_x)


def test_pdf_holds_the_whole_heilongjiang_application(pdf_files: dict[str, Path]) -> None:
    """The 企业基本情况表 is in the PDF as in the Word file, its phone numbers whole on their lines."""
    text = _layout(pdf_files["heilongjiang"])
    squashed = re.sub(r"\s+", "", poppler("pdftotext", "-enc", "UTF-8", pdf_files["heilongjiang"], "-"))
    for expected in ["企业基本情况表", "通讯地址", "邮编", "150080", "法人代表", "刘振华", "电话",
                     "手机", "传真", "E-mail", "zhangli@example.com", "注册时间", "2012-06-18",
                     "注册资本", "3000万元", "企业规模属于", "☑中型", "3.☑民营", "所属行业",
                     "通用设备制造业", "具体细分领域名称", "数控机床功能部件", "经济效益",
                     "资产总额", "15230.75万元", "负债总额", "6120.4万元",
                     "8650.5万元，比2022年增长9.64%", "银行信用等级", "AA",
                     "注：以上指标按2023年底数据填写", "自评得分情况表"]:
        assert expected in squashed, expected
    for phone in ("0451-86661234", "13904510001", "0451-86661288", "13945120088", "0451-86661299"):
        assert re.search(rf"(?<![\d-]){re.escape(phone)}(?![\d-])", text), phone
    # the basic table comes before the self-scoring table, as in the paper application
    assert squashed.index("企业基本情况表") < squashed.index("自评得分情况表")


def test_pdf_signature_line_is_left_blank(pdf_files: dict[str, Path]) -> None:
    lines = _layout(pdf_files["filing"]).splitlines()
    signature = [line for line in lines if "法定代表人（签字）" in line]
    assert len(signature) == 1 and "王建国" not in signature[0], signature
    assert any(re.search(r"法定代表人：\s*王建国", line) for line in lines)


# --- the annex-5 workbook ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sheet(contexts: dict[str, ReportContext], tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("xlsx-layout") / "summary.xlsx"
    write_summary_xlsx([contexts["filing"], contexts["filing-single"]], path, district="滨江区经济和信息化局",
                       filled_on=date(2024, 5, 12))
    return load_workbook(path)


def test_xlsx_prints_as_the_district_prints_it(sheet: Any) -> None:
    ws = sheet.active
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$4"
    assert not ws.print_options.gridLines
    area = f"'{ws.title}'!$A$1:$AB${ws.max_row}"
    assert ws.print_area in (area, [area]), ws.print_area
    assert ws.max_column == len(HEADERS)  # nothing (no border either) to the right of AB
    assert sheet.properties.title == "杭州市中小企业数字化改造试点项目备案汇总表"


def test_xlsx_data_cells_wrap_and_are_shown_whole(sheet: Any) -> None:
    """Every data cell wraps and is boxed, and each row (for a merged filing cell: the rows it spans together) is
    tall enough for its longest text (主营产品, 应用场景)."""
    ws = sheet.active
    spans = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges if m.min_row >= 5}
    for r in range(5, ws.max_row + 1):
        assert ws.row_dimensions[r].height is not None, r
        for c in range(1, len(HEADERS) + 1):
            cell = ws.cell(r, c)
            if isinstance(cell, MergedCell):
                continue  # inside a merged range: its borders are the range's (checked on its first cell)
            assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin", cell.coordinate
            if isinstance(cell.value, str):
                assert cell.alignment.wrap_text, cell.coordinate
                span = spans.get((r, c))
                rows = range(r, span.max_row + 1) if span else range(r, r + 1)
                columns = range(c, span.max_col + 1) if span else range(c, c + 1)
                height = sum(ws.row_dimensions[row].height for row in rows)
                width = sum(ws.column_dimensions[get_column_letter(col)].width for col in columns)
                wide = sum(2 if ord(ch) >= 0x2E80 else 1 for ch in cell.value)
                assert math.ceil(wide / (width - 1.5)) * LINE_HEIGHT <= height, (cell.coordinate, cell.value, height)
    # the long texts do wrap onto more than one line
    assert ws.row_dimensions[5].height + ws.row_dimensions[6].height >= 3 * LINE_HEIGHT


def test_xlsx_one_number_per_enterprise_merged_down_its_providers(sheet: Any) -> None:
    """A filing's second provider sits under the filing's merged columns A–U (序号 once), and spreadsheet-formula
    starts stay neutralised; the 合计 row closes the table inside the print area."""
    ws = sheet.active
    first, second = ([c.value for c in ws[r]] for r in (5, 6))
    assert first[0] == 1 and second[:21] == [None] * 21
    assert second[21] == "杭州云启信息技术有限公司" and second[22] == PROVIDER2_CODE
    assert first[7] == f"'{AT_SUM} 汽车转向节、制动卡钳支架"
    assert all(c.data_type != "f" for row in ws.iter_rows(min_row=5) for c in row)
    assert [ws.cell(r, 1).value for r in range(5, ws.max_row)] == [1, None, 2]
    assert ws.cell(ws.max_row, 1).value == "合计（2 家企业）"


def test_docx_rubric_note_never_stands_alone_on_a_page(rubric_doc: Any) -> None:
    """The self-scoring table's note ("注：以上每项指标…") is its last row, without side borders, and the bonus rows
    and the final score keep with it: it moves to a new page with them instead of alone (LibreOffice ignores
    keep-with-next from a table row to a paragraph after the table)."""
    table = next(t for t in _tables(rubric_doc.element.body)
                 if any("企业自评最终得分" in _para_text(p) for p in t.iter(qn("w:p"))))
    rows = table.findall(qn("w:tr"))
    last = [_para_text(p) for p in rows[-1].iter(qn("w:p"))]
    assert last[0] == "（单位：分）" and last[1].startswith("注：以上每项指标")
    borders = rows[-1].find(f"{qn('w:tc')}/{qn('w:tcPr')}/{qn('w:tcBorders')}")
    assert borders is not None and {b.get(qn("w:val")) for b in borders} == {"nil"}
    assert all(_row_flags(r) == (True, True) for r in rows[-5:-1]), [_row_flags(r) for r in rows[-5:]]


def test_docx_merge_writes_what_python_docx_writes() -> None:
    """bot.rendering.docx.merge (from the grid's known cells) gives the XML python-docx's own _Cell.merge gives:
    spans across, down, and both, with text in a swallowed cell moved into the merged one."""
    from lxml import etree

    from bot.rendering.docx import merge, new_table

    rectangles = ((0, 0, 0, 2), (1, 0, 3, 0), (1, 1, 2, 2), (3, 1, 3, 1), (0, 3, 3, 3))

    def table_xml(ours: bool) -> bytes:
        doc = Document()
        grid = new_table(doc, 4, (1.0, 2.0, 3.0, 4.0))
        grid.cell(2, 2).text = "右下"
        for r1, c1, r2, c2 in rectangles:
            if ours:
                merge(grid, r1, c1, r2, c2)
            else:
                grid.cell(r1, c1).merge(grid.cell(r2, c2))
        return bytes(etree.tostring(grid.table._tbl))

    assert table_xml(ours=True) == table_xml(ours=False)
    assert b"gridSpan" in table_xml(True) and b'w:val="restart"' in table_xml(True)
