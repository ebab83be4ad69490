"""File names built from a person's text (a provider's name, a district): only characters that cannot disguise
what the file is.

A name typed by a person could carry a bidi override (服务合同-, U+202E, "xcod.exe-2.docx" shows reversed, ending
in ".exe"), right-to-left letters that reorder the digits and dots around them, dots that make a second
extension, path separators or characters some systems refuse.  `safe_part` keeps left-to-right letters (Latin,
Chinese, Japanese, Korean…), the digits 0–9, the hyphen, underscore, parentheses (also the full-width ones Chinese
company names use) and the middle dot; full-width letters and digits become ASCII; runs of anything else become
one space.  Pure.
"""

from __future__ import annotations

import unicodedata

__all__ = ["safe_part"]

#: full-width ASCII and the ideographic space as ASCII
_HALFWIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: ord(" ")}
_KEPT_PUNCTUATION = frozenset("-_()（）·")


def _kept(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch in _KEPT_PUNCTUATION
    if ch in _KEPT_PUNCTUATION:
        return True
    return unicodedata.category(ch)[0] == "L" and unicodedata.bidirectional(ch) == "L"


def safe_part(text: str, limit: int = 40) -> str:
    """`text` as part of a file name: the characters above, at most `limit` of them, "" when none is left."""
    out: list[str] = []
    for ch in text.translate(_HALFWIDTH):
        if _kept(ch):
            out.append(ch)
        elif out and out[-1] != " ":
            out.append(" ")
    return "".join(out).strip()[:limit].strip()
