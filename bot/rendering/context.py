"""One report context per session: everything a report or export prints, as display text and raw values.

`build_context` is pure (no I/O, no clock): the answers, the form and the evaluation in; a frozen
`ReportContext` out.  Every writer (HTML/PDF, DOCX, XLSX) reads only the context, so a report shows exactly
what the interview recorded, whatever the channel.

Numbers are exact until here and shown rounded to 2 decimals (`bot.scoring.levels.rounded`).  Answers are shown
with `bot.present.answer_text`, the same words the channels use.  Texts are plain strings: escaping is the
writer's job (Jinja autoescape for HTML, python-docx and openpyxl write text, never markup).

The scoring rule's part of a report (points by node, the rubric, the eligibility outcome …) is built by the rule
itself (`Rule.report_view`, bot/scoring/NAME.py) into the context field its `report_slot` names; this module never
asks which rule a form has.

Report headings are interface texts like any other: English in `LABEL_TEXTS`, translated by the `messages`
catalog under the message context "report".  The official-form layouts (annex 1, annex 5, the Heilongjiang tables)
are printed in Chinese as in the source whatever the language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from bot.i18n import P_, Translator
from bot.interview import derived
from bot.interview.answer import Answer
from bot.interview.engine import visible_answers, visible_items
from bot.interview.numbering import numbering
from bot.interview.schema import ChoiceItem, Form, GroupItem, Item
from bot.present import answer_text, next_steps
from bot.scoring import Evaluation, evaluate, rule_of
from bot.scoring.eligibility import EligibilityView
from bot.scoring.levels import rounded
from bot.scoring.points import RubricView
from bot.scoring.weighted_tree import ADVICE_LIMIT, TreeView

#: the names of the report layouts the tests and tools refer to (the layouts themselves: bot/rendering/layouts/)
MIIT = "miit"
RUBRIC = "rubric"
ELIGIBILITY = "eligibility"
FILING = "filing"
MIIT2024 = "miit2024"

#: report headings and small words, by key (templates read them as L.key): English here, other languages in the
#: `messages` catalog under the message context "report" (the same English word may read otherwise in a chat)
LABEL_TEXTS: dict[str, str] = {
    "colon": P_("report", ": "),
    "lparen": P_("report", " ("),
    "rparen": P_("report", ")"),
    "report": P_("report", "Assessment report"),
    "company": P_("report", "Enterprise"),
    "credit_code": P_("report", "Unified social credit code"),
    "submitted": P_("report", "Date submitted"),
    "generated": P_("report", "Generated"),
    "levels": P_("report", "What the levels mean"),
    "levels_intro": P_("report", "The levels as annex 4 describes them:"),
    "level_reached": P_("report", "reached"),
    "level_next": P_("report", "next level"),
    "authority_heading": P_("report", "The authoritative result"),
    "next_steps": P_("report", "What happens next"),
    "session": P_("report", "Session"),
    "total": P_("report", "Total score"),
    "level": P_("report", "Level"),
    "estimate": P_("report", "estimate"),
    "score_range": P_("report", "Final score range"),
    "incomplete": P_("report", "Some questions are unanswered; they count as 0."),
    "dimensions": P_("report", "Scores by dimension"),
    "indicators": P_("report", "Scores by indicator and question"),
    "dimension": P_("report", "Dimension"),
    "indicator": P_("report", "Indicator"),
    "question": P_("report", "Question"),
    "answer": P_("report", "Answer"),
    "points": P_("report", "Points"),
    "maximum": P_("report", "Maximum"),
    "answers": P_("report", "All answers"),
    "other_answers": P_("report", "Other answers (not scored)"),
    "advice": P_("report", "How to reach the next level"),
    "advice_intro": P_("report", "Raising these questions to full marks adds the most points (largest gain first, "
                                 "at most 5):"),
    "to_next": P_("report", "{points} points short of {level} ({min} points)."),
    "top_level": P_("report", "The highest level, {level}, is reached."),
    "gain": P_("report", "Gain"),
    "current": P_("report", "Current answer"),
    "best": P_("report", "For full marks"),
    "staff": P_("report", "entered by staff"),
    "staff_note": P_("report", "Answers marked * were entered by staff."),
    "audit": P_("report", "Change history"),
    "audit_at": P_("report", "Time"),
    "audit_actor": P_("report", "By"),
    "audit_kind": P_("report", "Action"),
    "audit_item": P_("report", "Item"),
    "audit_old": P_("report", "Before"),
    "audit_new": P_("report", "After"),
    "eligibility": P_("report", "Filing eligibility check"),
    "eligible": P_("report", "Eligible to file"),
    "not_eligible": P_("report", "Not eligible to file"),
    "reasons": P_("report", "Reasons"),
    "notes": P_("report", "Notes"),
    "size_class": P_("report", "Size class"),
    "designated": P_("report", "Above / below designated size"),
    "above": P_("report", "above designated size"),
    "below": P_("report", "below designated size"),
    "unknown": P_("report", "unknown"),
    "chart_title": P_("report", "Share of the maximum by dimension"),
    "yes": P_("report", "Yes"),
    "no": P_("report", "No"),
}

# --- views ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionView:
    label: str
    checked: bool
    #: the text typed beside a "其他" option
    other_text: str = ""


@dataclass(frozen=True)
class AnswerView:
    """One visible item: its label, the answer as display text, and the stored value."""

    item_id: str
    #: the item's label as every channel prints it ("7", "16.2", "22a", "A3", "Q2a")
    number: str
    section: str
    label: str
    text: str
    raw: Any
    extra: str | None
    answered: bool
    by_staff: bool
    #: a repeatable group's entries: per entry, (field id, field label, display text)
    entries: tuple[tuple[tuple[str, str, str], ...], ...] = ()
    #: the note printed with the item ("（截至申报日）")
    note: str = ""


@dataclass(frozen=True)
class ComputedView:
    id: str
    label: str
    text: str
    raw: Any


@dataclass(frozen=True)
class AuditView:
    at: str
    actor: str
    kind: str
    item: str
    old: str
    new: str


class UnknownItem(LookupError):
    """A document read an item id its form does not have (or its layout did not declare)."""


class CheckedAnswers(Mapping[str, Any]):
    """Stored values by item id, where asking for an id the form does not have raises (a hidden or unanswered
    item is simply absent: `.get(id, "")` gives the blank to fill by hand)."""

    def __init__(self, data: Mapping[str, Any], check: Callable[[str], str]) -> None:
        self._data = dict(data)
        self._check = check

    def __getitem__(self, key: str) -> Any:
        return self._data[self._check(key)]

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(self._check(key), default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._check(key) in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


@dataclass(frozen=True)
class ReportContext:
    form: Form
    form_id: str
    title: str
    kind: str
    lang: str
    company: str
    labels: Mapping[str, str]
    answers: tuple[AnswerView, ...]
    #: stored answer values of visible items, by item id
    raw: Mapping[str, Any]
    #: typed answers + computed values (bot.interview.derived.values), constants left out
    values: Mapping[str, Any]
    computed: tuple[ComputedView, ...]
    evaluation: Evaluation | None
    tree: TreeView | None = None
    rubric: RubricView | None = None
    eligibility: EligibilityView | None = None
    #: the scoring rule's report view (`Rule.report_view`), in the field its `report_slot` names: the rules of
    #: bot/scoring fill tree (weighted_tree), rubric (points), eligibility or view (miit2024 and any new rule)
    view: Any = None
    session_meta: Mapping[str, str] = field(default_factory=dict)
    staff_items: frozenset[str] = frozenset()
    audit: tuple[AuditView, ...] = ()
    #: the enterprise's unified social credit code, when known ('' otherwise)
    credit_code: str = ""
    #: what happens after submission (the form's next_steps, answers filled in), one paragraph each
    next_steps: tuple[str, ...] = ()

    #: the item ids a layout declared (`reading`); None: any id of the form
    reads: frozenset[str] | None = None

    _index: Mapping[str, AnswerView] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {a.item_id: a for a in self.answers})
        if not isinstance(self.raw, CheckedAnswers):
            object.__setattr__(self, "raw", CheckedAnswers(self.raw, self._known))
        if not isinstance(self.values, CheckedAnswers):
            object.__setattr__(self, "values", CheckedAnswers(self.values, self._known_value))

    def reading(self, declared: frozenset[str]) -> ReportContext:
        """This context for a layout that declared `declared`: reading any other id raises UnknownItem."""
        return replace(self, reads=declared, raw=dict(self.raw), values=dict(self.values))

    def _known(self, item_id: str) -> str:
        if item_id not in self.form.index:
            raise UnknownItem(f"{self.form_id}: a document reads item {item_id!r}, which the form does not have")
        if self.reads is not None and item_id not in self.reads:
            raise UnknownItem(f"{self.form_id}: a document reads item {item_id!r} without declaring it")
        return item_id

    def _known_value(self, name: str) -> str:
        if name in self.form.index:
            return self._known(name)
        if not any(c.id == name for c in self.form.computed):
            raise UnknownItem(f"{self.form_id}: a document reads value {name!r}, which the form does not compute")
        return name

    # -- lookups for templates and writers: an id the form does not have raises, never an empty cell -----------

    def answer(self, item_id: str) -> AnswerView | None:
        return self._index.get(self._known(item_id))

    def text(self, item_id: str) -> str:
        """The answer as display text; '' when the item is hidden or unanswered (a blank to fill by hand)."""
        a = self.answer(item_id)
        return a.text if a is not None and a.answered and a.raw is not None else ""

    def label(self, item_id: str) -> str:
        """An item's printed label (in the context's language)."""
        self._known(item_id)
        return Translator(self.lang).form(self.form.item(item_id).text)

    def note(self, item_id: str) -> str:
        """The note the source prints with an item ("（截至申报日）"), in the context's language; '' when none."""
        note = self.form.item(self._known(item_id)).note
        return Translator(self.lang).form(note) if note else ""

    def choices(self, item_id: str) -> tuple[OptionView, ...]:
        """A choice item's options with a tick where chosen (the printed □ layout)."""
        item = self.form.index.get(self._known(item_id))
        if not isinstance(item, ChoiceItem):
            return ()
        tr = Translator(self.lang)
        value = self.raw.get(item_id)
        picked = set(value if isinstance(value, list) else [] if value is None else [value])
        a = self.answer(item_id)
        extra = a.extra if a is not None and a.extra else ""
        return tuple(
            OptionView(tr.form(o.label), o.id in picked, extra if o.other and o.id in picked else "")
            for o in item.options
        )

    def yes_no(self, item_id: str) -> bool | None:
        value = self.raw.get(item_id)
        return None if value is None else bool(value)

    def entries(self, item_id: str) -> tuple[dict[str, str], ...]:
        """A repeatable group's entries as {field id: display text}."""
        a = self.answer(item_id)
        if a is None:
            return ()
        return tuple({fid: text for fid, _, text in entry} for entry in a.entries)

    def sections(self) -> tuple[tuple[str, tuple[AnswerView, ...]], ...]:
        """The answers grouped by section, in form order."""
        out: list[tuple[str, list[AnswerView]]] = []
        for a in self.answers:
            if not out or out[-1][0] != a.section:
                out.append((a.section, []))
            out[-1][1].append(a)
        return tuple((name, tuple(rows)) for name, rows in out)


# --- building ----------------------------------------------------------------------------------------------


def report_kind(form: Form) -> str:
    """The layout of a form's report: the first document it declares ('' when it declares none)."""
    return form.documents[0] if form.documents else ""


def for_layout(context: ReportContext, name: str) -> ReportContext:
    """The context as layout `name` may read it: an id the layout did not declare raises (bot/rendering/layouts)."""
    from bot.rendering.layouts import layout

    allowed = layout(name).allowed(context.form_id)
    return context if allowed is None else context.reading(allowed)


def _display(value: Any, unit: str | None, tr: Translator) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return tr.ui("Yes") if value else tr.ui("No")
    if isinstance(value, (Decimal, Fraction, int, float)) and not isinstance(value, bool):
        text = str(rounded(Fraction(str(value)) if isinstance(value, float) else Fraction(value)))
        return f"{text}{unit or ''}" if unit == "%" else f"{text} {tr.unit(unit, text)}" if unit else text
    return str(value)


def _section_of(item: Item) -> str:
    return item.section or ""


def _answer_views(
    form: Form, answers: Mapping[str, Answer], tr: Translator, staff_items: frozenset[str]
) -> tuple[AnswerView, ...]:
    """Every visible item, answered or not, in form order."""
    out: list[AnswerView] = []
    labels = numbering(form).labels
    for item in visible_items(form, answers):
        answer = answers.get(item.id)
        entries: tuple[tuple[tuple[str, str, str], ...], ...] = ()
        if isinstance(item, GroupItem) and answer is not None and isinstance(answer.value, list):
            entries = tuple(
                tuple(
                    (f.id, tr.form(f.text), answer_text(f, Answer(entry.get(f.id)), tr) if entry.get(f.id)
                     is not None else "")
                    for f in item.fields
                )
                for entry in answer.value
            )
        out.append(AnswerView(
            item_id=item.id,
            number=labels[item.id],
            section=tr.form(_section_of(item)),
            label=tr.form(item.text),
            text=answer_text(item, answer, tr),
            raw=None if answer is None else answer.value,
            extra=None if answer is None else answer.extra,
            answered=answer is not None,
            by_staff=item.id in staff_items,
            entries=entries,
            note=tr.form(item.note) if item.note else "",
        ))
    return tuple(out)


def _get(row: Any, key: str, default: Any = None) -> Any:
    if isinstance(row, Mapping):
        return row.get(key, default)
    return getattr(row, key, default)


def _audit_text(form: Form, item_id: str | None, stored: Any, tr: Translator) -> str:
    if stored is None:
        return ""
    if item_id is None or item_id not in form.index:
        return str(stored)
    if isinstance(stored, Mapping):
        answer = Answer(stored.get("value"), stored.get("extra"))
    elif isinstance(stored, Answer):
        answer = stored
    else:
        answer = Answer(stored)
    try:
        return answer_text(form.item(item_id), answer, tr)
    except (KeyError, TypeError, ValueError):
        return str(answer.value)


def _audit_views(form: Form, audit: Iterable[Any], tr: Translator) -> tuple[AuditView, ...]:
    out: list[AuditView] = []
    for row in audit:
        item_id = _get(row, "item_id")
        at = _get(row, "at")
        actor = _get(row, "actor", _get(row, "actor_id"))
        out.append(AuditView(
            at="" if at is None else (at.isoformat(sep=" ", timespec="seconds") if hasattr(at, "isoformat")
                                      and not isinstance(at, str) else str(at)),
            actor="" if actor is None else str(actor),
            kind=str(_get(row, "kind", "")),
            item=tr.form(form.item(item_id).text) if item_id in form.index else (item_id or ""),
            old=_audit_text(form, item_id, _get(row, "old"), tr),
            new=_audit_text(form, item_id, _get(row, "new"), tr),
        ))
    return tuple(out)


def _profile_answer(form: Form, shown: Mapping[str, Answer], key: str) -> str:
    """The answer to the item that reads and writes profile key `key` ('' when the form does not ask it)."""
    for item in form.items:
        if item.profile == key and item.id in shown and shown[item.id].value:
            return str(shown[item.id].value)
    return ""


def build_context(
    form: Form,
    answers: Mapping[str, Answer],
    *,
    lang: str,
    company: str | None = None,
    credit_code: str | None = None,
    session_meta: Mapping[str, Any] | None = None,
    staff_items: frozenset[str] = frozenset(),
    audit: Iterable[Any] | None = None,
) -> ReportContext:
    """The report context of one session.

    `answers`: the session's answers (hidden items' answers are left out, as scoring does).  `company`: the
    enterprise name when the form does not ask it (miit-2022, from the person's enterprise profile); otherwise the
    answer to the item whose profile key is company_name.  `credit_code`: likewise.  `session_meta`: shown in the
    report footer (e.g. {"session": 12, "submitted": "2024-05-06"}).
    `staff_items`: ids of items a staff member answered (marked *).  `audit`: rows with at, actor (or actor_id),
    kind, item_id, old and new ({"value", "extra"} as the audit table stores them).
    """
    tr = Translator(lang)
    labels = {key: tr.pui("report", text) for key, text in LABEL_TEXTS.items()}
    shown = visible_answers(form, answers)
    values = {k: v for k, v in derived.values(form, shown).items() if k not in form.constants}
    evaluation = evaluate(form, answers)
    kind = report_kind(form)
    #: the rule's report view, in the field its templates read (tree, rubric, eligibility or view)
    rule_view: dict[str, Any] = {}
    rule = rule_of(form)
    if rule is not None and evaluation is not None:
        rule_view[rule.report_slot] = rule.report_view(form, evaluation, shown, tr, labels, answer_text)
    computed = tuple(
        ComputedView(c.id, tr.form(c.label or c.id), _display(values.get(c.id), c.unit, tr), values.get(c.id))
        for c in form.computed
        if c.id in values and c.label
    )
    return ReportContext(
        form=form,
        form_id=form.id,
        title=tr.form(form.title),
        kind=kind,
        lang=tr.lang,
        company=_profile_answer(form, shown, "company_name") or company or "",
        credit_code=_profile_answer(form, shown, "credit_code") or credit_code or "",
        labels=labels,
        answers=_answer_views(form, answers, tr, staff_items),
        raw={k: a.value for k, a in shown.items()},
        values=values,
        computed=computed,
        evaluation=evaluation,
        **rule_view,
        session_meta={str(k): "" if v is None else str(v) for k, v in (session_meta or {}).items()},
        staff_items=frozenset(staff_items),
        audit=_audit_views(form, audit or (), tr),
        next_steps=tuple(next_steps(form, shown, tr)),
    )


def yes_no_text(value: bool | None, labels: Mapping[str, str]) -> str:
    return "" if value is None else labels["yes" if value else "no"]


__all__ = [
    "ADVICE_LIMIT",
    "ELIGIBILITY",
    "FILING",
    "MIIT",
    "RUBRIC",
    "AnswerView",
    "ReportContext",
    "build_context",
    "report_kind",
]
