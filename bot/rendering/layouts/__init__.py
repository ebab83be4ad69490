"""Document layouts: one module per layout, each declaring what it is and the item ids it reads.

A form names its documents (`documents:` in its YAML, by layout name).  At start-up the loader asks
`problems(forms)` and refuses a form whose documents read an item id the form does not have, naming the form, the
document and the id; at render time the report context refuses any id the layout did not declare
(`ReportContext.reading`), so a declaration cannot fall behind what the writers read.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.rendering.layouts import annex5, contract, eligibility, filing, miit, miit2024, rubric
from bot.rendering.layouts.base import SELF, Layout

LAYOUTS: dict[str, Layout] = {m.LAYOUT.name: m.LAYOUT for m in (miit, rubric, eligibility, filing, annex5, contract,
                                                                 miit2024)}


def layout(name: str) -> Layout:
    return LAYOUTS[name]


def problems(form_items: Mapping[str, Mapping[str, frozenset[str]]], form_id: str,
             documents: tuple[str, ...], scoring_view: str | None = None) -> list[str]:
    """What is wrong with the documents `form_id` declares: an unknown layout, an item id (or group field) a
    layout reads that its form does not have, or a scoring view it prints that the form's rule does not give.
    `form_items`: every form's item ids → the fields of its groups; `scoring_view`: the form's rule's report_slot."""
    out: list[str] = []
    for name in documents:
        found = LAYOUTS.get(name)
        if found is None:
            out.append(f"document {name!r} is not a layout; known: {', '.join(sorted(LAYOUTS))}")
            continue
        if found.view is not None and found.view != scoring_view:
            out.append(f"document {name!r} prints the scoring view {found.view!r}, which the form's scoring rule "
                       f"does not give ({scoring_view or 'not scored'})")
        for source, ids in (found.reads or {}).items():
            source_id = form_id if source == SELF else source
            items = form_items.get(source_id)
            if items is None:
                out.append(f"document {name!r} reads the form {source_id!r}, which does not exist")
                continue
            for read in ids:
                item, _, field = read.partition(".")
                if item not in items or (field and field not in items[item]):
                    where = "" if source == SELF else f" of {source_id}"
                    out.append(f"document {name!r} reads item {read!r}{where}, which the form does not have")
    return out


__all__ = ["LAYOUTS", "SELF", "Layout", "layout", "problems"]
