"""The MIIT 2022 self-assessment report: score by dimension and question, advice, the levels (PDF)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.rendering.charts import Bar, bar_chart, radar_chart
from bot.rendering.layouts.base import PDF, Layout

if TYPE_CHECKING:
    from bot.rendering.context import ReportContext


def _walk(node: Any) -> Any:
    yield node
    for child in node.children:
        yield from _walk(child)


def charts(context: ReportContext) -> dict[str, Any]:
    """What the template needs beyond the context: the two charts, and the answers the score tree does not list."""
    tree = context.tree
    assert tree is not None  # the layout's `view`: checked before it renders
    bars = [Bar(d.name, d.ratio, f"{d.points} / {d.maximum}") for d in tree.dimensions]
    scored = {n.item for d in tree.dimensions for n in _walk(d)}
    radar = radar_chart(bars, size=170)
    radar_width = float(radar.split('width="', 1)[1].split('"', 1)[0])
    return {
        # side by side on the 180 mm (680 px) text width of A4
        "bar_svg": bar_chart(bars, width=min(360.0, 670.0 - radar_width), title=context.labels["chart_title"]),
        "radar_svg": radar,
        "unscored": [a for a in context.answers if a.item_id not in scored],
    }


LAYOUT = Layout(
    name="miit",
    stems={"zh": "数字化水平自评报告", "en": "digitalization-self-assessment"},
    formats=(PDF,),
    template="miit.html.j2",
    # every figure comes from the form's scoring; no item is read by an id of its own
    reads=None,
    view="tree",
    extra=charts,
)
