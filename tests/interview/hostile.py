"""Hostile and unusual text, as hypothesis strategies per field type (shared by the property test and
benchmarks/fuzz.py): every Unicode plane, control characters, RTL and zero-width marks, emoji, 4 KB and 64 KB
strings, huge and tiny numbers, impossible dates, HTML, SQL-looking text, and what Chinese input methods make."""

from __future__ import annotations

from hypothesis import strategies as st

from bot.interview.schema import Item

CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)])
MARKS = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u2060"
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


def hostile_text(item: Item | None = None) -> st.SearchStrategy[str]:
    """Text for `item`: the general hostile mix, plus numbers or dates where the item takes them."""
    parts = [st.sampled_from(FIXED), _any_text(40), _mixed, _long, _numbers]
    kind = getattr(item, "type", "")
    if kind in ("date", "year_month"):
        parts.append(_dates)
    return st.one_of(*parts)
