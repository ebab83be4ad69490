"""The service contract (annex 2 of 杭经信联产数〔2024〕20号) for one provider of a filing: one layout, two writers.

The layout reads the submitted filing (hangzhou-filing: the enterprise, the provider, its contract's name, number
and date) and the contract interview (hangzhou-contract: addresses, bank accounts, the product list, periods and
percentages); the item ids it reads are declared in `READS` (a test checks each one exists in its form).
`contract_view` is pure: answers in, a frozen `ContractView` of display texts out.  The contract's text lives once,
in templates/contract.txt.j2, rendered into tagged blocks that both the PDF (WeasyPrint) and the Word
(python-docx) writer lay out.

Amounts are exact decimals of 元 (含税): a row's 总价 is 单价 × 订购量 rounded half up to the fen, the total is their
sum, the first instalment is the total × its percentage rounded to the fen and the second is the rest, so the two
always add up to the total.  Amounts are printed in figures (1,000,000.10) and in Chinese capital numerals for
money (cn2an's "rmb" mode: 壹佰万元壹角), as the contract asks.  A value nobody gave prints as a blank line to fill
by hand, never "XX" or "None".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from html import escape
from io import BytesIO
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.interview.answer import Answer
from bot.rendering.env import TEMPLATES_DIR, decimal_or_none

FILING_FORM = "hangzhou-filing"
CONTRACT_FORM = "hangzhou-contract"
TEMPLATE = "contract.txt.j2"

#: the item ids this layout reads, by form (for a group: "group.field")
READS: dict[str, tuple[str, ...]] = {
    FILING_FORM: (
        "company_name", "credit_code", "contact_name", "contact_phone", "project_name", "project_start",
        "project_end", "expected_investment", "address",
        "providers.name", "providers.credit_code", "providers.contact", "providers.phone",
        "providers.contract_name", "providers.contract_no", "providers.contract_date",
    ),
    CONTRACT_FORM: (
        "party_a_agreement_no", "party_a_address", "party_a_bank_account", "party_a_bank",
        "party_b_agreement_no", "party_b_address", "party_b_bank_account", "party_b_bank",
        "products.name", "products.code", "products.supplier", "products.term", "products.unit_price",
        "products.quantity",
        "period_start", "period_end", "design_days", "payment_first", "payment_second", "damages_percent",
    ),
}

#: what a blank to fill by hand looks like, in both writers and in the text read back from them
BLANK = "________"
#: markers around a filled value inside a rendered block (private-use characters, removed from answers first)
_OPEN, _CLOSE, _BAR = "\ue000", "\ue001", "\ue002"
FEN = Decimal("0.01")
HUNDRED = Decimal(100)


# --- amounts ---------------------------------------------------------------------------------------------------


def to_fen(amount: Decimal) -> Decimal:
    """An amount rounded half up to the fen (0.01 元)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def figures(amount: Decimal) -> str:
    """An amount of 元 in figures with thousands separators and two decimals: 1000000.1 → "1,000,000.10"."""
    return f"{to_fen(amount):,.2f}"


def capital(amount: Decimal) -> str:
    """An amount of 元 in Chinese capital numerals for money: 100000 → "壹拾万元整", 1000000.10 → "壹佰万元壹角",
    0.05 → "伍分" (cn2an's rmb mode; the 人民币 before it is the contract's own text)."""
    import cn2an  # about 0.25 s to import: only when a contract is rendered

    amount = to_fen(amount)
    if amount < 0:
        raise ValueError(f"a negative amount has no capital form: {amount}")
    if amount == 0:
        return "零元整"
    return str(cn2an.an2cn(format(amount, "f"), "rmb"))


def instalments(total: Decimal, first_percent: Decimal) -> tuple[Decimal, Decimal]:
    """The two payments of 2.2.1: the first is the total × its percentage to the fen, the second the rest."""
    first = to_fen(total * first_percent / HUNDRED)
    return first, to_fen(total) - first


# --- the view --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductRow:
    number: int
    name: str | None
    code: str | None
    supplier: str | None
    term: str | None
    unit_price: str | None
    quantity: str | None
    total: str | None
    #: the row's 总价 as a number (None when the price or the quantity is missing)
    amount: Decimal | None


@dataclass(frozen=True)
class ContractView:
    """Every blank of the contract as display text (None: not given, printed as a blank line)."""

    contract_name: str | None
    project_name: str | None
    a_name: str | None
    a_agreement_no: str | None
    a_credit_code: str | None
    a_address: str | None
    a_contact: str | None
    a_phone: str | None
    a_bank_account: str | None
    a_bank: str | None
    b_name: str | None
    b_agreement_no: str | None
    b_credit_code: str | None
    b_address: str | None
    b_contact: str | None
    b_phone: str | None
    b_bank_account: str | None
    b_bank: str | None
    rows: tuple[ProductRow, ...]
    #: the contract's total (元, 含税), None when a row lacks its price or quantity
    amount: Decimal | None
    total: str | None
    total_capital: str | None
    start_year: str | None
    start_month: str | None
    end_year: str | None
    end_month: str | None
    design_days: str | None
    first_percent: str | None
    second_percent: str | None
    first_amount: str | None
    first_capital: str | None
    second_amount: str | None
    second_capital: str | None
    damages_percent: str | None
    signed_on: str | None
    #: the filing's 项目预期投入 (万元, 不含税), for the comparison told before the contract is produced
    expected_investment: Decimal | None


def _text(answers: Mapping[str, Answer], item_id: str) -> str | None:
    answer = answers.get(item_id)
    return _clean(answer.value) if answer is not None else None


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _plain(number: Decimal | None) -> str | None:
    """A percentage or count as typed, without trailing zeros (30 → "30", 12.50 → "12.5")."""
    if number is None:
        return None
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _year_month(value: str | None) -> tuple[str | None, str | None]:
    if not value or len(value) < 7:
        return None, None
    return str(int(value[:4])), str(int(value[5:7]))


def _date(value: str | None) -> str | None:
    if not value or len(value) < 10:
        return None
    return f"{int(value[:4])} 年 {int(value[5:7])} 月 {int(value[8:10])} 日"


def provider_of(filing: Mapping[str, Answer], index: int) -> Mapping[str, Any]:
    """The filing's provider `index` (0-based) as stored; empty when there is no such provider."""
    answer = filing.get("providers")
    entries = answer.value if answer is not None and isinstance(answer.value, list) else []
    return entries[index] if 0 <= index < len(entries) else {}


def _rows(contract: Mapping[str, Answer]) -> tuple[ProductRow, ...]:
    answer = contract.get("products")
    entries = answer.value if answer is not None and isinstance(answer.value, list) else []
    rows = []
    for number, entry in enumerate(entries, 1):
        price, quantity = decimal_or_none(entry.get("unit_price")), decimal_or_none(entry.get("quantity"))
        # the total is the printed (fen) price times the quantity, so that the two printed figures multiply out
        amount = to_fen(to_fen(price) * quantity) if price is not None and quantity is not None else None
        rows.append(ProductRow(
            number=number, name=_clean(entry.get("name")), code=_clean(entry.get("code")),
            supplier=_clean(entry.get("supplier")), term=_clean(entry.get("term")),
            unit_price=figures(price) if price is not None else None, quantity=_plain(quantity),
            total=figures(amount) if amount is not None else None, amount=amount))
    return tuple(rows)


def contract_view(filing: Mapping[str, Answer], provider: int, contract: Mapping[str, Answer]) -> ContractView:
    """The contract between the filing's enterprise and its provider `provider` (0-based), from both interviews'
    answers.  Pure; nothing is required: whatever is missing prints as a blank line."""
    p = provider_of(filing, provider)
    rows = _rows(contract)
    amount = sum((r.amount for r in rows if r.amount is not None), Decimal(0)) if rows else None
    if any(r.amount is None for r in rows):
        amount = None
    first_pct = decimal_or_none(_text(contract, "payment_first"))
    second_pct = decimal_or_none(_text(contract, "payment_second"))
    first = second = None
    if amount is not None and first_pct is not None:
        first, second = instalments(amount, first_pct)
        if second_pct is None or first_pct + second_pct != HUNDRED:
            # the form refuses percentages that do not add up; a draft that still has them prints only the first
            second = None
    start = _year_month(_text(contract, "period_start"))
    end = _year_month(_text(contract, "period_end"))
    return ContractView(
        contract_name=_clean(p.get("contract_name")),
        project_name=_text(filing, "project_name"),
        a_name=_text(filing, "company_name"),
        a_agreement_no=_text(contract, "party_a_agreement_no"),
        a_credit_code=_text(filing, "credit_code"),
        a_address=_text(contract, "party_a_address"),
        a_contact=_text(filing, "contact_name"),
        a_phone=_text(filing, "contact_phone"),
        a_bank_account=_text(contract, "party_a_bank_account"),
        a_bank=_text(contract, "party_a_bank"),
        b_name=_clean(p.get("name")),
        b_agreement_no=_text(contract, "party_b_agreement_no"),
        b_credit_code=_clean(p.get("credit_code")),
        b_address=_text(contract, "party_b_address"),
        b_contact=_clean(p.get("contact")),
        b_phone=_clean(p.get("phone")),
        b_bank_account=_text(contract, "party_b_bank_account"),
        b_bank=_text(contract, "party_b_bank"),
        rows=rows,
        amount=amount,
        total=figures(amount) if amount is not None else None,
        total_capital=capital(amount) if amount is not None else None,
        start_year=start[0], start_month=start[1], end_year=end[0], end_month=end[1],
        design_days=_text(contract, "design_days"),
        first_percent=_plain(first_pct),
        second_percent=_plain(second_pct),
        first_amount=figures(first) if first is not None else None,
        first_capital=capital(first) if first is not None else None,
        second_amount=figures(second) if second is not None else None,
        second_capital=capital(second) if second is not None else None,
        damages_percent=_text(contract, "damages_percent"),
        signed_on=_date(_clean(p.get("contract_date"))),
        expected_investment=decimal_or_none(_text(filing, "expected_investment")),
    )


# --- the comparison with the filing ----------------------------------------------------------------------------

#: 1 万元 in 元
WAN = Decimal(10_000)


@dataclass(frozen=True)
class Comparison:
    """This contract's total and all the filing's contracts' (元, 含税) against the filing's 项目预期投入 (万元,
    不含税, shown also in 元)."""

    contract_total: Decimal
    contracts_total: Decimal
    contracts: int
    expected_wan: Decimal
    expected_yuan: Decimal

    @property
    def difference(self) -> Decimal:
        """All the contracts less the expected investment, in 元 (positive: the contracts are above it)."""
        return self.contracts_total - self.expected_yuan

    @property
    def percent(self) -> Decimal:
        """The difference as a percentage of the expected investment, 1 decimal."""
        return (self.difference * HUNDRED / self.expected_yuan).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def compare(view: ContractView, other_totals: Sequence[Decimal] = ()) -> Comparison | None:
    """The comparison, or None when the contract has no total yet or the filing no expected investment."""
    if view.amount is None or view.expected_investment is None or view.expected_investment <= 0:
        return None
    everything = view.amount + sum(other_totals, Decimal(0))
    return Comparison(view.amount, everything, 1 + len(other_totals), view.expected_investment,
                      view.expected_investment * WAN)


# --- blocks: the template rendered ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A run of text: the template's own words, a filled value, or a blank (text None)."""

    text: str | None
    filled: bool = False

    @property
    def shown(self) -> str:
        return BLANK if self.text is None else self.text


@dataclass(frozen=True)
class Block:
    tag: str
    #: one list of pieces per cell (a single cell for paragraphs)
    cells: tuple[tuple[Piece, ...], ...]

    @property
    def text(self) -> str:
        return " | ".join("".join(p.shown for p in cell) for cell in self.cells)


TAGS = ("TITLE", "SUB", "FIELD", "GAP", "P", "H1", "H2", "H3", "HEAD", "ROW", "SPAN", "SIGN")
_TABLE_TAGS = ("HEAD", "ROW", "SPAN", "SIGN")


def _value(value: Any) -> str:
    """`v(x)` in the template: a filled value between markers, or empty markers for a blank."""
    text = _clean(value)
    if text is None:
        return _OPEN + _CLOSE
    text = re.sub(r"\s+", " ", text)
    for marker in (_OPEN, _CLOSE, _BAR):
        text = text.replace(marker, "")
    return _OPEN + text.replace("|", _BAR) + _CLOSE


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # plain text: each writer escapes for its own format (HTML escapes, python-docx writes text)
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=False, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.globals["v"] = _value
    return env


def _pieces(text: str) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    for n, part in enumerate(re.split(f"{_OPEN}(.*?){_CLOSE}", text)):
        part = part.replace(_BAR, "|")
        if n % 2:
            pieces.append(Piece(part or None, filled=bool(part)))
        elif part:
            pieces.append(Piece(part))
    return tuple(pieces)


def blocks(view: ContractView) -> tuple[Block, ...]:
    """The contract as tagged blocks (see the template's header for the tags)."""
    rendered = _environment().get_template(TEMPLATE).render(c=view)
    out: list[Block] = []
    for line in rendered.splitlines():
        if not line.strip():
            continue
        tag, _, rest = line.partition(" ")
        if tag not in TAGS:
            raise ValueError(f"{TEMPLATE}: unknown block {tag!r} in {line!r}")
        cells = rest.split("|") if tag in _TABLE_TAGS else [rest]
        out.append(Block(tag, tuple(_pieces(c) for c in cells)))
    return tuple(out)


def plain_text(view: ContractView) -> str:
    """The contract as plain text, one block a line (blanks as lines to fill): for checks and previews."""
    return "\n".join(b.text for b in blocks(view) if b.tag != "GAP")


# --- HTML / PDF ------------------------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 22mm 20mm 20mm 20mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; } }
html { font-size: 10.5pt; line-height: 1.7; }
h1.title { font-size: 18pt; text-align: center; margin: 0 0 2mm; border: none; }
p.sub { text-align: center; margin: 0 0 5mm; }
p.field { margin: 0.6mm 0; }
p.gap { margin: 0; height: 4mm; }
h2.h1 { font-size: 12pt; margin: 5mm 0 2mm; border: none; padding: 0; }
h3.h2 { font-size: 11pt; margin: 3mm 0 1.5mm; }
h4.h3 { font-size: 10.5pt; text-align: center; margin: 3mm 0 1.5mm; }
p.p { text-indent: 2em; margin: 1mm 0; text-align: justify; }
span.v { text-decoration: underline; }
span.blank { letter-spacing: 0; }
table.products th, table.products td { font-size: 9pt; text-align: center; padding: 1mm; }
table.products td.span { text-align: left; }
table.sign { margin-top: 10mm; }
table.sign td { border: none; padding: 2.5mm 0; width: 50%; }
"""


def _html_cell(pieces: Sequence[Piece]) -> str:
    out = []
    for piece in pieces:
        if piece.text is None:
            out.append(f'<span class="blank">{BLANK}</span>')
        elif piece.filled:
            out.append(f'<span class="v">{escape(piece.text)}</span>')
        else:
            out.append(escape(piece.text))
    return "".join(out)


def render_contract_html(view: ContractView) -> str:
    """The contract as HTML for the PDF writer (bot.rendering.pdf adds the report fonts and stylesheet)."""
    parts = ['<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
             f"<title>{escape(view.contract_name or '杭州市中小企业数字化改造服务合同')}</title>",
             f"<style>{_CSS}</style></head><body>"]
    table: str | None = None
    for block in blocks(view):
        kind = "sign" if block.tag == "SIGN" else "products" if block.tag in ("HEAD", "ROW", "SPAN") else None
        if table != kind and table is not None:
            parts.append("</table>")
            table = None
        if kind is not None and table is None:
            parts.append(f'<table class="{kind}">')
            if kind == "products":
                widths = (6, 17, 12, 17, 11, 13, 9, 15)
                parts.append("".join(f'<col style="width:{w}%">' for w in widths))
            table = kind
        cells = [_html_cell(c) for c in block.cells]
        if block.tag == "HEAD":
            parts.append("<tr>" + "".join(f"<th>{c}</th>" for c in cells) + "</tr>")
        elif block.tag == "ROW":
            parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        elif block.tag == "SPAN":
            parts.append(f'<tr><td class="span" colspan="8">{cells[0]}</td></tr>')
        elif block.tag == "SIGN":
            parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        elif block.tag == "TITLE":
            parts.append(f'<h1 class="title">{cells[0]}</h1>')
        elif block.tag == "SUB":
            parts.append(f'<p class="sub">{cells[0]}</p>')
        elif block.tag == "FIELD":
            parts.append(f'<p class="field">{cells[0]}</p>')
        elif block.tag == "GAP":
            parts.append('<p class="gap"></p>')
        elif block.tag == "H1":
            parts.append(f'<h2 class="h1">{cells[0]}</h2>')
        elif block.tag == "H2":
            parts.append(f'<h3 class="h2">{cells[0]}</h3>')
        elif block.tag == "H3":
            parts.append(f'<h4 class="h3">{cells[0]}</h4>')
        else:
            parts.append(f'<p class="p">{cells[0]}</p>')
    if table is not None:
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def render_contract_pdf(view: ContractView) -> bytes:
    from bot.rendering.pdf import html_to_pdf  # WeasyPrint is imported only when a PDF is made

    return html_to_pdf(render_contract_html(view))


# --- Word ------------------------------------------------------------------------------------------------------

#: the product table's columns on the 16 cm text width (序号 … 总价)
PRODUCT_WIDTHS_CM = (1.0, 2.3, 1.7, 2.2, 1.8, 2.8, 1.4, 2.8)


def _fonts(run: Any, size: float | None = None, bold: bool = False) -> None:
    from docx.shared import Pt

    from bot.rendering.docx import set_fonts  # python-docx is loaded only when a Word file is written

    set_fonts(run)
    if size is not None:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True


def _docx_pieces(paragraph: Any, pieces: Sequence[Piece], size: float = 10.5, bold: bool = False) -> None:
    for piece in pieces:
        run = paragraph.add_run(piece.shown)
        _fonts(run, size, bold)
        if piece.filled:
            run.font.underline = True


def _no_borders(table: Any) -> None:
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"})
        borders.append(element)
    tbl_pr.append(borders)


def render_contract_docx(view: ContractView) -> bytes:
    """The contract as a Word document to edit, print, sign and stamp."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
    table: Any = None
    table_kind: str | None = None
    for block in blocks(view):
        kind = "sign" if block.tag == "SIGN" else "products" if block.tag in ("HEAD", "ROW", "SPAN") else None
        if kind != table_kind:
            table, table_kind = None, kind
        if kind is not None:
            if table is None:
                columns = 8 if kind == "products" else 2
                table = doc.add_table(rows=0, cols=columns)
                table.alignment = WD_TABLE_ALIGNMENT.CENTER
                if kind == "products":
                    table.style = "Table Grid"
                    table.autofit = False
                    for column, width in zip(table.columns, PRODUCT_WIDTHS_CM, strict=True):
                        column.width = Cm(width)  # the grid, which LibreOffice reads
                else:
                    _no_borders(table)
            row = table.add_row()
            widths = PRODUCT_WIDTHS_CM if kind == "products" else (8.0, 8.0)
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
            if block.tag == "SPAN":
                merged = row.cells[0].merge(row.cells[-1])
                _docx_pieces(merged.paragraphs[0], block.cells[0], 9)
                continue
            for cell, pieces in zip(row.cells, block.cells, strict=False):
                paragraph = cell.paragraphs[0]
                if kind == "products":
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _docx_pieces(paragraph, pieces, 9 if kind == "products" else 10.5, bold=block.tag == "HEAD")
            continue
        if block.tag == "GAP":
            doc.add_paragraph()
            continue
        paragraph = doc.add_paragraph()
        size, bold = {"TITLE": (18, True), "H1": (12, True), "H2": (11, True), "H3": (10.5, True)}.get(
            block.tag, (10.5, False))
        if block.tag in ("TITLE", "SUB", "H3"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if block.tag == "P":
            paragraph.paragraph_format.first_line_indent = Pt(21)
        paragraph.paragraph_format.space_after = Pt(3)
        _docx_pieces(paragraph, block.cells[0], size, bold)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
