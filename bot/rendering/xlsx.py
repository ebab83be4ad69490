"""The district summary table (annex 5 of 杭经信联产数〔2024〕20号) as XLSX, streamed with openpyxl write-only.

Layout, as printed: the title; a line "填报单位：… / 填报时间：…"; a two-level header — 申报单位基本信息 over
columns A–P (序号 … 数字化转型项目投资额), 项目基本信息 over Q–U (项目名称 … 项目预投入), 合同服务商信息 over
V–AB (单位名称 … 主要承担工作); then one row per submitted filing.  (The extracted seed text puts the group titles at
columns 1, 11 and 16, which cannot be right: its 项目基本信息 and 合同服务商信息 groups have 5 and 7 columns, which
fixes the first group at 16 columns.)

Several providers: each provider gets a row of its own, and every such row repeats the filing's columns (A–U,
序号 included), so a row stays self-describing when the sheet is sorted or filtered (a filing's second provider
never sits on a row with A–U blank).  序号 numbers filings: rows with the same 序号 are one filing, and a total of
the investment columns must count each 序号 once (a plain SUM counts a filing once per provider).  Nothing is
merged below the header: merged cells break sorting and filtering in Excel and LibreOffice.

Printing, as the district prints it: A3 landscape, fitted to the page width, the two header rows repeated on every
page, data cells wrapped (主营产品, 应用场景 … are never clipped) and boxed; no grid lines, and the print area ends at
the last column of the table, so no empty column prints.  The document properties carry the title and the 填报单位.

Formula injection: a text cell that begins with = + - @, a tab or a carriage return (or is an Excel error literal
such as #N/A) is written with a leading apostrophe ' as part of the text.  The cell is a plain string (type 's',
never a formula); Excel and LibreOffice show the apostrophe, so the reader sees that the text was neutralised, and
the text stays inert when the sheet is saved again as CSV.  Numbers (万元) are written as numbers, dates as dates.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from bot.rendering.context import ReportContext, for_layout
from bot.rendering.env import decimal_or_none, year_month_day

TITLE = "杭州市中小企业数字化改造试点项目备案汇总表"

GROUPS: tuple[tuple[str, int], ...] = (("申报单位基本信息", 16), ("项目基本信息", 5), ("合同服务商信息", 7))

HEADERS: tuple[str, ...] = (
    "序号",
    "细分行业类别",
    "企业所属区、县(市)",
    "企业名称",
    "统一社会信用代码",
    "联系人",
    "联系方式",
    "主营产品",
    "2023年主营业务收入(万元)",
    "企业类别",
    "规上/规下",
    "已获得中央财政中小企业发展专项资金支持的专精特新“小巨人”企业",
    "已纳入《工业和信息化部办公厅 财政部办公厅关于开展财政支持中小企业数字化转型试点工作的通知》"
    "(工信厅联企业〔2022〕22号)中改造试点的中小企业",
    "制造业中小企业数字化水平自测",
    "企业改造后目标数字化水平",
    "数字化转型项目投资额(万元)",
    "项目名称",
    "实施期限",
    "应用场景",
    "上云用云计划",
    "项目预投入(万元/不含税)",
    "单位名称",
    "统一社会信用代码",
    "联系人",
    "联系电话",
    "合同名称",
    "合同签订日期",
    "主要承担工作",
)
#: columns of the enterprise and project part (A–U), repeated on each provider row of a filing
FILING_COLUMNS = 21
#: column widths (characters): codes and phone numbers fit on one line; the other texts wrap
WIDTHS = (4, 8, 7, 14, 20, 7, 13, 14, 9, 12, 6, 12, 16, 7, 7, 9, 16, 12, 16, 14, 9, 14, 20, 7, 13, 16, 11, 18)

#: the first characters that make a spreadsheet read text as a formula (or as DDE / a command)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ERROR_LITERALS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
#: characters XML 1.0 (and so XLSX) cannot hold
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def safe_text(value: str) -> str:
    """Text that a spreadsheet shows as it is: illegal control characters dropped, formula starts neutralised."""
    text = _ILLEGAL.sub("", value)
    if text.startswith(_FORMULA_START) or text in _ERROR_LITERALS:
        return "'" + text
    return text


@dataclass(frozen=True)
class ProviderRow:
    name: str = ""
    credit_code: str = ""
    contact: str = ""
    phone: str = ""
    contract_name: str = ""
    contract_date: date | str | None = None
    duties: str = ""

    def cells(self) -> list[Any]:
        return [self.name, self.credit_code, self.contact, self.phone, self.contract_name, self.contract_date,
                self.duties]


@dataclass(frozen=True)
class FilingRow:
    """One filing as annex 5 prints it (display texts; money as Decimal)."""

    industry: str = ""
    district: str = ""
    company_name: str = ""
    credit_code: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    main_products: str = ""
    revenue_2023: Decimal | None = None
    enterprise_category: str = ""
    designated_size: str = ""
    little_giant_funded: str = ""
    pilot_2022: str = ""
    self_test_level: str = ""
    target_level: str = ""
    digital_investment: Decimal | None = None
    project_name: str = ""
    project_period: str = ""
    scenarios: str = ""
    cloud_plan: str = ""
    expected_investment: Decimal | None = None
    providers: tuple[ProviderRow, ...] = ()

    def cells(self, number: int) -> list[Any]:
        """Columns A–U (序号 first)."""
        return [number, self.industry, self.district, self.company_name, self.credit_code, self.contact_name,
                self.contact_phone, self.main_products, self.revenue_2023, self.enterprise_category,
                self.designated_size, self.little_giant_funded, self.pilot_2022, self.self_test_level,
                self.target_level, self.digital_investment, self.project_name, self.project_period, self.scenarios,
                self.cloud_plan, self.expected_investment]


def _date(value: Any) -> date | str | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return str(value)


def _yes(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "不是")


def _period(start: Any, end: Any) -> str:
    def ym(v: Any) -> str:
        s = str(v or "")
        return f"{int(s[:4])}年{int(s[5:7])}月" if len(s) >= 7 and s[:4].isdigit() and s[5:7].isdigit() else ""

    a, b = ym(start), ym(end)
    return f"{a}至{b}" if a or b else ""


def filing_row(context: ReportContext) -> FilingRow:
    """A hangzhou-filing session's row of the summary table (layout annex5)."""
    c = for_layout(context, "annex5")
    category = c.raw.get("enterprise_category")
    little_giant = c.yes_no("little_giant_funded")
    if little_giant is None and category not in (None, "little_giant"):
        little_giant = False  # asked of 小巨人 enterprises only: any other enterprise is not a funded 小巨人
    designated = {"above": "规上", "below": "规下"}.get(str(c.raw.get("designated_size")), "")
    self_test = c.text("self_test_level").split("（", 1)[0]
    providers = tuple(
        ProviderRow(
            name=p.get("name", ""), credit_code=p.get("credit_code", ""), contact=p.get("contact", ""),
            phone=p.get("phone", ""), contract_name=p.get("contract_name", ""),
            contract_date=_date(p.get("contract_date")), duties=p.get("duties", ""),
        )
        for p in c.entries("providers")
    )
    return FilingRow(
        industry=c.text("industry"),
        district=c.text("district"),
        company_name=c.text("company_name"),
        credit_code=c.text("credit_code"),
        contact_name=c.text("contact_name"),
        contact_phone=c.text("contact_phone"),
        main_products=c.text("main_products"),
        revenue_2023=decimal_or_none(c.raw.get("revenue_2023")),
        enterprise_category=c.text("enterprise_category"),
        designated_size=designated,
        little_giant_funded=_yes(little_giant),
        pilot_2022=_yes(c.yes_no("pilot_2022")),
        self_test_level=self_test,
        target_level=c.text("target_level"),
        digital_investment=decimal_or_none(c.raw.get("digital_investment")),
        project_name=c.text("project_name"),
        project_period=_period(c.raw.get("project_start"), c.raw.get("project_end")),
        scenarios=c.text("scenarios"),
        cloud_plan=c.text("cloud_plan"),
        expected_investment=decimal_or_none(c.raw.get("expected_investment")),
        providers=providers,
    )


#: printed height of one line of 10 pt text, and the cell's top and bottom padding (points)
LINE_HEIGHT = 13.5
ROW_PADDING = 3.0


def _text_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (a Chinese character is two wide)."""
    fits = max(width - 1.5, 1.0)
    lines = 0
    for part in text.split("\n"):
        # a Chinese character is 3 bytes in UTF-8 and prints two columns wide: count the extra bytes in C
        wide = len(part) + (len(part.encode()) - len(part)) // 2
        lines += max(1, -(-wide // int(fits)))
    return lines


def _max_lines(values: list[Any], widths: tuple[int, ...]) -> int:
    return max((_text_lines(v, w) for v, w in zip(values, widths, strict=False) if isinstance(v, str) and v),
               default=1)


def row_height(values: list[Any]) -> float:
    """The height a data row needs to show every wrapped cell whole (write-only sheets are not auto-fitted by
    LibreOffice, and Excel does not re-fit rows it did not lay out)."""
    return _max_lines(values, WIDTHS) * LINE_HEIGHT + ROW_PADDING


def _clean(values: list[Any]) -> list[Any]:
    return [safe_text(v) if isinstance(v, str) else v for v in values]


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


def _data_rows(rows: Iterable[FilingRow | ReportContext]) -> Iterator[tuple[list[Any], float]]:
    """The sheet rows of the filings and their heights: one per provider, each with the filing's columns (A–U)
    repeated."""
    provider_widths = WIDTHS[FILING_COLUMNS:]
    for number, row in enumerate(rows, 1):
        filing = filing_row(row) if isinstance(row, ReportContext) else row
        columns = _clean(filing.cells(number))
        lines = _max_lines(columns, WIDTHS)
        for provider in filing.providers or (ProviderRow(),):
            cells = _clean(provider.cells())
            yield columns + cells, max(lines, _max_lines(cells, provider_widths)) * LINE_HEIGHT + ROW_PADDING


def write_summary_xlsx(rows: Iterable[FilingRow | ReportContext], path_or_stream: str | Path | IO[bytes], *,
                       district: str, filled_on: date | None) -> int:
    """Stream the summary table of `rows` (FilingRow, or hangzhou-filing contexts) to a file or binary stream.

    `district`: the 填报单位 (e.g. "滨江区经济和信息化局"); `filled_on`: the 填报时间 (None leaves "年 月 日" blank).
    Returns the number of filings written.  Rows are consumed one at a time (a generator of 10,000 filings never
    sits in memory at once).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    wb = Workbook(write_only=True)
    wb.properties.title = TITLE
    wb.properties.subject = f"填报单位：{district}"
    wb.properties.creator = district
    ws = wb.create_sheet("备案汇总表")
    for n, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[_letter(n)].width = width
    ws.freeze_panes = "E5"
    ws.print_title_rows = "3:4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 8  # A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    last = _letter(len(HEADERS))

    def styled(value: Any, *, bold: bool = False, size: float = 10, align: Alignment = center,
               boxed: bool = True, fill: str | None = None) -> Any:
        cell = WriteOnlyCell(ws, value=safe_text(value) if isinstance(value, str) else value)
        cell.font = Font(name="宋体", bold=bold, size=size)
        cell.alignment = align
        if boxed:
            cell.border = border
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        return cell

    merges: list[str] = [f"A1:{last}1", "A2:J2", f"K2:{last}2"]
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[4].height = 110
    ws.append([styled(TITLE, bold=True, size=16, boxed=False)])
    when = year_month_day(filled_on.isoformat()) if filled_on else "\u3000\u3000年\u3000\u3000月\u3000\u3000日"
    left = Alignment(horizontal="left", vertical="center")
    ws.append([styled(f"填报单位：{district}", align=left, boxed=False)] + [None] * 9
              + [styled(f"填报时间：{when}", align=left, boxed=False)])
    group_row: list[Any] = []
    col = 1
    for name, span in GROUPS:
        group_row.append(styled(name, bold=True, fill="DDE5F0"))
        group_row.extend(styled(None, fill="DDE5F0") for _ in range(span - 1))
        merges.append(f"{_letter(col)}3:{_letter(col + span - 1)}3")
        col += span
    ws.append(group_row)
    ws.append([styled(h, bold=True, size=9, fill="DDE5F0") for h in HEADERS])

    # styled cells made once per column and kind, refilled for every row: a write-only sheet writes each row as it
    # is appended, and styling a new cell per value (font, border… hashed each time) doubles the export time
    wrap = Alignment(vertical="center", wrap_text=True)
    right = Alignment(vertical="center", horizontal="right")
    middle = Alignment(vertical="center", horizontal="center")
    texts = [styled("", size=10, align=wrap) for _ in HEADERS]
    numbers = [styled(0, size=10, align=right) for _ in HEADERS]
    dates = [styled(None, size=10, align=middle) for _ in HEADERS]
    for cell in dates:
        cell.number_format = "yyyy-mm-dd"

    def data_cells(values: list[Any]) -> list[Any]:
        out = []
        for n, value in enumerate(values):
            if isinstance(value, date):
                cell = dates[n]
            elif isinstance(value, (int, float, Decimal)):
                cell = numbers[n]
            else:
                cell = texts[n]
            cell.value = value
            out.append(cell)
        return out

    count = 0

    def counted() -> Iterator[FilingRow | ReportContext]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    def placed(cells: list[Any], row_idx: int) -> Iterator[Any]:
        for col, cell in enumerate(cells, 1):
            cell.column = col
            cell.row = row_idx
            yield cell

    # The data rows are lists of ready styled cells.  openpyxl's write-only append() takes each cell through a
    # failed value assignment (a ValueError per cell, its message formatting the cell) before using it, which
    # doubled the export time of 10,000 filings; placing the cells directly writes the same XML.  Without that
    # hook (another openpyxl), append() still writes the same cells, only slower.
    if callable(getattr(ws, "_values_to_row", None)):
        ws._values_to_row = placed
    last_row = 4
    for values, height in _data_rows(counted()):
        last_row += 1
        ws.row_dimensions[last_row].height = height
        ws.append(data_cells(values))
        del ws.row_dimensions[last_row]  # written with its row: keep memory flat over 10,000 filings
    ws.merged_cells = MultiCellRange({CellRange(m) for m in merges})
    ws.print_area = f"A1:{last}{last_row}"
    wb.save(path_or_stream)
    return count


async def write_summary_xlsx_async(rows: Iterable[FilingRow | ReportContext],
                                   path_or_stream: str | Path | IO[bytes], *, district: str,
                                   filled_on: date | None) -> int:
    return await asyncio.to_thread(write_summary_xlsx, rows, path_or_stream, district=district, filled_on=filled_on)
