"""aiogram imported with its Telegram types built when first used, not all at import.

`import aiogram` builds the pydantic schema of every one of its ~450 Telegram types (aiogram/types/__init__.py
calls `model_rebuild` on each, with a namespace holding all of them, because their annotations name each other
through imports made only for type checkers): 2.7 s and 100 MB of a process that uses a few dozen.  The types are
declared `defer_build`, so pydantic builds each one the first time it validates or serialises; it only needs
to resolve those names then.  Here the bulk rebuild is skipped during the import, and the namespace it would
have used is given to every module of aiogram.types and aiogram.methods (names those modules do not define
themselves only), where pydantic's deferred build looks them up.  The models and their validation are the same;
the first update pays for building the types it meets (Update, Message, the methods the bot calls: ~70 ms).

`load()` must run before anything imports aiogram (this package's __init__ calls it); when aiogram was imported
before (a test, a benchmark), it changes nothing.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel


def load() -> None:
    if "aiogram" in sys.modules:
        return
    original = BaseModel.__dict__["model_rebuild"]
    names: dict[str, Any] = {}

    def deferred(cls: type[BaseModel], *args: Any, **kwargs: Any) -> bool | None:
        namespace = kwargs.get("_types_namespace")
        if namespace is not None and cls.__module__.startswith("aiogram.types."):
            names.update(namespace)  # the bulk rebuild of aiogram/types/__init__.py: kept for later
            return None
        # anything else (and whatever arguments a later pydantic adds) goes to pydantic's own rebuild
        result: bool | None = original.__func__(cls, *args, **kwargs)
        return result

    BaseModel.model_rebuild = classmethod(deferred)  # type: ignore[assignment,method-assign]
    try:
        import aiogram  # noqa: F401
    finally:
        BaseModel.model_rebuild = original  # type: ignore[method-assign]
    for name, module in list(sys.modules.items()):
        if module is not None and name.startswith(("aiogram.types.", "aiogram.methods.")):
            found = vars(module)
            for key, value in names.items():
                found.setdefault(key, value)
