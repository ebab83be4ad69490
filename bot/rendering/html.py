"""Reports as HTML (Jinja2, autoescape on): the input of the PDF writer, and a standalone preview."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from bot.rendering.charts import Bar, bar_chart, radar_chart
from bot.rendering.context import MIIT, ReportContext, for_layout
from bot.rendering.env import environment, stylesheet
from bot.rendering.layouts import LAYOUTS

#: the HTML template of each layout that has a PDF (declared in bot/rendering/layouts/)
TEMPLATES = {name: lay.template for name, lay in LAYOUTS.items() if lay.template and lay.template.endswith(".html.j2")}


class ReportKindError(ValueError):
    pass


def _extra(kind: str, context: ReportContext) -> dict[str, Any]:
    """Values a template needs beyond the context (the charts; the answers the score tree does not list)."""
    if kind != MIIT:
        return {}
    tree = context.tree
    if tree is None:
        raise ReportKindError(f"{context.form_id} has no weighted-tree score: it cannot be a {kind} report")
    bars = [Bar(d.name, d.ratio, f"{d.points} / {d.maximum}") for d in tree.dimensions]
    title = context.labels["chart_title"]
    scored = {n.item for d in tree.dimensions for n in _walk(d)}
    radar = radar_chart(bars, size=170)
    radar_width = float(radar.split('width="', 1)[1].split('"', 1)[0])
    return {
        # side by side on the 180 mm (680 px) text width of A4
        "bar_svg": bar_chart(bars, width=min(360.0, 670.0 - radar_width), title=title),
        "radar_svg": radar,
        "unscored": [a for a in context.answers if a.item_id not in scored],
    }


def _walk(node: Any) -> Any:
    yield node
    for child in node.children:
        yield from _walk(child)


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
    return template.render(ctx=context, inline_css=inline_css, css=Markup(stylesheet()), **_extra(kind, context))
