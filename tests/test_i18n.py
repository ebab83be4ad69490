"""Translation catalogs: complete, and every translation keeps its placeholders and HTML tags.

The catalogs are compared with a fresh extraction of the code and the form files, so a new string that nobody
translated fails here rather than showing English to a Chinese user.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, Translator

REPO = Path(__file__).resolve().parents[1]
CATALOGS = [("zh", "messages"), ("en", "forms")]
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|\{\{\s*[\w.|() ]+\s*\}\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def catalog(lang: str, domain: str):  # type: ignore[no-untyped-def]
    with (LOCALES_DIR / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize(("lang", "domain"), CATALOGS)
def test_every_translation_keeps_placeholders_and_tags(lang: str, domain: str) -> None:
    for message in catalog(lang, domain):
        if not message.id:
            continue
        assert message.string, f"{domain}/{lang}: untranslated {message.id!r}"
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id
        assert sorted(TAG.findall(message.id)) == sorted(TAG.findall(message.string)), message.id


@pytest.mark.parametrize(("lang", "domain"), CATALOGS)
def test_catalogs_compile_without_errors(lang: str, domain: str) -> None:
    """Babel's own checks (what `compile` reports as errors, e.g. a msgid taken for a %-format whose translation
    has other placeholders): the install compiles the catalogs and must not print an error."""
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog(lang, domain).check()]
    assert not problems, problems[:5]


@pytest.mark.parametrize(("lang", "domain", "config", "source"),
                         [("zh", "messages", "babel-messages.cfg", "bot"), ("en", "forms", "babel-forms.cfg",
                                                                             "bot/forms")])
def test_catalog_covers_everything_extracted(lang: str, domain: str, config: str, source: str,
                                             tmp_path: Path) -> None:
    pot = tmp_path / f"{domain}.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", config, "-k", "ui", "-k",
                    "N_", "-k", "P_:1c,2", "-k", "pui:1c,2", "--no-location", "-o", str(pot), source], cwd=REPO,
                   check=True, capture_output=True)
    with pot.open("rb") as fh:
        wanted = {(m.context, m.id) for m in read_po(fh) if m.id}
    have = {(m.context, m.id) for m in catalog(lang, domain) if m.id and m.string}
    assert not wanted - have, f"not translated in {domain}/{lang}: {sorted(wanted - have)[:10]}"


def test_report_headings_come_from_the_catalog_in_their_own_context() -> None:
    """One mechanism for every text: report headings are catalog entries (context "report"), and a heading may
    read otherwise than the same English word in a chat."""
    from bot.rendering.context import LABEL_TEXTS

    zh = Translator("zh")
    assert zh.pui("report", LABEL_TEXTS["dimension"]) == "一级指标"
    assert zh.ui("Dimension") != zh.pui("report", "Dimension")
    assert all(zh.pui("report", text) != text or not text.strip(" ():") for text in LABEL_TEXTS.values())


def test_translator_switches_language() -> None:
    assert Translator("zh").ui("Yes") != Translator("en").ui("Yes")
    assert Translator("en").form("以上均无") == "None of the above"
    assert Translator("zh").form("以上均无") == "以上均无"


def test_the_languages_are_the_folders_under_locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`pybabel init -l xx` is all a new language needs to be offered: the picker, the /lang menu and the command
    menus read the folders (each language named in its own words, from Babel's data)."""
    import bot.i18n as i18n
    from bot.dialogs.telegram.commands import menu

    for code in ("en", "zh", "ru"):
        (tmp_path / code / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "messages.pot").touch()  # a file is not a language
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    assert i18n._languages() == ("zh", "en", "ru")
    assert [i18n.language_name(c) for c in ("zh", "en", "ru")] == ["中文", "English", "русский"]
    assert i18n.language_name("xx-not-a-language") == "xx-not-a-language"
    lang_entry = next(c for c in menu(Translator("zh")) if c.command == "lang")
    assert lang_entry.description == "语言：" + " / ".join(i18n.language_name(c) for c in i18n.LANGUAGES)
