"""What a scoring rule provides, so that everything else finds it by the name a form gives (`scoring.rule`).

A rule is one module (weighted_tree, points, eligibility, miit2024) ending in `RULE = Rule(...)`: its model, its
load-time checks, its evaluation and running figures, its JSON summary, its texts for the chat and its report view.
The loader, the channels' texts (bot/present.py) and the reports (bot/rendering/context.py) call these hooks and
never ask which rule they have.  Adding a rule is that module, its tests and golden files, and one line in
`bot.scoring.RULES` (a test checks every form's rule is registered and every hook given).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any, ClassVar, Protocol

from bot.i18n import Translator
from bot.interview.answer import Answer
from bot.interview.schema import Form, Item, RuleModel
from bot.scoring.levels import rounded
from bot.wording import Line


class Evaluation(Protocol):
    """What a rule's evaluate (or running) gives: whatever the rule needs, naming the rule that made it."""

    #: the name of the rule whose hooks show it
    rule: ClassVar[str]


#: the display text of an answer (bot.present.answer_text), passed to the report views so that a rule module
#: does not import the channels' texts
AnswerText = Callable[[Item, Answer | None, Translator], str]


@dataclass(frozen=True)
class Rule:
    #: the `rule:` a form's scoring names
    name: str
    #: the pydantic model of the form's `scoring:` (derived from bot.interview.schema.RuleModel)
    model: type[RuleModel]
    #: load-time checks of the model against its form: raise FormError(path, …) naming what is wrong
    check: Callable[[Form, str], None]
    #: the form's evaluation of the answers shown (hidden items' answers already left out)
    evaluate: Callable[[Form, Mapping[str, Answer]], Evaluation]
    #: the items whose answers move the score
    scored_items: Callable[[Form], frozenset[str]]
    #: the cheap figures shown after each answer (None: the rule shows none while answering)
    running: Callable[[Form, Mapping[str, Answer]], Evaluation | None]
    #: the evaluation as JSON-ready data (`python -m bot score`)
    to_json: Callable[[Form, Any], dict[str, Any]]
    #: answers read from JSON as the rule's source writes them, made the form's (option keys "C" → "c")
    prepare_answers: Callable[[Form, Any], Any]
    #: the running line after an answer, or a finished evaluation's score line on the review screen ("": none)
    score_line: Callable[[Any, Translator], str]
    #: the result at submission, in lines (answers: to fill in the form's messages in the person's language)
    result_lines: Callable[[Form, Any, Translator, Mapping[str, Answer] | None], list[Line]]
    #: what the review screen repeats before submitting (a failing gate, a refusal), given the session's answers
    review_warnings: Callable[[Form, Any, Mapping[str, Answer], Translator], list[str]]
    #: the groups an accepted change just made unable to score (told once, when it happens)
    lost_groups: Callable[[Form, Mapping[str, Answer], Any], tuple[str, ...]]
    #: the form's size as the rule's paper counts it ("8 enterprise details, 30 indicators …"); None: questions
    size_line: Callable[[Form, Translator], str | None]
    #: the report context field its view fills (the templates read context.<report_slot>)
    report_slot: str
    #: the report view: (form, evaluation, answers shown, translator, report labels, answer text) → view
    report_view: Callable[[Form, Any, Mapping[str, Answer], Translator, Mapping[str, str], AnswerText], Any]
    #: the enterprise-profile key that receives the level reached at submission ("level<n>"); None: none
    level_profile: Callable[[Form], str | None]
    #: the level an evaluation reached (its number), None for a rule without levels
    level_of: Callable[[Any], int | None]
    #: whether a submitted result closes the way to the interviews the form names next (a refused eligibility)
    blocks_next: Callable[[Any], bool]


#: every hook a Rule has (the registry test checks each is given and callable)
HOOKS: tuple[str, ...] = tuple(f.name for f in fields(Rule) if f.name not in ("name", "model", "report_slot"))


# --- small defaults a rule may use for the hooks it has nothing for ------------------------------------------


def as_given(form: Form, raw: Any) -> Any:
    return raw


def no_figures(form: Form, answers: Mapping[str, Answer]) -> None:
    return None


def no_warnings(form: Form, evaluation: Any, answers: Mapping[str, Answer], tr: Translator) -> list[str]:
    return []


def no_lost_groups(form: Form, answers: Mapping[str, Answer], change: Any) -> tuple[str, ...]:
    return ()


def questions_counted(form: Form, tr: Translator) -> str | None:
    return None


def no_profile(form: Form) -> str | None:
    return None


def no_level(evaluation: Any) -> int | None:
    return None


def never(evaluation: Any) -> bool:
    return False


def num(value: Any) -> float:
    """A figure for JSON: rounded half up to 2 decimals."""
    return float(rounded(value))


def pts(value: Any) -> str:
    """Points as a 2-decimal string (round half up, for display only)."""
    return str(rounded(Fraction(value)))
