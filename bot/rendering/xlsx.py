"""The district summary table (annex 5 of 杭经信联产数〔2024〕20号) as XLSX, streamed with openpyxl write-only.

The table's columns (headers, groups, widths, what each cell reads, which are totalled) are declared by the layout
(bot/rendering/layouts/annex5.py); this module lays them out and prints them.

One 序号 per filing (one enterprise's project).  A filing with several providers is one block of rows, one per
provider: the filing's columns (A–U, 序号 included) are written once, on its first row, and merged down the block,
as the table is filled by hand, so a column sum counts each enterprise once; the last row (合计) sums the amount
columns the layout marks, over the filings.

Printing, as the district prints it: A3 landscape, fitted to the page width, the two header rows repeated on every
page, data cells wrapped (主营产品, 应用场景 … are never clipped) and boxed; no grid lines, and the print area ends at
the last column of the table, so no empty column prints.  The document properties carry the title and the 填报单位.

Row heights: write-only sheets are not auto-fitted by LibreOffice, and Excel does not re-fit rows it did not lay
out, so each row gets the height its longest wrapped text needs; a block's merged filing cells share the height of
the block's rows.  A text is measured only when it could need more than one line.

Speed: the data rows (15,000 for 10,000 filings) are made as XML text, each cell naming one of a few shared styles
registered once, and handed to openpyxl's stream through lxml (openpyxl's own path makes a cell object, looks its
style up and builds its element in Python for every cell); without lxml or the hooks (another openpyxl), the same
cells go through openpyxl, slower.

Formula injection: a text cell that begins with = + - @, a tab or a carriage return (or is an Excel error literal
such as #N/A) is written with a leading apostrophe ' as part of the text.  The cell is a plain string (type 's',
never a formula); Excel and LibreOffice show the apostrophe, so the reader sees that the text was neutralised, and
the text stays inert when the sheet is saved again as CSV.  Numbers (万元) are written as numbers, dates as dates.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
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
#: the columns the totals row sums (0-based), and the columns its label 合计 spans (A up to the first total)
TOTALLED: tuple[int, ...] = annex5.totalled()
TOTAL_LABEL = "合计"


def _text_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (a Chinese character is two wide)."""
    fits = int(max(width - 1.5, 1.0))
    lines = 0
    for part in text.split("\n"):
        # a Chinese character is 3 bytes in UTF-8 and prints two columns wide: count the extra bytes in C
        wide = len(part) + (len(part.encode()) - len(part)) // 2
        lines += max(1, -(-wide // fits))
    return lines


def _max_lines(values: list[Any], widths: tuple[int, ...]) -> int:
    """Lines the tallest wrapped text of `values` takes (in columns `widths` wide); a text short enough to fit
    even if every character were wide is not measured."""
    most = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and (2 * len(value) > width - 1.5 or "\n" in value):
            most = max(most, _text_lines(value, width))
    return most


def _height(lines: int) -> float:
    return lines * LINE_HEIGHT + ROW_PADDING


def block_heights(filing_lines: int, provider_lines: list[int]) -> list[float]:
    """The heights of a filing's rows: each provider row shows its own texts whole, and together they show the
    merged filing cells whole (the lines those need beyond the provider rows' own are shared out over the rows,
    the first ones first)."""
    missing = max(0, filing_lines - sum(provider_lines))
    share, rest = divmod(missing, len(provider_lines))
    return [_height(lines + share + (1 if n < rest else 0)) for n, lines in enumerate(provider_lines)]


def _clean(values: list[Any]) -> list[Any]:
    return [safe_text(v) if isinstance(v, str) else v for v in values]


def _letter(n: int) -> str:
    """The letter(s) of the 1-based column `n`: 1 → A, 28 → AB."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


@dataclass(frozen=True)
class Block:
    """One filing as the sheet prints it: its columns A–U (written on the first row, merged down the others), one
    list of provider cells per row, and each row's height."""

    filing: list[Any]
    providers: list[list[Any]]
    heights: list[float]


def blocks(rows: Iterable[FilingRow | ReportContext]) -> Iterator[Block]:
    """The filings' blocks, numbered 1, 2, … (one 序号 per filing), one at a time."""
    filing_widths, provider_widths = WIDTHS[:FILING_COLUMNS], WIDTHS[FILING_COLUMNS:]
    for number, row in enumerate(rows, 1):
        filing = filing_row(row) if isinstance(row, ReportContext) else row
        columns = _clean(filing.cells(number))
        providers = [_clean(FilingRow.provider_cells(p)) for p in filing.providers or ({},)]
        heights = block_heights(_max_lines(columns, filing_widths),
                                [_max_lines(cells, provider_widths) for cells in providers])
        yield Block(columns, providers, heights)


# --- the sheet's cells ------------------------------------------------------------------------------------------

TEXT, NUMBER, DATE, TOTAL_TEXT, TOTAL_NUMBER = range(5)


def _kind(value: Any, total: bool = False) -> int:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return TOTAL_NUMBER if total else NUMBER
    if isinstance(value, date) and not total:
        return DATE
    return TOTAL_TEXT if total else TEXT


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _RowXml(tuple[str]):
    """A data row as the sheet's XML text, its one item (a tuple: openpyxl's append takes sequences)."""


class _Cells:
    """The data rows as XML text, each cell naming one of the shared styles (style ids registered once)."""

    def __init__(self, style_ids: dict[int, int]) -> None:
        from openpyxl.utils.datetime import to_excel

        self.to_excel = to_excel
        self.styles = style_ids
        self.letters = [_letter(n) for n in range(1, len(HEADERS) + 1)]

    def row(self, row: int, height: float, values: list[Any], total: bool = False) -> _RowXml:
        styles, out = self.styles, [f'<row r="{row}" ht="{height}" customHeight="1">']
        for letter, value in zip(self.letters, values, strict=True):
            kind = _kind(value, total)
            if value is None or value == "":
                out.append(f'<c r="{letter}{row}" s="{styles[kind]}"/>')
            elif kind in (TEXT, TOTAL_TEXT):
                text = str(value)
                stripped = text.strip()
                space = ' xml:space="preserve"' if stripped and stripped != text else ""
                out.append(f'<c r="{letter}{row}" s="{styles[kind]}" t="inlineStr"><is><t{space}>'
                           f'{_escape(text)}</t></is></c>')
            else:  # numbers as openpyxl writes them ("%.16g"), dates as their serial number
                number = self.to_excel(value) if kind == DATE else value
                out.append(f'<c r="{letter}{row}" s="{styles[kind]}" t="n"><v>{number:.16g}</v></c>')
        out.append("</row>")
        return _RowXml(("".join(out),))


def _stream_rows(ws: Any, merges: Callable[[], Iterator[str]]) -> bool:
    """Let `ws` (a write-only sheet, its writer started) take rows as ready XML text, and write the merged ranges
    `merges()` gives as text: both parsed by lxml (in C) into the stream openpyxl writes through lxml.  False when
    this openpyxl writes without lxml or does not offer the hooks (then the rows go through openpyxl's cells)."""
    from openpyxl import LXML

    writer = getattr(ws, "_writer", None)
    if not LXML or writer is None or not all(
            callable(getattr(writer, name, None)) for name in ("write_row", "write_merged_cells")) \
            or not callable(getattr(ws, "_values_to_row", None)) or not hasattr(writer, "xf"):
        return False
    from lxml.etree import fromstring

    to_row, write_row = ws._values_to_row, writer.write_row

    def values_to_row(values: Any, row_idx: int) -> Any:
        return values if isinstance(values, _RowXml) else to_row(values, row_idx)

    def row_writer(xf: Any, row: Any, row_idx: int) -> None:
        if isinstance(row, _RowXml):
            xf.write(fromstring(row[0]))
        else:
            write_row(xf, row, row_idx)

    def write_merged_cells() -> None:
        refs = [f'<mergeCell ref="{ref}"/>' for ref in merges()]
        if refs:
            ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
            writer.xf.send(fromstring(f'<mergeCells xmlns="{ns}" count="{len(refs)}">{"".join(refs)}</mergeCells>'))

    ws._values_to_row = values_to_row
    writer.write_row = row_writer
    writer.write_merged_cells = write_merged_cells
    return True


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
               boxed: bool = True, fill: str | None = None, number_format: str | None = None) -> Any:
        cell = WriteOnlyCell(ws, value=safe_text(value) if isinstance(value, str) else value)
        cell.font = Font(name="宋体", bold=bold, size=size)
        cell.alignment = align
        if boxed:
            cell.border = border
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        if number_format:
            cell.number_format = number_format
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

    # the data cells' few styles, shared by every cell of their kind (one style id each, registered once)
    templates = {
        TEXT: styled(None, align=Alignment(vertical="center", wrap_text=True)),
        NUMBER: styled(None, align=Alignment(vertical="center", horizontal="right")),
        DATE: styled(None, align=Alignment(vertical="center", horizontal="center"), number_format="yyyy-mm-dd"),
        TOTAL_TEXT: styled(None, bold=True, fill="F2F2F2"),
        TOTAL_NUMBER: styled(None, bold=True, fill="F2F2F2",
                             align=Alignment(vertical="center", horizontal="right")),
    }
    #: (first row, rows) of each block of several rows: its filing columns are merged down
    spans: list[tuple[int, int]] = []

    def merged() -> Iterator[str]:
        yield from merges
        for top, n in spans:
            yield from (f"{_letter(c)}{top}:{_letter(c)}{top + n - 1}" for c in range(1, FILING_COLUMNS + 1))

    fast = _stream_rows(ws, merged)
    xml = _Cells({kind: cell.style_id for kind, cell in templates.items()}) if fast else None

    def append(row_idx: int, height: float, values: list[Any], total: bool = False) -> None:
        if xml is not None:
            ws.append(xml.row(row_idx, height, values, total))
            return
        ws.row_dimensions[row_idx].height = height
        cells = []
        for value in values:
            cell = WriteOnlyCell(ws, value=value)
            cell._style = templates[_kind(value, total)]._style
            cells.append(cell)
        ws.append(cells)
        del ws.row_dimensions[row_idx]  # written with its row: keep memory flat over 10,000 filings

    count, sums = 0, {n: Decimal(0) for n in TOTALLED}
    row_idx = 4
    blank_filing: list[Any] = [None] * FILING_COLUMNS
    for block in blocks(rows):
        count += 1
        for n in TOTALLED:
            value = block.filing[n]
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                sums[n] += Decimal(str(value)) if isinstance(value, float) else value
        for k, (provider, height) in enumerate(zip(block.providers, block.heights, strict=True)):
            row_idx += 1
            append(row_idx, height, (block.filing if k == 0 else blank_filing) + provider)
        if len(block.providers) > 1:
            spans.append((row_idx - len(block.providers) + 1, len(block.providers)))

    # 合计: the label over the columns before the first total, each totalled column's sum, the rest blank
    row_idx += 1
    label_span = TOTALLED[0] if TOTALLED else len(HEADERS)
    total_row: list[Any] = [f"{TOTAL_LABEL}（{count} 家企业）"] + [None] * (label_span - 1)
    total_row += [sums.get(n) for n in range(label_span, len(HEADERS))]
    append(row_idx, _height(1), total_row, total=True)
    if label_span > 1:
        merges.append(f"A{row_idx}:{_letter(label_span)}{row_idx}")

    if not fast:
        ws.merged_cells = MultiCellRange({CellRange(m) for m in merged()})
    ws.print_area = f"A1:{last}{row_idx}"
    wb.save(path_or_stream)
    return count


async def write_summary_xlsx_async(rows: Iterable[FilingRow | ReportContext],
                                   path_or_stream: str | Path | IO[bytes], *, district: str,
                                   filled_on: date | None) -> int:
    return await asyncio.to_thread(write_summary_xlsx, rows, path_or_stream, district=district, filled_on=filled_on)
