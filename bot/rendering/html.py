"""Reports as HTML (Jinja2, autoescape on): the input of the PDF writer, and a standalone preview."""

from __future__ import annotations

from markupsafe import Markup

from bot.rendering.context import ReportContext, for_layout
from bot.rendering.env import environment, stylesheet
from bot.rendering.layouts import LAYOUTS

#: the HTML template of each layout that has a PDF (declared in bot/rendering/layouts/)
TEMPLATES = {name: lay.template for name, lay in LAYOUTS.items() if lay.template and lay.template.endswith(".html.j2")}


class ReportKindError(ValueError):
    pass


def _check(kind: str, context: ReportContext) -> None:
    if kind not in TEMPLATES:
        raise ReportKindError(f"unknown report kind {kind!r}; known: {', '.join(TEMPLATES)}")
    view = LAYOUTS[kind].view  # the scoring rule's view the layout prints (bot/rendering/layouts/)
    if view is not None and getattr(context, view) is None:
        raise ReportKindError(f"{context.form_id} answers cannot make a {kind} report (its kind is {context.kind})")


def render_html(kind: str, context: ReportContext, *, inline_css: bool = True) -> str:
    """The report as an HTML document; `inline_css` embeds the stylesheet (off when pdf.py supplies it)."""
    _check(kind, context)
    context = for_layout(context, kind)
    template = environment().get_template(TEMPLATES[kind])
    extra = LAYOUTS[kind].extra
    return template.render(ctx=context, inline_css=inline_css, css=Markup(stylesheet()),
                           **(extra(context) if extra else {}))
