"""The Jinja2 environment of the reports: templates under bot/rendering/templates/, autoescape ON for all.

Every value a template prints is escaped unless it is `Markup` built by our own code (the SVG charts in
charts.py and the check boxes below, which escape whatever text they embed).  Undefined names fail loudly
(StrictUndefined): a template that reads a field the context does not have is a bug, not a blank.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
CSS_PATH = TEMPLATES_DIR / "report.css"
CHECKED = "\u2611"
UNCHECKED = "\u2610"


def checkbox(checked: bool | None, label: str = "") -> Markup:
    """A printed check box: ☑ ticked, ☐ empty (the PDF takes both from one symbol font, see pdf.py)."""
    box = Markup(CHECKED if checked else UNCHECKED)
    return box + escape(label) if label else box


def yes_no_boxes(value: bool | None, yes: str = "是", no: str = "否") -> Markup:
    """"是□ 否□" with the answer ticked, as the source prints the yes/no cells."""
    return (escape(yes) + checkbox(value is True) + Markup("&#8195;") + escape(no) + checkbox(value is False))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals.update(checkbox=checkbox, yes_no_boxes=yes_no_boxes, period=period, ymd=year_month_day)
    return env


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The report CSS (also inlined in standalone HTML)."""
    return CSS_PATH.read_text(encoding="utf-8")


def year_month(value: str | None) -> str:
    """"2024-04" → "2024年4月"; nothing → the printed blanks "    年    月"."""
    if not value or len(value) < 7 or not (value[:4].isdigit() and value[5:7].isdigit()):
        return "\u3000\u3000年\u3000\u3000月"
    return f"{int(value[:4])}年{int(value[5:7])}月"


def period(start: str | None, end: str | None, *, blank: str | None = None) -> str:
    """A period of months as every document prints it, evenly: "2024年4月至2025年3月" (a missing end its printed
    blanks); `blank` when neither is given (default: both as blanks)."""
    if not start and not end and blank is not None:
        return blank
    return f"{year_month(start)}至{year_month(end)}"


def decimal_or_none(value: Any) -> Decimal | None:
    """A stored number as a Decimal; None for a blank or something that is not a number."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def year_month_day(value: str | None) -> str:
    """"2024-04-08" → "2024 年 4 月 8 日"; nothing → "    年    月    日"."""
    if not value or len(value) < 10:
        return "\u3000\u3000年\u3000\u3000月\u3000\u3000日"
    return f"{int(value[:4])} 年 {int(value[5:7])} 月 {int(value[8:10])} 日"
