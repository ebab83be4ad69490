"""Reports and exports of a finished (or partly answered) interview session.

One pure `ReportContext` per session (context.py) feeds every writer: HTML (html.py, Jinja2 with autoescape),
PDF (pdf.py, WeasyPrint), DOCX (docx.py, python-docx) and the district summary XLSX (xlsx.py, openpyxl
write-only).  Writers are synchronous and pure apart from per-thread font caches; channels call the `*_async`
wrappers, which run them in a worker thread.

Importing this package is cheap: WeasyPrint, python-docx and openpyxl are imported by the module that needs them.
"""

from __future__ import annotations

from bot.rendering.context import ReportContext, build_context, report_kind

__all__ = ["ReportContext", "build_context", "report_kind"]
