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

_ENV = ImmutableSandboxedEnvironment(autoescape=True)

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


def names_in(source: str) -> set[str]:
    """The variable names an expression reads (for the loader's dangling-reference check)."""
    try:
        ast = _ENV.parse("{{ " + source + " }}")
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"cannot parse {source!r}: {exc.message}") from exc
    return set(meta.find_undeclared_variables(ast))


def is_true(source: str, values: Mapping[str, Any]) -> bool:
    """Evaluate a condition; errors from missing or mistyped data count as false."""
    try:
        return bool(compile_expression(source)(**values))
    except Exception:
        return False
