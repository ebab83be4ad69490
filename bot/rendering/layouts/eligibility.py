"""The eligibility check's result: eligible or not, every reason, size class, notes (PDF)."""

from bot.rendering.layouts.base import PDF, Layout

LAYOUT = Layout(
    name="eligibility",
    stems={"zh": "备案资格自测结果", "en": "eligibility-check"},
    formats=(PDF,),
    template="eligibility.html.j2",
    # every figure comes from the form's scoring; no item is read by an id of its own
    reads=None,
    view="eligibility",
)
