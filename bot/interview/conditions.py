"""Conditions (`show_if`) and computed values, written as Jinja2 expressions and run in Jinja2's sandbox.

No Python `eval`: an expression can read the answers (by item id) and call the few filters Jinja2 ships; it
cannot reach attributes of Python objects beyond what the sandbox allows.  An expression that fails on missing
data (an unanswered item compared with a number, say) is simply false.

Digits: `x is ascii_digits` is true for a non-empty text of the digits 0–9 only; the filter `halfwidth` turns
what Chinese input methods type in full width (１２３, －, the ideographic space) into ASCII first.  Python's
`isdigit`, `isnumeric` and `isdecimal` are refused when a form is loaded: they take ①②③, superscripts and the
digits of every script (٣, ๓) for digits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.interview.classify import above_designated_size, size_class

#: full-width ASCII (！ to ～) and the ideographic space, as Chinese input methods type them, to ASCII
_HALFWIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: ord(" ")}
#: Python's digit tests, which take any script's digits, ①② and superscripts for digits
UNICODE_DIGIT_TESTS = frozenset({"isdigit", "isnumeric", "isdecimal"})


def ascii_digits(value: Any) -> bool:
    """A non-empty text of the digits 0–9 and nothing else."""
    return isinstance(value, str) and value != "" and value.isascii() and value.isdigit()


def halfwidth(value: Any) -> Any:
    """Full-width ASCII and the ideographic space as ASCII (other values as they are)."""
    return value.translate(_HALFWIDTH) if isinstance(value, str) else value


_ENV = ImmutableSandboxedEnvironment(autoescape=True)
#: the functions a form's expressions may call (pure, from bot/classify.py)
FUNCTIONS: dict[str, Callable[..., Any]] = {"classify_size": size_class,
                                            "is_above_designated_size": above_designated_size}
#: the tests (`x is NAME`) and filters (`x | NAME`) added to Jinja2's own
TESTS: dict[str, Callable[..., Any]] = {"ascii_digits": ascii_digits}
FILTERS: dict[str, Callable[..., Any]] = {"halfwidth": halfwidth}
_ENV.globals.update(FUNCTIONS)
_ENV.tests.update(TESTS)
_ENV.filters.update(FILTERS)
#: plain-text messages (checks, eligibility reasons): the channel escapes them for its own markup
_TEXT_ENV = ImmutableSandboxedEnvironment(autoescape=False)
_TEXT_ENV.globals.update(FUNCTIONS)
_TEXT_ENV.tests.update(TESTS)
_TEXT_ENV.filters.update(FILTERS)

Expression = Callable[..., Any]


class ExpressionError(ValueError):
    pass


@lru_cache(maxsize=512)
def compile_expression(source: str) -> Expression:
    """Compile once; raises ExpressionError with Jinja's message on a syntax error."""
    try:
        return _ENV.compile_expression(source)
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"cannot parse {source!r}: {exc.message}") from exc


def _refuse_unicode_digit_tests(source: str, ast: nodes.Template) -> None:
    for node in ast.find_all(nodes.Getattr):
        if node.attr in UNICODE_DIGIT_TESTS:
            raise ExpressionError(f"{source!r} calls {node.attr}(), which takes ①②③, superscripts and every "
                                  "script's digits for digits: use `is ascii_digits` (after `| halfwidth`)")


@lru_cache(maxsize=1024)
def names_in(source: str) -> frozenset[str]:
    """The variable names an expression reads (for the loader's dangling-reference check); ExpressionError for
    one that does not parse or calls a Unicode digit test."""
    try:
        ast = _ENV.parse("{{ " + source + " }}")
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"cannot parse {source!r}: {exc.message}") from exc
    _refuse_unicode_digit_tests(source, ast)
    return frozenset(meta.find_undeclared_variables(ast)) - set(FUNCTIONS)


@lru_cache(maxsize=1024)
def names_in_template(source: str) -> frozenset[str]:
    """The variable names a message template reads."""
    try:
        ast = _TEXT_ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"cannot parse {source!r}: {exc.message}") from exc
    _refuse_unicode_digit_tests(source, ast)
    return frozenset(meta.find_undeclared_variables(ast)) - set(FUNCTIONS)


def value_of(source: str, values: Mapping[str, Any]) -> Any:
    """Evaluate an expression for its value (a computed field); None when the data do not allow it."""
    try:
        result = compile_expression(source)(**values)
    except Exception:
        return None
    return None if result is None or type(result).__name__ == "Undefined" else result


def render_message(source: str, values: Mapping[str, Any]) -> str:
    """Fill a message template (plain text) with answers and computed values."""
    return _TEXT_ENV.from_string(source).render(**values)


def is_true(source: str, values: Mapping[str, Any]) -> bool:
    """Evaluate a condition; errors from missing or mistyped data count as false."""
    try:
        return bool(compile_expression(source)(**values))
    except Exception:
        return False
