"""Applications as Word documents (python-docx), laid out as the source tables: label cells and value cells, so an
applicant can print, sign, stamp and send them.

This module is the writer's toolbox (fonts, cells, merged rectangles, check boxes, rows kept together); each layout
module that has a Word format writes its own document with it (its `word`):
- bot/rendering/layouts/filing.py: 杭州市中小企业数字化转型城市试点改造项目备案申请表 (annex 1 of
  杭经信联产数〔2024〕20号).
- bot/rendering/layouts/rubric.py: 黑龙江省中小企业数字化示范标杆企业申报书 — the cover, 填报说明, 企业基本情况表 and
  自评得分情况表 (plus a list of the evidence notes, which the source asks to keep for every "是").

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
from docx.oxml.simpletypes import ST_Merge
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.rendering.context import OptionView, ReportContext, for_layout
from bot.rendering.env import CHECKED, UNCHECKED

CJK_FONT = "宋体"
LATIN_FONT = "Times New Roman"
SYMBOL_FONT = "Segoe UI Symbol"
#: A4 portrait, 2.5 cm / 2 cm margins: 16 cm of text width (the Heilongjiang application)
TEXT_WIDTH_CM = 16.0
#: the filing: 2 cm margins all round, 17 cm of text width (its 6-column table needs it)
FILING_TEXT_WIDTH_CM = 17.0
#: Word's default left and right cell margins ("Table Grid": 0.19 cm each)
CELL_MARGINS_CM = 0.38


class DocxKindError(ValueError):
    pass


# --- low-level helpers ----------------------------------------------------------------------------------------


def set_fonts(run_or_style: Any, east_asia: str = CJK_FONT, latin: str = LATIN_FONT) -> None:
    """宋体 for Chinese, Times New Roman for Latin text, on a run or a style (every Word file we write)."""
    run_or_style.font.name = latin
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)


def new_document(context: ReportContext, *, side_margin_cm: float = 2.5) -> Any:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(side_margin_cm)
    section.top_margin = section.bottom_margin = Cm(2.0)
    _properties(doc, context)
    normal = doc.styles["Normal"]
    set_fonts(normal)
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


def write(paragraph: Any, text: str, *, bold: bool = False, size: float | None = None,
           underline: bool = False) -> None:
    """Append text to a paragraph; the check-box characters get the symbol font; hyphens do not break."""
    for piece, is_box in _split_boxes(text):
        run = paragraph.add_run()
        _add_text(run, piece)
        if is_box:
            set_fonts(run, SYMBOL_FONT, SYMBOL_FONT)
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


def para(doc: Any, text: str = "", *, bold: bool = False, size: float | None = None,
          align: Any = None, space_after: float = 0) -> Any:
    p = doc.add_paragraph()
    if text:
        write(p, text, bold=bold, size=size)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    return p


def write_cell(cell: _Cell, text: str, *, bold: bool = False, center: bool = False, size: float | None = None,
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
        write(p, line, bold=bold, size=size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return cell


class Grid:
    """A table's cells looked up once: python-docx's `Table.cell` rebuilds the whole grid on every call."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.cells: list[list[_Cell]] = [list(row.cells) for row in table.rows]

    def cell(self, r: int, c: int) -> _Cell:
        return self.cells[r][c]


def new_table(doc: Any, rows: int, widths_cm: Sequence[float], *, header_rows: int = 0) -> Grid:
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
    return Grid(table)


def no_borders(cell: _Cell, *sides: str) -> None:
    """Remove a cell's borders on these sides (a note under a table, inside its last row)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in sides:
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    tc_pr.insert_element_before(borders, "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                                "w:vAlign", "w:hideMark")


def keep_with_next(grid: Grid, first: int, last: int) -> None:
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


def merge(grid: Grid, r1: int, c1: int, r2: int, c2: int) -> _Cell:
    """Merge a rectangle (each cell may be merged once: the others of the rectangle are gone afterwards).

    What python-docx's `_Cell.merge` writes (each row's first cell spans the rectangle's columns, swallowing the
    others' widths and contents; a vertical span restarts on the first row and continues below), done from the
    grid's known cells: python-docx finds each cell's row and column again by XPath, about half of a Word file's
    time."""
    top = grid.cell(r1, c1)
    for r in range(r1, r2 + 1):
        tc = grid.cell(r, c1)._tc
        tc._move_content_to(top._tc)
        for c in range(c1 + 1, c2 + 1):
            swallowed = grid.cell(r, c)._tc
            swallowed._move_content_to(top._tc)
            tc._add_width_of(swallowed)
            tc.grid_span += swallowed.grid_span
            swallowed.getparent().remove(swallowed)
        tc.vMerge = None if r1 == r2 else ST_Merge.RESTART if r == r1 else ST_Merge.CONTINUE
    return top


def boxes(options: Sequence[OptionView], *, numbered: bool = False, sep: str = "  ") -> str:
    parts = []
    for n, o in enumerate(options, 1):
        other = f"：{o.other_text}" if o.other_text else ""
        prefix = f"{n}." if numbered else ""
        parts.append(f"{prefix}{CHECKED if o.checked else UNCHECKED}{o.label}{other}")
    return sep.join(parts)


def yes_no_boxes(value: bool | None, yes: str = "是", no: str = "否") -> str:
    return f"{yes}{CHECKED if value is True else UNCHECKED} {no}{CHECKED if value is False else UNCHECKED}"


def raw_text(context: ReportContext, item_id: str) -> str:
    value = context.raw.get(item_id)
    return "" if value is None else str(value)


def save(doc: Any) -> bytes:
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def page_break(doc: Any) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def render_docx(name: str, context: ReportContext) -> bytes:
    """The Word file of layout `name` (its module's `word`): the filing (annex 1) or the Heilongjiang application."""
    from bot.rendering.layouts import LAYOUTS

    found = LAYOUTS.get(name)
    if found is None or found.word is None:
        known = ", ".join(sorted(n for n, lay in LAYOUTS.items() if lay.word is not None))
        raise DocxKindError(f"no Word document for layout {name!r}; known: {known}")
    return found.word(for_layout(context, name))


async def render_docx_async(name: str, context: ReportContext) -> bytes:
    return await asyncio.to_thread(render_docx, name, context)


#: what the layout modules use besides the helpers above (python-docx's units and enums, through this module)
__all__ = ["CELL_MARGINS_CM", "FILING_TEXT_WIDTH_CM", "TEXT_WIDTH_CM", "WD_ALIGN_PARAGRAPH", "WD_SECTION", "Cm",
           "DocxKindError", "Grid", "Pt", "boxes", "keep_with_next", "merge", "new_document", "new_table",
           "no_borders", "page_break", "para", "raw_text", "render_docx", "render_docx_async", "save",
           "session_facts", "set_fonts", "write", "write_cell", "yes_no_boxes"]
