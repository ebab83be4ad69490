"""The MIIT 2024 self-assessment report: score, scenario ratings, what blocks the next level (PDF)."""

from bot.rendering.layouts.base import PDF, Layout

LAYOUT = Layout(
    name="miit2024",
    stems={"zh": "数字化水平自评报告（2024年版）", "en": "digitalization-self-assessment-2024"},
    formats=(PDF,),
    template="miit2024.html.j2",
    # every figure comes from the form's scoring; no item is read by an id of its own
    reads=None,
    view="view",
)
