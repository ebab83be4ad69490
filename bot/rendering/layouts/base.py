"""What a layout declares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: in `Layout.reads`, the form that declares the document
SELF = ""
PDF, DOCX, XLSX = "pdf", "docx", "xlsx"


@dataclass(frozen=True)
class Layout:
    #: the name a form's `documents:` uses
    name: str
    #: the file name stem, by language
    stems: Mapping[str, str]
    #: the formats it is written in, for one session (a district table is written for many: `per_session` False)
    formats: tuple[str, ...]
    #: the HTML template of its PDF (None: no PDF)
    template: str | None = None
    #: the item ids it reads, by form (SELF: the declaring form); a group's field as "group.field".  None: a
    #: generic layout that reads only what the form's scoring lists (MIIT, eligibility), never an id of its own
    reads: Mapping[str, tuple[str, ...]] | None = field(default_factory=dict)
    per_session: bool = True
    #: the report context field holding the scoring rule's view this layout prints (the rule's `report_slot`:
    #: tree, rubric, eligibility, view); None: it prints no rule's view.  The loader refuses a form whose rule
    #: does not give it.
    view: str | None = None

    def allowed(self, form_id: str) -> frozenset[str] | None:
        """The item ids of `form_id` this layout may read (a group counts with any of its fields); None: any."""
        if self.reads is None:
            return None
        ids: set[str] = set()
        for source, reads in self.reads.items():
            if source in (SELF, form_id):
                ids.update(r.partition(".")[0] for r in reads)
        return frozenset(ids)
