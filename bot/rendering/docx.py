"""Applications as Word documents (python-docx), laid out as the source tables: label cells and value cells, so an
applicant can print, sign, stamp and send them.

- FILING: 杭州市中小企业数字化转型城市试点改造项目备案申请表 (annex 1 of 杭经信联产数〔2024〕20号).
- RUBRIC: 黑龙江省中小企业数字化示范标杆企业申报书 — the cover, 填报说明, 企业基本情况表 and 自评得分情况表
  (plus a list of the evidence notes, which the source asks to keep for every "是").

Texts are written as text (python-docx escapes XML), never parsed: a payload in an answer stays inert.  The
documents use 宋体 for Chinese (East Asian font) and take ☑ ☐ from a symbol font, as Word and LibreOffice do.

Printing: a hyphen is written as Word's non-breaking hyphen (w:noBreakHyphen), so "0571-85257095" never splits
after "0571-"; the columns that hold credit codes, phone numbers and dates are wide enough for them on one line
even in the widest fallback Latin font (DejaVu Serif, what LibreOffice shows for Times New Roman where it is not
installed; tests/rendering/test_print_layout.py measures them).  The filing is one flat table (no nested
table, which Word and LibreOffice place past the right border), its rows never split across pages, and a
provider's four rows keep together.  The session facts ("session: 4 · form_version: 1") go into the document
properties, not on the page; the legal representative's typed name is printed beside the signature line, never on
it (a hand signature goes there).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.rendering.context import FILING, RUBRIC, OptionView, ReportContext, for_layout
from bot.rendering.env import CHECKED, UNCHECKED, year_month, year_month_day

CJK_FONT = "宋体"
LATIN_FONT = "Times New Roman"
SYMBOL_FONT = "Segoe UI Symbol"
#: A4 portrait, 2.5 cm / 2 cm margins: 16 cm of text width (the Heilongjiang application)
TEXT_WIDTH_CM = 16.0
#: the filing: 2 cm margins all round, 17 cm of text width (its 6-column table needs it)
FILING_TEXT_WIDTH_CM = 17.0
#: Word's default left and right cell margins ("Table Grid": 0.19 cm each)
CELL_MARGINS_CM = 0.38

DOCX_KINDS = (FILING, RUBRIC)


class DocxKindError(ValueError):
    pass


# --- low-level helpers ----------------------------------------------------------------------------------------


def _set_fonts(run_or_style: Any, east_asia: str = CJK_FONT, latin: str = LATIN_FONT) -> None:
    run_or_style.font.name = latin
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)


def _new_document(context: ReportContext, *, side_margin_cm: float = 2.5) -> Any:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(side_margin_cm)
    section.top_margin = section.bottom_margin = Cm(2.0)
    _properties(doc, context)
    normal = doc.styles["Normal"]
    _set_fonts(normal)
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    return doc


def session_facts(context: ReportContext) -> str:
    """"session: 4 · form_version: 1": the document properties' comments (never printed on the page)."""
    return " · ".join(f"{k}: {v}" for k, v in context.session_meta.items() if k != "generated")


def _properties(doc: Any, context: ReportContext) -> None:
    props = doc.core_properties
    props.title = context.title
    props.author = context.company or ""
    props.comments = session_facts(context)
    props.keywords = ", ".join(f"{k}: {v}" for k, v in context.session_meta.items() if k != "generated")
    props.last_modified_by = ""


def _add_text(run: Any, text: str) -> None:
    """Text into a run, every "-" as a non-breaking hyphen (Word and LibreOffice never break a line there)."""
    for n, part in enumerate(text.split("-")):
        if n:
            run._r.append(OxmlElement("w:noBreakHyphen"))
        if part:
            run._r.add_t(part)


def _write(paragraph: Any, text: str, *, bold: bool = False, size: float | None = None,
           underline: bool = False) -> None:
    """Append text to a paragraph; the check-box characters get the symbol font; hyphens do not break."""
    for piece, is_box in _split_boxes(text):
        run = paragraph.add_run()
        _add_text(run, piece)
        if is_box:
            _set_fonts(run, SYMBOL_FONT, SYMBOL_FONT)
        run.bold = bold or None
        run.underline = underline or None
        if size:
            run.font.size = Pt(size)


def _split_boxes(text: str) -> Iterable[tuple[str, bool]]:
    buf = ""
    for ch in text:
        if ch in (CHECKED, UNCHECKED):
            if buf:
                yield buf, False
                buf = ""
            yield ch, True
        else:
            buf += ch
    if buf:
        yield buf, False


def _para(doc: Any, text: str = "", *, bold: bool = False, size: float | None = None,
          align: Any = None, space_after: float = 0) -> Any:
    p = doc.add_paragraph()
    if text:
        _write(p, text, bold=bold, size=size)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    return p


def _cell(cell: _Cell, text: str, *, bold: bool = False, center: bool = False, size: float | None = None,
          whole: bool = False) -> _Cell:
    """Put text in a cell (replacing what is there); line breaks become paragraphs.  `whole`: a code, phone
    number or date, whose spaces do not break either (its column is wide enough for it on one line)."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if whole:
        text = text.replace(" ", "\u00a0")
    lines = text.split("\n") if text else [""]
    first = cell.paragraphs[0]
    for p in cell.paragraphs[1:]:
        p._element.getparent().remove(p._element)
    for n, line in enumerate(lines):
        p = first if n == 0 else cell.add_paragraph()
        _write(p, line, bold=bold, size=size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return cell


class _Grid:
    """A table's cells looked up once: python-docx's `Table.cell` rebuilds the whole grid on every call."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.cells: list[list[_Cell]] = [list(row.cells) for row in table.rows]

    def cell(self, r: int, c: int) -> _Cell:
        return self.cells[r][c]


def _table(doc: Any, rows: int, widths_cm: Sequence[float], *, header_rows: int = 0) -> _Grid:
    """A fixed-width table whose rows never split across a page; `header_rows` repeat on every page."""
    table: Table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, widths_cm)
    for n, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if n < header_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))
    return _Grid(table)


def _no_borders(cell: _Cell, *sides: str) -> None:
    """Remove a cell's borders on these sides (a note under a table, inside its last row)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in sides:
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    tc_pr.insert_element_before(borders, "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                                "w:vAlign", "w:hideMark")


def _keep_with_next(grid: _Grid, first: int, last: int) -> None:
    """Rows first..last stay on one page with the row after each (Word: keep-with-next on their paragraphs)."""
    for r in range(first, last + 1):
        for tc in grid.table.rows[r]._tr.tc_lst:  # the row's cells as they are after merging
            for p in tc.iter(qn("w:p")):
                Paragraph(p, grid.table).paragraph_format.keep_with_next = True


def _widths(table: Table, widths_cm: Sequence[float]) -> None:
    """Column widths in the table grid (LibreOffice reads these) and on every cell (Word reads those)."""
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _merge(grid: _Grid, r1: int, c1: int, r2: int, c2: int) -> _Cell:
    """Merge a rectangle (each cell may be merged once: the others of the rectangle are gone afterwards)."""
    merged: _Cell = grid.cell(r1, c1).merge(grid.cell(r2, c2))
    return merged


def _boxes(options: Sequence[OptionView], *, numbered: bool = False, sep: str = "  ") -> str:
    parts = []
    for n, o in enumerate(options, 1):
        other = f"：{o.other_text}" if o.other_text else ""
        prefix = f"{n}." if numbered else ""
        parts.append(f"{prefix}{CHECKED if o.checked else UNCHECKED}{o.label}{other}")
    return sep.join(parts)


def _yes_no(value: bool | None, yes: str = "是", no: str = "否") -> str:
    return f"{yes}{CHECKED if value is True else UNCHECKED} {no}{CHECKED if value is False else UNCHECKED}"


def _raw(context: ReportContext, item_id: str) -> str:
    value = context.raw.get(item_id)
    return "" if value is None else str(value)


def _save(doc: Any) -> bytes:
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- annex 1: the filing application --------------------------------------------------------------------------


#: the filing's grid: the section cell, then label | value | label | value (the last value spans two columns);
#: a provider's line of five fields uses the five columns after the section cell
FILING_WIDTHS = (1.5, 2.7, 5.1, 2.4, 1.8, 3.5)


def _filing(context: ReportContext) -> bytes:
    c = context
    doc = _new_document(c, side_margin_cm=(21.0 - FILING_TEXT_WIDTH_CM) / 2)
    _para(doc, "附件1", size=10.5)
    _para(doc, c.title, bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)

    providers = c.entries("providers") or ({},)
    # rows: 14 (section 1) + 6 (section 2) + 4 per provider and the plan (section 3) + 1 (section 4)
    n_rows = 14 + 6 + 4 * len(providers) + 1 + 1
    t = _table(doc, n_rows, FILING_WIDTHS)

    def row(r: int, label: str, value: str, *, whole: bool = False) -> None:
        _cell(t.cell(r, 1), label)
        _cell(_merge(t, r, 2, r, 5), value, whole=whole)

    def pair(r: int, l1: str, v1: str, l2: str, v2: str, *, whole: bool = False) -> None:
        _cell(t.cell(r, 1), l1)
        _cell(t.cell(r, 2), v1, whole=whole)
        _cell(t.cell(r, 3), l2)
        _cell(_merge(t, r, 4, r, 5), v2, whole=whole)

    # 1. 申报单位基本信息
    _cell(_merge(t, 0, 0, 13, 0), "1.申报单位基本信息", bold=True, center=True)
    row(0, "企业名称", c.text("company_name"))
    pair(1, "统一社会信用代码", c.text("credit_code"), "法人代表", c.text("legal_rep"), whole=True)
    row(2, "通讯地址", c.text("address"))
    pair(3, "联系人", c.text("contact_name"), "联系方式", c.text("contact_phone"), whole=True)
    row(4, "企业所属区、县（市）", c.text("district"))
    row(5, "所属细分行业", _boxes(c.choices("industry")))
    pair(6, "企业在职职工数（人）", f"{_raw(c, 'employees')}（截至申报日）",
         "企业从事数字化工作人员数（人）", f"{_raw(c, 'digital_staff')}（截至申报日）")
    pair(7, "主营产品", c.text("main_products"), "2023年主营业务收入（万元）", _raw(c, "revenue_2023"))
    _cell(_merge(t, 8, 1, 9, 1), "企业类别\n（分类单选）")
    _cell(_merge(t, 8, 2, 8, 5), _boxes(c.choices("enterprise_category")))
    _cell(_merge(t, 9, 2, 9, 5), _boxes(c.choices("designated_size")))
    little_giant = c.yes_no("little_giant_funded")
    if little_giant is None and c.raw.get("enterprise_category") not in (None, "little_giant"):
        little_giant = False  # only a 小巨人 is asked; any other enterprise is not a funded 小巨人
    _cell(t.cell(10, 1), "企业获中央财政资金支持情况")
    _cell(_merge(t, 10, 2, 10, 3), "已获得中央财政中小企业发展专项资金支持的专精特新“小巨人”企业\n"
          + _yes_no(little_giant, "是", "不是"), size=9)
    _cell(_merge(t, 10, 4, 10, 5), "已纳入《工业和信息化部办公厅 财政部办公厅关于开展财政支持中小企业数字化转型试点"
          "工作的通知》（工信厅联企业〔2022〕22号）中改造试点的中小企业\n"
          + _yes_no(c.yes_no("pilot_2022"), "是", "不是"), size=9)
    row(11, "制造业中小企业数字化水平自测（参照附件4评测表）", _boxes(c.choices("self_test_level")))
    row(12, "企业改造后目标数字化水平", _boxes(c.choices("target_level")))
    row(13, "企业数字化基础简介", c.text("digital_foundation"))

    # 2. 项目基本信息
    r0 = 14
    _cell(_merge(t, r0, 0, r0 + 5, 0), "2.项目基本信息", bold=True, center=True)
    row(r0, "项目名称", c.text("project_name"))
    row(r0 + 1, "项目实施期限",
        f"{year_month(c.raw.get('project_start'))}至{year_month(c.raw.get('project_end'))}")
    row(r0 + 2, "应用场景（可多选）", _boxes(c.choices("scenarios")))
    row(r0 + 3, "上云用云计划（可多选）", _boxes(c.choices("cloud_plan")))
    row(r0 + 4, "项目预期投入（万元/不含税）", _raw(c, "expected_investment"))
    row(r0 + 5, "数字化转型项目投资额（万元）", _raw(c, "digital_investment"))

    # 3. 合同服务商信息: per provider the printed two lines (5 and 4 fields), labels over values, in the table itself
    r0 = 20
    r_plan = r0 + 4 * len(providers)
    _cell(_merge(t, r0, 0, r_plan, 0), "3.合同服务商信息", bold=True, center=True)
    for n, provider in enumerate(providers):
        _provider_rows(t, r0 + 4 * n, provider)
    row(r_plan, "项目实施方案及内容", c.text("implementation_plan"))

    # 4. 申报资料真实性声明
    r = r_plan + 1
    _cell(t.cell(r, 0), "4.申报资料真实性声明", bold=True, center=True)
    body = _merge(t, r, 1, r, 5)
    declaration = c.label("declaration")
    confirmed = c.yes_no("declaration") is True
    _cell(body, declaration)
    p = body.add_paragraph()
    _write(p, f"{CHECKED if confirmed else UNCHECKED}已阅读并确认以上声明")
    # the typed name beside the signature, never on its line: the legal representative signs by hand there
    p = body.add_paragraph()
    p.paragraph_format.space_before = Pt(12)
    _write(p, f"法定代表人：{c.text('signatory')}")
    p = body.add_paragraph()
    p.paragraph_format.space_before = Pt(12)
    _write(p, "法定代表人（签字）：" + SIGNATURE_BLANK)
    p = body.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.space_before = Pt(12)
    _write(p, "单位：（盖章）")
    p = body.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _write(p, year_month_day(c.raw.get("signed_on")))
    return _save(doc)


#: the blank a hand signature goes on (drawn with characters: an underlined blank at the end of a line is not shown
#: by LibreOffice)
SIGNATURE_BLANK = "_" * 30

_PROVIDER_TOP = (("单位名称", "name"), ("统一社会信用代码", "credit_code"), ("法人代表", "legal_rep"),
                 ("联系人", "contact"), ("联系电话", "phone"))
_PROVIDER_BOTTOM = (("合同名称", "contract_name"), ("合同编号", "contract_no"), ("合同签订日期", "contract_date"),
                    ("主要承担的工作", "duties"))
#: the fields printed on one line (their columns fit them)
_WHOLE = frozenset(("credit_code", "phone", "contract_no", "contract_date"))


def _provider_rows(t: _Grid, r: int, provider: dict[str, str]) -> None:
    """One provider in rows r..r+3 of the filing table (columns 1-5), kept together on one page."""
    for offset, fields in ((0, _PROVIDER_TOP), (2, _PROVIDER_BOTTOM)):
        cells = [t.cell(r + offset, col) for col in range(1, 6)]
        values = [t.cell(r + offset + 1, col) for col in range(1, 6)]
        if len(fields) == 4:  # 主要承担的工作 spans the last two columns
            cells[3] = _merge(t, r + offset, 4, r + offset, 5)
            values[3] = _merge(t, r + offset + 1, 4, r + offset + 1, 5)
        for n, (label, key) in enumerate(fields):
            _cell(cells[n], label, bold=True, size=9)
            _cell(values[n], provider.get(key, ""), size=9, whole=key in _WHOLE)
    _keep_with_next(t, r, r + 2)


# --- Heilongjiang application --------------------------------------------------------------------------------

_INSTRUCTIONS = (
    "一、本申报表由申报黑龙江省中小企业数字化示范标杆的企业填写。",
    "二、推荐单位为被推荐企业法人注册所在地的市（地）中小企业主管部门。",
    "三、被推荐企业应根据实际情况认真填写表格各项内容。企业应为符合《中小企业划型标准规定》的企业，填写时参照国家统计局"
    "《统计用产品分类目录》中的行业分类惯例。",
    "四、推荐材料包括推荐表纸质件一式四份和电子文本，电子文本通过光盘递交，必须确保纸质件和电子文本的一致性。推荐表填报"
    "项目页面不足时，可另附页。",
    "五、纸质件请使用A4纸双面印刷，装订平整，采用普通纸质材料作为封面。",
)


def _page_break(doc: Any) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _money(context: ReportContext, item_id: str) -> str:
    value = _raw(context, item_id)
    return f"{value} 万元" if value else "万元"


def _growth(context: ReportContext, computed_id: str) -> str:
    for v in context.computed:
        if v.id == computed_id:
            return v.text.rstrip("%")
    return "\u3000\u3000"


def _cover(doc: Any, c: ReportContext) -> None:
    for _ in range(5):
        _para(doc)
    _para(doc, "黑龙江省中小企业数字化", bold=True, size=24, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "示范标杆企业申报书", bold=True, size=24, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=80)
    for label, value in (("申报单位：", c.company or c.text("applicant")), ("推荐单位：", c.text("recommender"))):
        p = _para(doc, space_after=14)
        p.paragraph_format.left_indent = Cm(2.5)
        _write(p, label, size=15)
        _write(p, f" {value} ".ljust(24, "\u3000"), size=15, underline=True)
    p = _para(doc, space_after=14)
    p.paragraph_format.left_indent = Cm(2.5)
    _write(p, "填报日期：", size=15)
    _write(p, year_month_day(c.raw.get("fill_date")), size=15)
    for _ in range(8):
        _para(doc)
    _para(doc, "黑龙江省工业和信息化厅 制", size=15, align=WD_ALIGN_PARAGRAPH.CENTER)


def _basic_table(doc: Any, c: ReportContext) -> None:
    _para(doc, "企业基本情况表", bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    widths = (2.0, 1.8, 2.6, 3.6, 2.0, 4.0)  # the phone and mobile columns take "0451-86661234" on one line
    t = _table(doc, 17, widths)

    def full(r: int, label: str, value: str) -> None:
        _cell(_merge(t, r, 0, r, 1), label)
        _cell(_merge(t, r, 2, r, 5), value)

    full(0, "企业名称", c.company or c.text("applicant"))
    _cell(_merge(t, 1, 0, 1, 1), "通讯地址")
    _cell(_merge(t, 1, 2, 1, 3), c.text("address"))
    _cell(t.cell(1, 4), "邮编")
    _cell(t.cell(1, 5), c.text("postal_code"), whole=True)
    for r, (who, name_id, phone_id, mobile_id) in enumerate(
            (("法人代表", "legal_rep", "legal_rep_phone", "legal_rep_mobile"),
             ("联系人", "contact_name", "contact_phone", "contact_mobile")), 2):
        _cell(t.cell(r, 0), who)
        _cell(t.cell(r, 1), c.text(name_id))
        _cell(t.cell(r, 2), "电话")
        _cell(t.cell(r, 3), c.text(phone_id), whole=True)
        _cell(t.cell(r, 4), "手机")
        _cell(t.cell(r, 5), c.text(mobile_id), whole=True)
    _cell(_merge(t, 4, 0, 4, 1), "传真")
    _cell(_merge(t, 4, 2, 4, 3), c.text("fax"), whole=True)
    _cell(t.cell(4, 4), "E-mail")
    _cell(t.cell(4, 5), c.text("email"))
    _cell(_merge(t, 5, 0, 5, 1), "注册时间")
    _cell(_merge(t, 5, 2, 5, 3), c.text("registered_on"))
    _cell(t.cell(5, 4), "注册资本")
    _cell(t.cell(5, 5), _money(c, "registered_capital"))
    _cell(_merge(t, 6, 0, 6, 3), "根据《中小企业划型标准》（工信部联企业〔2011〕300号），企业规模属于")
    _cell(_merge(t, 6, 4, 6, 5), _boxes(c.choices("enterprise_size"), sep=" "))
    full(7, "企业类型", _boxes(c.choices("enterprise_type"), numbered=True, sep="    "))
    full(8, "所属行业", c.text("industry"))
    full(9, "具体细分领域名称", c.text("niche"))
    # 经济效益: rows 10-14
    _cell(_merge(t, 10, 0, 14, 0), "经济效益", center=True)
    _cell(_merge(t, 10, 1, 12, 1), "2023年", center=True)
    _cell(_merge(t, 13, 1, 14, 1), "2022年", center=True)
    _cell(t.cell(10, 2), "资产总额")
    _cell(t.cell(10, 3), _money(c, "assets_2023"))
    _cell(t.cell(10, 4), "负债总额")
    _cell(t.cell(10, 5), _money(c, "liabilities_2023"))
    for r, label, value_id, growth_id, base in (
            (11, "主营业务收入", "revenue_2023", "revenue_growth_2023", "2022"),
            (12, "净利润总额", "profit_2023", "profit_growth_2023", "2022"),
            (13, "主营业务收入", "revenue_2022", "revenue_growth_2022", "2021"),
            (14, "净利润总额", "profit_2022", "profit_growth_2022", "2021")):
        _cell(t.cell(r, 2), label)
        _cell(_merge(t, r, 3, r, 5), f"{_money(c, value_id)}，比{base}年增长 {_growth(c, growth_id)} %")
    full(15, "银行信用等级", c.text("bank_credit_rating"))
    note = _merge(t, 16, 0, 16, 5)
    _cell(note, "注：以上指标按2023年底数据填写", size=9)


def _rubric_table(doc: Any, c: ReportContext) -> None:
    r = c.rubric
    assert r is not None
    _para(doc, "黑龙江省中小企业数字化示范标杆企业", bold=True, size=15, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "自评得分情况表", bold=True, size=15, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    widths = (1.1, 1.9, 7.0, 1.9, 1.9, 1.1, 1.1)
    # + 1: the unit and the note, in a last row without side borders (so they never sit alone on a page)
    n_rows = 1 + sum(len(g.indicators) + 1 for s in r.sections for g in s.groups) + 1 + len(r.bonus) + 1 + 1 + 1
    t = _table(doc, n_rows, widths, header_rows=1)
    heads = ("一级\n指标", "二级\n指标", "三级指标", "是/否\n满足", "是/否\n至少符合其中一项", "分值", "自评得分")
    for col, head in enumerate(heads):
        _cell(t.cell(0, col), head, bold=True, center=True, size=9)
    row = 1

    def num(text: str) -> str:
        return text[:-3] if text.endswith(".00") else text

    for s in r.sections:
        s_rows = sum(len(g.indicators) + 1 for g in s.groups)
        _cell(_merge(t, row, 0, row + s_rows - 1, 0), f"{s.name}\n（{num(s.maximum)}分）", center=True, size=9)
        for g in s.groups:
            n = len(g.indicators)
            _cell(_merge(t, row, 1, row + n, 1), f"{g.name}（{num(g.maximum)}分）", center=True, size=9)
            any_yes = g.any_yes if (g.any_yes or g.lost) else None
            _cell(_merge(t, row, 4, row + n - 1, 4), _yes_no(any_yes), center=True, size=9)
            for i in g.indicators:
                _cell(t.cell(row, 2), f"{i.number}.{i.text}", size=9)
                _cell(t.cell(row, 3), _yes_no(i.yes), center=True, size=9)
                _cell(t.cell(row, 5), num(i.points), center=True, size=9)
                _cell(t.cell(row, 6), num(i.earned), center=True, size=9)
                row += 1
            _cell(_merge(t, row, 2, row, 4), "分值小计", size=9)
            _cell(t.cell(row, 5), num(g.maximum), center=True, size=9)
            _cell(t.cell(row, 6), num(g.points), center=True, size=9)
            row += 1
    _cell(_merge(t, row, 0, row, 4), "分值汇总", size=9)
    _cell(t.cell(row, 5), num(r.base_max), center=True, size=9)
    _cell(t.cell(row, 6), num(r.base), center=True, size=9)
    row += 1
    _cell(_merge(t, row, 0, row + len(r.bonus), 0), f"加分项\n（{num(r.bonus_cap)}分）", center=True, size=9)
    for b in r.bonus:
        _cell(t.cell(row, 1), f"{b.name}（{num(b.indicator.points)}分）", center=True, size=9)
        _cell(t.cell(row, 2), b.indicator.text, size=9)
        _cell(t.cell(row, 3), _yes_no(b.indicator.yes), center=True, size=9)
        _cell(t.cell(row, 5), num(b.indicator.points), center=True, size=9)
        _cell(t.cell(row, 6), num(b.indicator.earned), center=True, size=9)
        row += 1
    _cell(_merge(t, row, 1, row, 4), "分值小计（此加分项，符合第一项加5分，第二项加10分，满分10分）", size=9)
    _cell(t.cell(row, 5), num(r.bonus_cap), center=True, size=9)
    _cell(t.cell(row, 6), num(r.bonus_points), center=True, size=9)
    row += 1
    _cell(_merge(t, row, 0, row, 4), "企业自评最终得分", bold=True, size=9)
    _cell(t.cell(row, 6), num(r.total), bold=True, center=True, size=9)
    # the bonus rows, the final score and the note move to the next page together rather than leaving the note
    # alone on a page (keep-with-next inside the table: LibreOffice ignores it from a row to a paragraph)
    _keep_with_next(t, row - len(r.bonus) - 1, row)
    row += 1
    unit_note = _merge(t, row, 0, row, 6)
    _cell(unit_note, "（单位：分）\n注：以上每项指标按2023年底情况提供佐证情况填写“是/否满足”项，如是，"
          f"在方框（□）内划“√”（例如“是{CHECKED}”），同时做自评，将自评得分填到相应列；按要求每项二级指标均应有得分，"
          "如某二级指标评价为0分，则不能进入后序评审。", size=9)
    unit_note.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _no_borders(unit_note, "left", "right", "bottom")
    if not r.gate_passed:
        _para(doc, f"自评结果：以下二级指标得分为0分，不能进入后序评审——{'、'.join(r.failing)}。", bold=True, size=9)

    if r.evidence:
        _page_break(doc)
        _para(doc, "佐证材料说明", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
        ev = _table(doc, 1 + len(r.evidence), (1.4, 7.0, 7.6), header_rows=1)
        for col, head in enumerate(("指标", "三级指标", "佐证材料")):
            _cell(ev.cell(0, col), head, bold=True, center=True, size=9)
        for n, (number, text, note) in enumerate(r.evidence, 1):
            _cell(ev.cell(n, 0), str(number), center=True, size=9)
            _cell(ev.cell(n, 1), text, size=9)
            _cell(ev.cell(n, 2), note, size=9)


def _heilongjiang(context: ReportContext) -> bytes:
    if context.rubric is None:
        raise DocxKindError(f"{context.form_id} has no points rubric")
    doc = _new_document(context)
    _cover(doc, context)
    _page_break(doc)
    _para(doc, "填 报 说 明", bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    for line in _INSTRUCTIONS:
        p = _para(doc, line, size=12, space_after=6)
        p.paragraph_format.first_line_indent = Pt(24)
        p.paragraph_format.line_spacing = 1.5
    doc.add_section(WD_SECTION.NEW_PAGE)
    _basic_table(doc, context)
    _page_break(doc)
    _rubric_table(doc, context)
    return _save(doc)


def render_docx(kind: str, context: ReportContext) -> bytes:
    """The application as a .docx: kind FILING (annex 1) or RUBRIC (the Heilongjiang application)."""
    if kind == FILING:
        return _filing(for_layout(context, kind))
    if kind == RUBRIC:
        return _heilongjiang(for_layout(context, kind))
    raise DocxKindError(f"no Word document for report kind {kind!r}; known: {', '.join(DOCX_KINDS)}")


async def render_docx_async(kind: str, context: ReportContext) -> bytes:
    return await asyncio.to_thread(render_docx, kind, context)
