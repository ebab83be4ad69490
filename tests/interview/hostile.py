"""Hostile and unusual text, as hypothesis strategies per field type (shared by the property test and
benchmarks/fuzz.py): every Unicode plane, control characters, RTL and zero-width marks, emoji, 4 KB and 64 KB
strings, huge and tiny numbers, impossible dates, HTML, SQL-looking text, and what Chinese input methods make.

Issue 22 added the invisible and format classes (INVISIBLE: text with nothing to see, which no kind may take;
BIDI and FORMAT laced into visible text, which may be taken but never stored) and the digits of other scripts
(FOREIGN_DIGITS: no number, phone, code or account may be read from them)."""

from __future__ import annotations

from hypothesis import strategies as st

from bot.interview.schema import Item

CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)])
MARKS = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u2060"
#: the bidirectional controls: embeddings, overrides, isolates, marks
BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: other format controls (Unicode category Cf) and the fillers that show as nothing
FORMAT = ("\u00ad\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u0600\u06dd\ufff9\ufffb"
          "\U000110bd\U0001d173\U000e0001\U000e0041\U000e007f\u3164\u115f\u1160\uffa0\u2800\ufffc\u034f")
#: characters that are not format controls but show nothing on their own: combining marks, private use, spaces,
#: variation selectors, unassigned code points
NOTHING_TO_SEE = ("\u0301\u0308\u20dd\u0489\ue000\uf8ff\U000f0000\U0010fffd\u2000\u2003\u3000\u00a0\ufe0f"
                  "\U000e0100\u0378\U0002fffd")
#: every character a text made "only of invisible characters" is made of
INVISIBLE = BIDI + FORMAT + NOTHING_TO_SEE + "\x00\x01\x1b\x7f\x85\x9f\t\n "
#: digits of other scripts and digit-like symbols: circled, parenthesised, superscript, Arabic-Indic, Devanagari,
#: Thai, mathematical, fraction-like (full-width digits are what Chinese input methods type: they are read)
FOREIGN_DIGITS = ("①②③④⑤⑥⑦⑧⑨⑩⑴⒈❶➀²³¹⁰⁴⁵⁶⁷⁸⁹₀₁₂٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२३४५६७८९๐๑๒๓๔๕๖๗๘๙"
                  "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡߀߁߂߃᠐᠑᠒᠓〇一二三")
IME = "０１２３４５６７８９①②③④⑤⑩⑳⑴⒈❶²³¹٣߃，。、；：（）％　—－"
EMOJI = "😀👍🏽👨‍👩‍👧‍👦🇨🇳🧧"
FIXED = [
    "", " ", "\u3000", "1" + " " * 4094 + "1", "1" + " " * 65_534 + "万", "0571-8525 7095" + " " * 3000 + "转1",
    "<b>粗体</b>", "<script>alert(1)</script>", "</code><a href='x'>", "&amp;&lt;&#0;", "'; DROP TABLE users; --",
    "\" OR 1=1 --", "{{ 7*7 }}", "{0.__class__}", "%s%s%n", "\x00", "\x01测试", "\u202e12", "1\u200b2",
    "1" + "0" * 308, "9" * 4000, "-" + "9" * 40, "1e308", "NaN", "Infinity", "0.000000000000000000000000000001",
    "12.0000000000000000000000000000001%", "1.2亿", "82.5元", "100万万", "2024.5.32", "0001-01-01", "9999-12",
    "9999-12-31", "2024-02-30", "2024年13月1日", "20241301", "①", "²", "1 ²", "１２３", "⑳", "99999999999999999999",
    "😀" * 2048, "a" * 4096, "a" * 65_536, "\n" * 100, "是", "否", "yes", "１", "+86 138 0013 8000",
    "91330100716105852F", "91330100716105852E", "913301007161058５２F", "test@例子.中国", "a@b", "310000",
    "1\x002", "1\u200b2", "\u200e", "\u202e", "\u2066\u2069", "\u0301", "\u3164", "\u2800", "\u00ad", "\ufffc",
    "\ue000", "\U000e0041\U000e0042", "服务合同-\u202excod.exe", "①②③④⑤⑥⑦", "٦٢٢٢٠٢٠٢", "๑๒๓๔๕๖", "¹²³⁴⁵⁶", "𝟏𝟐𝟑𝟒𝟓𝟔",
]


def _any_text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(st.characters(codec=None, exclude_categories=()), max_size=max_size)


_mixed = st.text(st.sampled_from(CONTROLS + MARKS + IME + EMOJI + "0123456789 .-/%万元亿年月日x#转"), max_size=60)
_numbers = st.one_of(
    st.integers(min_value=-10**400, max_value=10**400).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.builds(lambda a, b, u: f"{a}.{b}{u}", st.integers(0, 10**30), st.integers(0, 10**30),
              st.sampled_from(["", "%", "万", "万元", "亿", "元", " 万元", "千万", "k"])),
)
_dates = st.builds(lambda y, m, d, sep: f"{y}{sep}{m}{sep}{d}", st.integers(-10, 100_000), st.integers(-1, 100),
                   st.integers(-1, 100), st.sampled_from(["-", "/", ".", "", " "]))
_long = st.builds(lambda c, n: c * n, st.sampled_from([" ", "1", "😀", "\u3000", "a", "\x01", "万", "<"]),
                  st.sampled_from([4095, 4096, 4097, 65_536]))


#: a text with nothing to see
invisible_text = st.text(st.sampled_from(INVISIBLE), min_size=1, max_size=24)
#: visible text with bidi and other format controls anywhere in it
laced_text = st.builds(lambda parts, hidden: "".join(p + h for p, h in zip(parts, hidden, strict=False)),
                       st.lists(st.sampled_from(["公司", "1", "2024-03", "杭州", "a", "9133", "0571", "exe", "."]),
                                min_size=1, max_size=6),
                       st.lists(st.text(st.sampled_from(BIDI + FORMAT), min_size=1, max_size=3), min_size=1,
                                max_size=6))
#: a number written in the digits of other scripts (or mixed with ASCII ones)
foreign_digits = st.builds(lambda a, b: a + b, st.text(st.sampled_from(FOREIGN_DIGITS), min_size=1, max_size=12),
                           st.text(st.sampled_from("0123456789 -"), max_size=8))


def hostile_text(item: Item | None = None) -> st.SearchStrategy[str]:
    """Text for `item`: the general hostile mix, plus numbers or dates where the item takes them."""
    parts = [st.sampled_from(FIXED), _any_text(40), _mixed, _long, _numbers, invisible_text, laced_text,
             foreign_digits]
    kind = getattr(item, "type", "")
    if kind in ("date", "year_month"):
        parts.append(_dates)
    return st.one_of(*parts)
