"""What a layout declares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.rendering.context import ReportContext

class _DeferredWordWriter:
    """bot.rendering.docx, imported on first use: declaring the layouts (the loader does at start-up, and the light
    commands with it) must not load python-docx."""

    def __getattr__(self, name: str) -> Any:
        from bot.rendering import docx

        return getattr(docx, name)


#: the Word writer's toolbox for the layout modules (`w.para`, `w.Pt` …), loaded when a Word file is first written
word_writer: Any = _DeferredWordWriter()

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
    #: the Word file, written by the layout module itself from the report context it may read (the service
    #: contract, drawn from its own view of two sessions, has its writer in bot/rendering/contract.py)
    word: Callable[[ReportContext], bytes] | None = None

    def __post_init__(self) -> None:
        if self.word is not None and DOCX not in self.formats:
            raise ValueError(f"layout {self.name!r} writes a Word file but does not list the format")
    #: the report context field holding the scoring rule's view this layout prints (the rule's `report_slot`:
    #: tree, rubric, eligibility, view); None: it prints no rule's view.  The loader refuses a form whose rule
    #: does not give it.
    view: str | None = None
    #: values its template needs beyond the report context (the MIIT report's charts), computed from it
    extra: Callable[[ReportContext], dict[str, Any]] | None = None

    def allowed(self, form_id: str) -> frozenset[str] | None:
        """The item ids of `form_id` this layout may read (a group counts with any of its fields); None: any."""
        if self.reads is None:
            return None
        ids: set[str] = set()
        for source, reads in self.reads.items():
            if source in (SELF, form_id):
                ids.update(r.partition(".")[0] for r in reads)
        return frozenset(ids)
