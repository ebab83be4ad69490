"""Conditions (`show_if`) and computed values, written as Jinja2 expressions and run in Jinja2's sandbox.

No Python `eval`: an expression can read the answers (by item id) and call the few filters Jinja2 ships; it
cannot reach attributes of Python objects beyond what the sandbox allows.  An expression that fails on missing
data (an unanswered item compared with a number, say) is simply false.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import TemplateSyntaxError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.interview.classify import above_designated_size, size_class

_ENV = ImmutableSandboxedEnvironment(autoescape=True)
#: the functions a form's expressions may call (pure, from bot/classify.py)
FUNCTIONS: dict[str, Callable[..., Any]] = {"classify_size": size_class,
                                            "is_above_designated_size": above_designated_size}
_ENV.globals.update(FUNCTIONS)
#: plain-text messages (checks, eligibility reasons): the channel escapes them for its own markup
_TEXT_ENV = ImmutableSandboxedEnvironment(autoescape=False)
_TEXT_ENV.globals.update(FUNCTIONS)

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


@lru_cache(maxsize=1024)
def names_in(source: str) -> frozenset[str]:
    """The variable names an expression reads (for the loader's dangling-reference check)."""
    try:
        ast = _ENV.parse("{{ " + source + " }}")
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"cannot parse {source!r}: {exc.message}") from exc
    return frozenset(meta.find_undeclared_variables(ast)) - set(FUNCTIONS)


@lru_cache(maxsize=1024)
def names_in_template(source: str) -> frozenset[str]:
    """The variable names a message template reads."""
    try:
        ast = _TEXT_ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"cannot parse {source!r}: {exc.message}") from exc
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
