"""The one boundary every typed text passes (both channels, staff commands), and the one place a number a person
typed becomes an int.

`clean` runs before anything else looks at a text: it caps the length (so no pattern ever runs over more than a
few kilobytes), composes it to Unicode NFC, drops C0/C1 control characters (keeping tab and newline only where
the text may have lines; a carriage return becomes a newline), lone surrogates and non-characters.  Whatever it
returns can be stored in every database and written into every PDF, Word and Excel file.

`typed_int` is every Unicode-digit rule in one function: ASCII and full-width digits form numbers; a circled or
parenthesised number (①, ⑵, ❸, ⒋) as a whole token means that number (input methods offer them as option
numbers); everything else that Python calls a digit (², ٣, ߃) is not a number here.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_READ", "MAX_TYPED", "clean", "typed_int"]

#: the longest text kept from one message (Telegram's own limit for a message's text)
MAX_TYPED = 4096
#: what a channel reads of one message or line at most: far more than any answer may be, so a longer text stays
#: longer than MAX_TYPED after the boundary and is refused whole (never cut, then read as something shorter)
MAX_READ = 1 << 20
#: digits beyond this are not a number any person means (ids, option numbers, counts)
MAX_DIGITS = 30

_NEWLINE_RE = re.compile("\r\n|[\r\u2028\u2029\x85]")
# C0 and C1 controls, DEL, lone surrogates, and the non-characters U+FFFE / U+FFFF
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_CONTROL_RE = re.compile("[\t\n]")


def clean(text: str, *, lines: bool = False, limit: int = MAX_TYPED) -> str:
    """The typed text as every later step may see it (see the module docstring).

    `lines`: tab and newline are kept (free-text answers); otherwise they become spaces.  `limit`: at most this
    many characters are kept — the caller decides whether a longer text is refused (it is, for answers).
    """
    if len(text) > limit:
        text = text[:limit]
    text = _NEWLINE_RE.sub("\n", text)
    text = _CONTROL_RE.sub("", text)
    if not lines:
        text = _LINE_CONTROL_RE.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if _CONTROL_RE.search(text):  # NFC never makes controls, but keep the promise explicit
            text = _CONTROL_RE.sub("", text)
    return text


# ① … ⑳ (U+2460–2473), ⑴ … ⒇ (U+2474–2487), ⒈ … ⒛ (U+2488–249B), ⓪ (U+24EA), ⓫ … ⓴ (U+24EB–24F4),
# ⓵ … ⓾ (U+24F5–24FE), ❶ … ❿ (U+2776–277F), ➀ … ➉ (U+2780–2789), ➊ … ➓ (U+278A–2793), ㉑ … ㉟ and ㊱ … ㊿
_ENCLOSED: dict[str, int] = {}
for _start, _first, _count in ((0x2460, 1, 20), (0x2474, 1, 20), (0x2488, 1, 20), (0x24EB, 11, 10),
                               (0x24F5, 1, 10), (0x2776, 1, 10), (0x2780, 1, 10), (0x278A, 1, 10),
                               (0x3251, 21, 15), (0x32B1, 36, 15)):
    for _i in range(_count):
        _ENCLOSED[chr(_start + _i)] = _first + _i
_ENCLOSED["\u24ea"] = 0
_FULLWIDTH_DIGITS = {0xFF10 + d: str(d) for d in range(10)}
_SPACES = " \t\u3000\u00a0\u200b\ufeff"


def typed_int(text: str, *, max_digits: int = MAX_DIGITS) -> int | None:
    """The whole number `text` means, or None when it is not one.

    Surrounding spaces (also the ideographic space) are ignored; digits are ASCII or full-width (mixed is fine,
    "１2" is 12); a single enclosed number ("①", "⑫", "⒊") is that number; more than `max_digits` digits is not
    a number.  No sign, no grouping: option numbers, session ids and entry numbers are plain counts.
    """
    token = text.strip(_SPACES)
    if len(token) == 1 and token in _ENCLOSED:
        return _ENCLOSED[token]
    if not token or len(token) > max_digits:
        return None
    ascii_token = token.translate(_FULLWIDTH_DIGITS)
    if not ascii_token or not ascii_token.isascii() or not ascii_token.isdigit():
        return None
    return int(ascii_token)
