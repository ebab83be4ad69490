"""The one boundary every typed text passes (both channels, staff commands), and the one place a number a person
typed becomes an int.

`clean` runs before anything else looks at a text: it caps the length (so no pattern ever runs over more than a
few kilobytes), composes it to Unicode NFC, drops C0/C1 control characters (keeping tab and newline only where
the text may have lines; a carriage return becomes a newline), lone surrogates and non-characters, and every
*hidden* character: the format controls (Unicode category Cf: bidirectional overrides and isolates such as U+202E
and U+2066, zero-width spaces and joiners, the soft hyphen, tag characters) and the fillers that look like nothing
(Hangul fillers U+3164…, the blank braille pattern U+2800, the object replacement U+FFFC).  Whatever it returns
can be stored in every database and written into every PDF, Word and Excel file, and shows as what it says: no
stored text, document or file name can be reordered by a bidi control.  A hidden or control character between
two digits is not dropped but becomes U+FFFD, so "1\x002" never reads as 12: every number kind refuses it, and
free text shows where it was.

`visible` tells whether a text has anything to see (a letter, digit, punctuation or symbol): an answer made only
of marks, spaces, private-use or unassigned code points is no answer.

`typed_int` is every Unicode-digit rule in one function: ASCII and full-width digits form numbers; a circled or
parenthesised number (①, ⑵, ❸, ⒋) as a whole token means that number (input methods offer them as option
numbers); everything else that Python calls a digit (², ٣, ߃) is not a number here.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["HIDDEN", "MAX_READ", "MAX_TYPED", "clean", "typed_int", "visible"]

#: the longest text kept from one message (Telegram's own limit for a message's text)
MAX_TYPED = 4096
#: what a channel reads of one message or line at most: far more than any answer may be, so a longer text stays
#: longer than MAX_TYPED after the boundary and is refused whole (never cut, then read as something shorter)
MAX_READ = 1 << 20
#: digits beyond this are not a number any person means (ids, option numbers, counts)
MAX_DIGITS = 30

_NEWLINE_RE = re.compile("\r\n|[\r\u2028\u2029\x85]")
#: the format controls, Unicode category Cf (as of Unicode 15; a test checks the running Python's database), with
#: the whole tag block (U+E0000–U+E007F)
FORMAT = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
          "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
          "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f")
#: characters that show as nothing although they are letters or symbols: the combining grapheme joiner, the Hangul
#: fillers, the Khmer inherent vowels, the blank braille pattern, the object replacement character
FILLERS = "\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0\u2800\ufffc"
#: C0 and C1 controls (but tab and newline), DEL, lone surrogates and the non-characters U+FFFE / U+FFFF
CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
#: every character `clean` removes (as a regular-expression class body)
HIDDEN = CONTROLS + FORMAT + FILLERS
_HIDDEN_RE = re.compile(f"[{HIDDEN}]")
_BETWEEN_DIGITS_RE = re.compile(f"(?<=\\d)[{HIDDEN}]+(?=\\d)")
_LINE_CONTROL_RE = re.compile("[\t\n]")
#: what stands where a hidden character separated two digits
SEPARATED = "\ufffd"


def clean(text: str, *, lines: bool = False, limit: int = MAX_TYPED) -> str:
    """The typed text as every later step may see it (see the module docstring).

    `lines`: tab and newline are kept (free-text answers); otherwise they become spaces.  `limit`: at most this
    many characters are kept — the caller decides whether a longer text is refused (it is, for answers).
    """
    if len(text) > limit:
        text = text[:limit]
    text = _NEWLINE_RE.sub("\n", text)
    if _HIDDEN_RE.search(text):
        text = _HIDDEN_RE.sub("", _BETWEEN_DIGITS_RE.sub(SEPARATED, text))
    if not lines:
        text = _LINE_CONTROL_RE.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if _HIDDEN_RE.search(text):  # NFC never makes them, but keep the promise explicit
            text = _HIDDEN_RE.sub("", text)
    return text


_VISIBLE_CATEGORIES = frozenset("LNPS")
_FILLER_SET = frozenset(FILLERS)


def visible(text: str) -> bool:
    """Whether `text` has a character that shows: a letter, digit, punctuation or symbol other than a filler (not
    only spaces, combining marks, format controls, private-use or unassigned code points)."""
    return any(unicodedata.category(ch)[0] in _VISIBLE_CATEGORIES and ch not in _FILLER_SET for ch in text)


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
