"""The MIIT 2022 self-assessment report: score by dimension and question, advice, the levels (PDF)."""

from bot.rendering.layouts.base import PDF, Layout

LAYOUT = Layout(
    name="miit",
    stems={"zh": "数字化水平自评报告", "en": "digitalization-self-assessment"},
    formats=(PDF,),
    template="miit.html.j2",
    # every figure comes from the form's scoring; no item is read by an id of its own
    reads=None,
    view="tree",
)
