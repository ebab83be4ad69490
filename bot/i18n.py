"""Translations: Babel catalogs under locales/, two domains.

- `messages`: the interface's own strings, written in English in the code and translated to Chinese
  (locales/zh/LC_MESSAGES/messages.po).
- `forms`: the interviews' texts, written in Chinese in bot/forms/*.yaml (as printed in the source documents)
  and translated to English (locales/en/LC_MESSAGES/forms.po).

Compiled .mo files are built by the install and test commands (`pybabel compile`); when one is missing or older
than its .po, the .po is read instead, so a fresh checkout never shows untranslated text.
"""

from __future__ import annotations

import gettext
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LANG = "zh"


def _languages() -> tuple[str, ...]:
    """The languages are the folders under locales/ (`pybabel init -l xx` adds one); the default comes first."""
    folders = LOCALES_DIR.iterdir() if LOCALES_DIR.is_dir() else iter(())
    found = sorted(d.name for d in folders if (d / "LC_MESSAGES").is_dir())
    return (DEFAULT_LANG, *(lang for lang in found if lang != DEFAULT_LANG))


LANGUAGES = _languages()


@lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """A language's own name for itself ("中文", "English"), as a language picker shows it (from Babel's data)."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(code).get_display_name(code) or code)
    except (ValueError, UnknownLocaleError):
        return code


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; it is translated where it is shown."""
    return message


def P_(context: str, message: str) -> str:
    """Like N_, for a text that reads differently in one context (a report heading "Answer" is not the chat's
    "Answer"): translated with `Translator.pui(context, message)`."""
    return message


def known_lang(code: str | None) -> str | None:
    """The supported language a Telegram language_code, a CLI flag or a typed name means ('zh-hans', 'en-US',
    '中文', 'English'); None when it is none of them."""
    if not code:
        return None
    code = code.strip().lower()
    code = _names().get(code, code)
    prefix = code.replace("_", "-").split("-", 1)[0]
    return prefix if prefix in LANGUAGES else None


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Names a person may type for a language, lower-cased → its code (built once: Translators are made per update)."""
    return {"english": "en", "英文": "en", "chinese": "zh", "汉语": "zh",
            **{language_name(lang).lower(): lang for lang in LANGUAGES}}


def normalise_lang(code: str | None) -> str:
    """Map a Telegram language_code or a CLI flag to a supported language (the default when it is none)."""
    return known_lang(code) or DEFAULT_LANG


@lru_cache(maxsize=8)
def _catalog(lang: str, domain: str) -> gettext.NullTranslations:
    folder = LOCALES_DIR / lang / "LC_MESSAGES"
    mo, po = folder / f"{domain}.mo", folder / f"{domain}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po.exists():
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        buf = BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        return gettext.GNUTranslations(buf)
    return gettext.NullTranslations()


class Translator:
    """Texts in one language.  `ui` for interface strings, `form` for interview texts."""

    def __init__(self, lang: str) -> None:
        self.lang = normalise_lang(lang)

    def ui(self, message: str, **params: Any) -> str:
        text = message if self.lang == "en" else _catalog(self.lang, "messages").gettext(message)
        return text.format(**params) if params else text

    def pui(self, context: str, message: str, **params: Any) -> str:
        """An interface string marked with P_(context, message)."""
        text = message if self.lang == "en" else _catalog(self.lang, "messages").pgettext(context, message)
        return text.format(**params) if params else text

    def form(self, text: str | None) -> str:
        if text is None:
            return ""
        return text if self.lang == "zh" else _catalog(self.lang, "forms").gettext(text)

    def unit(self, unit: str, value: Any) -> str:
        """A form's unit after a number: its translation, which may give the singular and the plural as "one|many"
        ("person|persons": 1 person, 2 persons, 1.5 persons)."""
        text = self.form(unit)
        one, bar, many = text.partition("|")
        if not bar:
            return text
        try:
            return one if Decimal(str(value)) == 1 else many
        except ArithmeticError:
            return many
