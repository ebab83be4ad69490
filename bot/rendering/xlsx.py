"""The district summary table (annex 5 of 杭经信联产数〔2024〕20号) as XLSX, streamed with openpyxl write-only.

The table's columns (headers, groups, widths, what each cell reads) are declared by the layout
(bot/rendering/layouts/annex5.py); this module lays them out and prints them.

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
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from bot.rendering.context import ReportContext
from bot.rendering.env import year_month_day
from bot.rendering.layouts import annex5
from bot.rendering.layouts.annex5 import FilingRow, filing_row

TITLE = annex5.TITLE
GROUPS: tuple[tuple[str, int], ...] = annex5.groups()
HEADERS: tuple[str, ...] = annex5.headers()
#: columns of the enterprise and project part (A–U), repeated on each provider row of a filing
FILING_COLUMNS = len(annex5.COLUMNS)
WIDTHS: tuple[int, ...] = annex5.widths()

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
        for provider in filing.providers or ({},):
            cells = _clean(FilingRow.provider_cells(provider))
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
