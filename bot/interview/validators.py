"""Answer validators: "parse or raise".

Every public ``parse_*`` function takes the raw text the user typed plus keyword options and either returns a
normalised Python value or raises :class:`~bot.interview.errors.AnswerError` with a stable snake_case code and
the parameters a translated message needs.  The module is pure: no I/O, no clock (callers pass ``today``),
no floats (decimals are :class:`decimal.Decimal`).

Input normalisation shared by all validators (except :func:`parse_text`, which only strips):

* surrounding whitespace is stripped, including the ideographic space U+3000 and zero-width characters;
* full-width ASCII forms are mapped to ASCII: digits ``０-９``, letters ``Ａ-Ｚ ａ-ｚ``, and punctuation such
  as ``，`` ``％`` ``－`` ``：`` ``（`` ``）`` ``＠``; the ideographic full stop ``。`` becomes ``.``, the
  ideographic space becomes a plain space, and the various Unicode dashes and the minus sign become ``-``.

Error parameters are plain values ready for ``str.format``: numeric bounds are rendered as strings without
exponent (``"0"``, ``"12.5"``), dates as ISO ``"2024-03-11"``, year-months as ``"2024-03"``, lengths and
positions as ``int``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation, localcontext

from bot.interview.errors import AnswerError
from bot.interview.typed import clean, visible

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "CREDIT_CODE_WEIGHTS",
    "credit_code_check_char",
    "credit_code_region",
    "normalize",
    "parse_credit_code",
    "parse_date",
    "parse_decimal",
    "parse_email",
    "parse_integer",
    "parse_landline",
    "parse_mobile",
    "parse_money_wan",
    "parse_percent",
    "parse_phone",
    "parse_postal_code",
    "parse_text",
    "parse_year_month",
    "parse_yes_no",
]

# --------------------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------------------

_FULLWIDTH_TABLE: dict[int, str] = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH_TABLE.update(
    {
        0x3000: " ",  # ideographic space
        0x3002: ".",  # ideographic full stop 。
        0xFF61: ".",  # half-width ideographic full stop ｡
        0x2010: "-",  # hyphen
        0x2011: "-",  # non-breaking hyphen
        0x2012: "-",  # figure dash
        0x2013: "-",  # en dash
        0x2014: "-",  # em dash
        0x2015: "-",  # horizontal bar
        0x2212: "-",  # minus sign
        0xFE63: "-",  # small hyphen-minus
    }
)

_EXTRA_STRIP = "\u200b\u200c\u200d\u2060\ufeff"


def _strip(text: str) -> str:
    """Strip surrounding whitespace (str.isspace, which includes U+3000) and zero-width characters."""
    previous = None
    while previous != text:
        previous = text
        text = text.strip().strip(_EXTRA_STRIP)
    return text


def normalize(text: str) -> str:
    """Control characters dropped and NFC (bot.interview.typed.clean), full-width forms mapped to ASCII (see the
    module docstring), surrounding whitespace stripped."""
    return _strip(clean(text, limit=len(text)).translate(_FULLWIDTH_TABLE))


def _fmt_decimal(value: Decimal) -> str:
    """Render a Decimal for a message: fixed-point, never scientific notation."""
    return format(value, "f")


def _fmt_year_month(value: tuple[int, int]) -> str:
    return f"{value[0]:04d}-{value[1]:02d}"


# --------------------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------------------

# An optional sign, then either plain digits or digits grouped by thousands ("1,200,000"), then an optional
# fraction.  A leading-dot fraction (".5") is accepted.  "1,5" is *not* a number (grouping must be by three),
# so a European decimal comma is never silently read as a thousands separator.
# A lone trailing dot ("100." — often a sentence-ending "。") is ignored.
_INTEGER_RE = re.compile(r"([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\.?")
_DECIMAL_RE = re.compile(r"([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.([0-9]*))?")


def parse_integer(text: str, *, min: int | None = None, max: int | None = None) -> int:
    """Parse a whole number such as ``"42"``, ``"-3"`` or ``"1,200"``.

    Raises ``not_an_integer``, ``number_too_small(min)``, ``number_too_large(max)`` (bounds inclusive).
    """
    cleaned = normalize(text)
    match = _INTEGER_RE.fullmatch(cleaned)
    if match is None:
        raise AnswerError("not_an_integer")
    sign, digits = match.groups()
    try:
        value = int(digits.replace(",", ""))
    except ValueError:  # more digits than int() is willing to convert
        raise AnswerError("not_an_integer") from None
    if sign == "-":
        value = -value
    if min is not None and value < min:
        raise AnswerError("number_too_small", min=str(min))
    if max is not None and value > max:
        raise AnswerError("number_too_large", max=str(max))
    return value


def _parse_decimal_text(cleaned: str, *, places: int | None) -> Decimal:
    match = _DECIMAL_RE.fullmatch(cleaned)
    if match is None:
        raise AnswerError("not_a_number")
    sign, whole, fraction = match.groups()
    if whole is None and not fraction:
        raise AnswerError("not_a_number")
    whole = (whole or "0").replace(",", "")
    fraction = fraction or ""
    if places is not None and len(fraction) > places:
        # Trailing zeros beyond the allowed places do not add precision: "1.500" is fine with places=2.
        trimmed = fraction.rstrip("0")
        if len(trimmed) > places:
            raise AnswerError("too_many_decimals", places=places)
        fraction = fraction[: max(places, len(trimmed))]
    literal = f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"
    try:
        value = Decimal(literal)
    except InvalidOperation:  # pragma: no cover - the regex only lets well-formed literals through
        raise AnswerError("not_a_number") from None
    if value.is_zero():
        value = value.copy_abs()  # no "-0"
    return value


def _check_places(value: Decimal, places: int) -> None:
    exponent = value.normalize().as_tuple().exponent if value else 0
    if isinstance(exponent, int) and -exponent > places:
        raise AnswerError("too_many_decimals", places=places)


def _check_range(
    value: Decimal, *, min: Decimal | None, max: Decimal | None, min_exclusive: bool
) -> None:
    if min is not None:
        if min_exclusive and value <= min:
            raise AnswerError("number_must_exceed", min=_fmt_decimal(min))
        if value < min:
            raise AnswerError("number_too_small", min=_fmt_decimal(min))
    if max is not None and value > max:
        raise AnswerError("number_too_large", max=_fmt_decimal(max))


def parse_decimal(
    text: str,
    *,
    min: Decimal | None = None,
    max: Decimal | None = None,
    places: int | None = None,
    min_exclusive: bool = False,
) -> Decimal:
    """Parse a decimal number such as ``"3.14"``, ``"-0.5"``, ``".5"`` or ``"1,200.75"``.

    ``places`` limits the number of decimals (trailing zeros beyond it are dropped, not refused).
    ``min`` is inclusive unless ``min_exclusive`` is true; ``max`` is inclusive.

    Raises ``not_a_number``, ``too_many_decimals(places)``, ``number_too_small(min)``,
    ``number_must_exceed(min)`` (when ``min_exclusive``), ``number_too_large(max)``.
    """
    value = _parse_decimal_text(normalize(text), places=places)
    _check_range(value, min=min, max=max, min_exclusive=min_exclusive)
    return value


#: units a person may type after an amount asked in 万元, and how many 万元 one of them is
_WAN_UNITS: tuple[tuple[str, int], ...] = (
    ("亿元", 10000), ("亿", 10000), ("千万元", 1000), ("千万", 1000), ("百万元", 100), ("百万", 100),
    ("万元", 1), ("万", 1),
)
#: units that are not 万元: refused, naming the unit asked
_NOT_WAN_UNITS = ("元", "块钱", "块", "rmb", "cny", "yuan")


def _split_unit(cleaned: str) -> tuple[str, str]:
    """The number part and a trailing unit word (no pattern: linear in the input whatever its spaces)."""
    end = len(cleaned)
    while end and not (cleaned[end - 1].isdigit() or cleaned[end - 1] in ".,"):
        end -= 1
    return cleaned[:end].rstrip(), cleaned[end:].strip().casefold()


def parse_money_wan(
    text: str,
    *,
    min: Decimal | None = None,
    max: Decimal | None = None,
    min_exclusive: bool = False,
) -> Decimal:
    """Parse an amount of money in 万元 (ten thousand yuan), at most 2 decimals.

    A trailing ``万元`` or ``万`` is tolerated and removed; ``亿``/``亿元`` (10000 万元), ``千万`` and ``百万`` are
    converted (``"1.2亿"`` is 12000 万元); ``元`` alone is refused with ``money_wrong_unit(unit="万元")``.
    Same codes as :func:`parse_decimal` with ``places=2``.
    """
    number, unit = _split_unit(normalize(text))
    factor = 1
    if unit:
        found = next((f for u, f in _WAN_UNITS if unit == u), None)
        if found is None:
            if unit in _NOT_WAN_UNITS:
                raise AnswerError("money_wrong_unit", unit="万元")
            raise AnswerError("not_a_number")
        factor = found
    value = _parse_decimal_text(number, places=None if factor > 1 else 2)
    if factor > 1:
        with localcontext() as exact:
            exact.prec = 2 * len(text) + 10  # more digits than the text can have: the product is exact
            value = value * factor
    if factor > 1:
        _check_places(value, 2)
    _check_range(value, min=min, max=max, min_exclusive=min_exclusive)
    return value


def parse_percent(
    text: str,
    *,
    min: Decimal = Decimal(0),
    max: Decimal = Decimal(100),
) -> Decimal:
    """Parse a percentage such as ``"12.5"``, ``"12.5%"`` or ``"１２．５％"``; returns the number of percent.

    Raises ``not_a_number``, ``number_too_small(min)``, ``number_too_large(max)`` (bounds inclusive).
    """
    cleaned = normalize(text)
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].rstrip()
    value = _parse_decimal_text(cleaned, places=None)
    _check_range(value, min=min, max=max, min_exclusive=False)
    return value


# --------------------------------------------------------------------------------------------------------------
# Yes / no
# --------------------------------------------------------------------------------------------------------------

_YES = frozenset({"是", "是的", "对", "对的", "有", "有的", "y", "yes", "true"})
_NO = frozenset({"否", "不是", "不对", "没有", "没", "无", "不", "n", "no", "false"})


def parse_yes_no(text: str) -> bool:
    """Parse a yes/no answer: 是/是的/对/有 or y/yes/true → True; 否/不是/不对/没有/无 or n/no/false → False.

    Case-insensitive; trailing ``.``/``!`` are ignored.  Digits are refused on purpose: they are option
    numbers elsewhere in the interview.  Raises ``not_yes_no``.
    """
    cleaned = normalize(text).rstrip(".!").strip().casefold()
    if cleaned in _YES:
        return True
    if cleaned in _NO:
        return False
    raise AnswerError("not_yes_no")


# --------------------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------------------

_DATE_SEP_RE = re.compile(r"([0-9]{4})\s*([-/.])\s*([0-9]{1,2})\s*\2\s*([0-9]{1,2})")
_DATE_CJK_RE = re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]?")
_DATE_COMPACT_RE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")


def parse_date(
    text: str,
    *,
    today: date,
    not_future: bool = False,
    not_before: date | None = None,
    not_after: date | None = None,
) -> date:
    """Parse a calendar date: ``2024-03-11``, ``2024/3/11``, ``2024.3.11``, ``2024年3月11日`` or ``20240311``.

    ``not_future``: the date may not be later than ``today``.  ``not_before``: the earliest allowed date
    (inclusive).

    Raises ``not_a_date`` (unknown format), ``no_such_day(date)`` (a day the calendar does not have, such as
    2023-02-29 or 2024.5.32), ``date_in_future(today)``, ``date_too_early(min)``, ``date_too_late(max)``.
    """
    cleaned = normalize(text)
    parts: tuple[str, str, str] | None = None
    separated = _DATE_SEP_RE.fullmatch(cleaned)
    if separated is not None:
        parts = (separated.group(1), separated.group(3), separated.group(4))
    else:
        other = _DATE_CJK_RE.fullmatch(cleaned) or _DATE_COMPACT_RE.fullmatch(cleaned)
        if other is not None:
            parts = (other.group(1), other.group(2), other.group(3))
    if parts is None:
        raise AnswerError("not_a_date")
    year, month, day = int(parts[0]), int(parts[1]), int(parts[2])
    try:
        value = date(year, month, day)
    except ValueError:
        raise AnswerError("no_such_day", date=f"{year:04d}-{month:02d}-{day:02d}") from None
    if not_future and value > today:
        raise AnswerError("date_in_future", today=today.isoformat())
    if not_before is not None and value < not_before:
        raise AnswerError("date_too_early", min=not_before.isoformat())
    if not_after is not None and value > not_after:
        raise AnswerError("date_too_late", max=not_after.isoformat())
    return value


_YM_SEP_RE = re.compile(r"([0-9]{4})\s*[-/.]\s*([0-9]{1,2})")
_YM_CJK_RE = re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月?")
_YM_COMPACT_RE = re.compile(r"([0-9]{4})([0-9]{2})")


def parse_year_month(
    text: str,
    *,
    today: date | None = None,
    not_future: bool = False,
    not_before: tuple[int, int] | None = None,
    after: tuple[int, int] | None = None,
    not_after: tuple[int, int] | None = None,
) -> tuple[int, int]:
    """Parse a year and month: ``2024-03``, ``2024/3``, ``2024.3``, ``2024年3月`` or ``202403``.

    Returns ``(year, month)``.  Constraints, checked in this order:

    * ``not_future`` (requires ``today``): the month may not be later than today's month
      → ``date_in_future(today="YYYY-MM")``;
    * ``not_before=(y, m)``: inclusive lower bound, the month may equal it → ``date_too_early(min="YYYY-MM")``;
    * ``after=(y, m)``: strict lower bound, for "end after start" checks; the month must be later than the
      given start → ``end_not_after_start(start="YYYY-MM")``.

    Raises ``not_a_year_month`` for an unknown format or a month outside 1–12.
    """
    if not_future and today is None:
        raise ValueError("parse_year_month: not_future=True needs today")
    cleaned = normalize(text)
    m = _YM_SEP_RE.fullmatch(cleaned) or _YM_CJK_RE.fullmatch(cleaned) or _YM_COMPACT_RE.fullmatch(cleaned)
    if m is None:
        raise AnswerError("not_a_year_month")
    year, month = int(m.group(1)), int(m.group(2))
    if year < 1 or not 1 <= month <= 12:
        raise AnswerError("not_a_year_month")
    value = (year, month)
    if not_future and today is not None and value > (today.year, today.month):
        raise AnswerError("date_in_future", today=_fmt_year_month((today.year, today.month)))
    if not_before is not None and value < not_before:
        raise AnswerError("date_too_early", min=_fmt_year_month(not_before))
    if after is not None and value <= after:
        raise AnswerError("end_not_after_start", start=_fmt_year_month(after))
    if not_after is not None and value > not_after:
        raise AnswerError("date_too_late", max=_fmt_year_month(not_after))
    return value


# --------------------------------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------------------------------

_MOBILE_SEPARATORS_RE = re.compile(r"[\s\-()]+")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")


def parse_mobile(text: str) -> str:
    """Parse a mainland China mobile number; returns its 11 digits, e.g. ``"13800138000"``.

    Spaces, dashes and parentheses are ignored; a leading ``+86``, ``0086`` or ``86`` (country code) is removed.

    Raises ``not_a_mobile`` (empty, non-digits, or a foreign ``+`` country code), ``mobile_got_landline`` (it starts
    with an area code's 0), ``mobile_wrong_length(length)`` (number of digits typed, after removing the country
    code), ``mobile_bad_prefix`` (not ``1[3-9]…``).  No refusal suggests a landline: only a mobile is asked.
    """
    compact = _MOBILE_SEPARATORS_RE.sub("", normalize(text))
    if compact.startswith("+"):
        if not compact.startswith("+86"):
            raise AnswerError("not_a_mobile")
        compact = compact[3:]
    elif compact.startswith("0086") and len(compact) == 15:
        compact = compact[4:]
    elif compact.startswith("86") and len(compact) == 13:
        compact = compact[2:]
    if not compact or not compact.isascii() or not compact.isdigit():
        raise AnswerError("not_a_mobile")
    if compact.startswith("0"):  # an area code: a landline where only a mobile is asked
        raise AnswerError("mobile_got_landline")
    if len(compact) != 11:
        raise AnswerError("mobile_wrong_length", length=len(compact))
    if _MOBILE_RE.fullmatch(compact) is None:
        raise AnswerError("mobile_bad_prefix")
    return compact


# Extension introduced by a marker: 转 801, 分机801, ext 801, ext.801, x801, #801.
_EXTENSION_RE = re.compile(r"(?:转|分机|ext\.?|x|#)\s*([0-9]{1,6})$", re.IGNORECASE)
_COUNTRY_PREFIX_RE = re.compile(r"(?:\+|00)86[\s\-]*")
_PAREN_AREA_RE = re.compile(r"\(\s*([0-9]+)\s*\)\s*-?\s*(.*)")
_GROUP_SPLIT_RE = re.compile(r"([\s\-]+)")
# Mainland area codes: 010 and 02x are three digits long, every other one is four (0 + three digits).
_AREA_RE = re.compile(r"0(?:[12][0-9]|[3-9][0-9]{2})")
_SUBSCRIBER_RE = re.compile(r"[2-9][0-9]{6,7}")
_EXT_DIGITS_RE = re.compile(r"[0-9]{1,6}")

#: four-digit area codes whose local numbers all have 8 digits (the cities that moved from 7 to 8 digits; as do
#: every three-digit one, 010 and 02x).  Elsewhere a local number has 7 or 8 digits: a code missing here is not
#: refused, only not checked as closely.
EIGHT_DIGIT_AREAS = frozenset({
    "0311",  # 石家庄
    "0371",  # 郑州
    "0411",  # 大连
    "0431",  # 长春
    "0451",  # 哈尔滨
    "0510", "0512", "0519",  # 无锡, 苏州, 常州
    "0531", "0532",  # 济南, 青岛
    "0551",  # 合肥
    "0571", "0573", "0574", "0575", "0576", "0577", "0579",  # 杭州, 嘉兴, 宁波, 绍兴, 台州, 温州, 金华
    "0591", "0595",  # 福州, 泉州
    "0731",  # 长沙
    "0755", "0757", "0760", "0769",  # 深圳, 佛山, 中山, 东莞
    "0791",  # 南昌
    "0851",  # 贵阳
    "0871",  # 昆明
    "0898",  # 海南
})


def _area_length(digits: str) -> int:
    """Length of the area code a digit string starts with (3 for 010/02x, else 4)."""
    return 3 if len(digits) > 1 and digits[1] in "12" else 4


def local_digits(area: str) -> tuple[int, ...]:
    """How many digits a local number has after `area`: 8 for 010/02x and the codes of EIGHT_DIGIT_AREAS, else
    7 or 8."""
    return (8,) if len(area) == 3 or area in EIGHT_DIGIT_AREAS else (7, 8)


def _local(area: str, digits: str) -> bool:
    return _SUBSCRIBER_RE.fullmatch(digits) is not None and len(digits) in local_digits(area)


def parse_landline(text: str) -> str:
    """Parse a mainland China fixed-line number; returns ``"0571-85257095"`` or ``"0571-85257095-801"``.

    Accepted shapes: ``0571-85257095``, ``(0571)85257095``, ``057185257095``, ``0571 8525 7095``,
    ``010-62345678``, an optional ``+86``/``0086`` country code (the trunk ``0`` is restored), and an optional
    extension either after a marker (``转801``, ``分机 801``, ``ext 801``, ``x801``, ``#801``) or as a last
    dash-separated group when the digits before it already form a complete number (``0571-85257095-801``).

    Area code: ``010``/``02x`` or ``0`` + three digits; subscriber: 7–8 digits not starting with 0 or 1, exactly 8
    where the area's numbers have 8 (``local_digits``); extension: 1–6 digits.  Raises
    ``landline_wrong_length(area, digits, length)`` for a local number one digit short or long for its area, else
    ``landline_bad_format``.
    """
    rest = normalize(text)
    extension: str | None = None
    ext_match = _EXTENSION_RE.search(rest)
    if ext_match is not None:
        extension = ext_match.group(1)
        rest = rest[: ext_match.start()].rstrip().rstrip(" -")

    country = _COUNTRY_PREFIX_RE.match(rest)
    if country is not None:
        rest = rest[country.end() :]
        if rest.startswith("(") and not rest.startswith("(0"):
            rest = "(0" + rest[1:]
        elif rest and not rest.startswith(("0", "(")):
            rest = "0" + rest

    area: str | None = None
    paren = _PAREN_AREA_RE.fullmatch(rest)
    if paren is not None:
        area, rest = paren.group(1), paren.group(2)

    # Split what is left into digit groups, remembering the separator before each group.
    pieces = _GROUP_SPLIT_RE.split(rest)
    groups = pieces[0::2]
    separators = ["", *pieces[1::2]]
    if not rest or not all(g.isascii() and g.isdigit() for g in groups):
        raise AnswerError("landline_bad_format")

    if area is None:
        # A short first group is an explicit area code ("0571 …", "010-…"; checked below); otherwise the
        # leading digits are split by the area-code rule ("057185257095").
        if len(groups) > 1 and len(groups[0]) <= 4:
            area = groups.pop(0)
            separators.pop(0)
            separators[0] = ""
        else:
            joined = "".join(groups)
            length = _area_length(joined)
            area = joined[:length]
            # Re-split the first group so the extension heuristic below still sees the later groups.
            first_rest = groups[0][length:]
            if first_rest:
                groups[0] = first_rest
            else:
                groups.pop(0)
                separators.pop(0)
                if separators:
                    separators[0] = ""

    if _AREA_RE.fullmatch(area) is None or not groups:
        raise AnswerError("landline_bad_format")

    subscriber = "".join(groups)
    if not _local(area, subscriber):
        # "…-801": a final dash-separated group is an extension when the rest is a complete number.
        candidate = "".join(groups[:-1])
        if (
            extension is None
            and len(groups) > 1
            and separators[-1].strip() == "-"
            and _local(area, candidate)
            and _EXT_DIGITS_RE.fullmatch(groups[-1]) is not None
        ):
            subscriber, extension = candidate, groups[-1]
        elif _SUBSCRIBER_RE.fullmatch(subscriber) is not None:  # 7 digits where the area's numbers have 8
            raise AnswerError("landline_wrong_length", area=area, digits=max(local_digits(area)),
                              length=len(subscriber))
        else:
            raise AnswerError("landline_bad_format")

    return f"{area}-{subscriber}-{extension}" if extension else f"{area}-{subscriber}"


def parse_phone(text: str) -> str:
    """Parse a contact number, mobile or landline (联系方式).

    Returns the mobile's 11 digits or the landline's normalised form (see :func:`parse_mobile` and
    :func:`parse_landline`).  Raises ``landline_wrong_length`` for a landline whose local number has the wrong
    length for its area, otherwise ``not_a_phone`` when it is neither.
    """
    try:
        return parse_mobile(text)
    except AnswerError:
        pass
    try:
        return parse_landline(text)
    except AnswerError as exc:
        if exc.code == "landline_wrong_length":  # a landline, one digit short for its area: say exactly that
            raise
        raise AnswerError("not_a_phone") from None


# --------------------------------------------------------------------------------------------------------------
# E-mail, postal code
# --------------------------------------------------------------------------------------------------------------

_EMAIL_LOCAL_RE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_EMAIL_LABEL_RE = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")
_EMAIL_TLD_RE = re.compile(r"[^\W\d_]{2,}|xn--[a-z0-9-]+", re.IGNORECASE)


def parse_email(text: str) -> str:
    """Parse an e-mail address with a pragmatic check; returns it with the domain lower-cased.

    Rules: no whitespace, exactly one ``@``, a local part of at most 64 usual characters (dots not leading,
    trailing or doubled), a domain with at least one dot whose labels are letters/digits/hyphens (Unicode
    letters allowed) and whose last label is at least two letters, total length at most 254.
    Raises ``not_an_email``.
    """
    cleaned = normalize(text)
    if len(cleaned) > 254 or cleaned.count("@") != 1 or any(ch.isspace() for ch in cleaned):
        raise AnswerError("not_an_email")
    local, domain = cleaned.split("@")
    if len(local) > 64 or _EMAIL_LOCAL_RE.fullmatch(local) is None:
        raise AnswerError("not_an_email")
    labels = domain.split(".")
    if len(labels) < 2 or not all(
        len(label) <= 63 and _EMAIL_LABEL_RE.fullmatch(label) is not None for label in labels
    ):
        raise AnswerError("not_an_email")
    if _EMAIL_TLD_RE.fullmatch(labels[-1]) is None:
        raise AnswerError("not_an_email")
    return f"{local}@{domain.lower()}"


_POSTAL_CODE_RE = re.compile(r"[0-9]{6}")


def parse_postal_code(text: str) -> str:
    """Parse a mainland China postal code: exactly 6 digits.  Raises ``postal_code_bad_format``."""
    cleaned = normalize(text)
    if _POSTAL_CODE_RE.fullmatch(cleaned) is None:
        raise AnswerError("postal_code_bad_format")
    return cleaned


# --------------------------------------------------------------------------------------------------------------
# Unified social credit code (统一社会信用代码, GB 32100-2015)
# --------------------------------------------------------------------------------------------------------------

#: The 31 characters a unified social credit code may use (no I, O, Z, S, V); index = numeric value.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: Weights of positions 1–17 (3**i mod 31).
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_VALUES = {ch: i for i, ch in enumerate(CREDIT_CODE_ALPHABET)}


def credit_code_check_char(first17: str) -> str:
    """The 18th (check) character for the first 17 characters of a unified social credit code.

    ``first17`` must be exactly 17 characters of :data:`CREDIT_CODE_ALPHABET` (upper case), otherwise
    ``ValueError`` (a programming error, not a user error).
    """
    if len(first17) != 17 or any(ch not in _CREDIT_CODE_VALUES for ch in first17):
        raise ValueError(f"expected 17 characters of {CREDIT_CODE_ALPHABET!r}, got {first17!r}")
    total = sum(_CREDIT_CODE_VALUES[ch] * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_region(code: str) -> str:
    """The administrative division code (positions 3–8, six digits) of a unified social credit code."""
    region = code[2:8]
    if len(region) != 6 or not region.isascii() or not region.isdigit():
        raise ValueError(f"no administrative division code in {code!r}")
    return region


_CREDIT_CODE_SPACES_RE = re.compile(r"\s+")


def parse_credit_code(text: str) -> str:
    """Parse a unified social credit code (统一社会信用代码); returns its 18 upper-case characters.

    Whitespace anywhere is removed and letters are upper-cased.  Only the 18th character is checked as a
    checksum; the GB 11714 check character of the embedded organisation code (position 17) is deliberately
    not enforced.  Checks and codes, in order:

    * ``credit_code_wrong_length(length)`` — not 18 characters;
    * ``credit_code_bad_character(char, position)`` — first character outside the alphabet (e.g. I, O, Z, S,
      V or punctuation), 1-based position;
    * ``credit_code_bad_region`` — positions 3–8 (administrative division code) are not all digits;
    * ``credit_code_check_outside_org`` — the check fails while positions 9–17 (the embedded organisation code)
      satisfy their own GB 11714 check: a slip there would almost surely break it, so the wrong character is
      most likely among positions 1–8 or the 18th;
    * ``credit_code_bad_checksum`` — the check fails otherwise.  The expected check character is never told: a
      person who mistyped another character would "fix" the last one into a wrong but valid code, and any one
      position can be changed to satisfy the check, so which one is wrong cannot be known in general.
    """
    code = _CREDIT_CODE_SPACES_RE.sub("", normalize(text)).upper()
    if len(code) != 18:
        raise AnswerError("credit_code_wrong_length", length=len(code))
    for position, char in enumerate(code, start=1):
        if char not in _CREDIT_CODE_VALUES:
            raise AnswerError("credit_code_bad_character", char=char, position=position)
    if not code[2:8].isdigit():
        raise AnswerError("credit_code_bad_region")
    if credit_code_check_char(code[:17]) != code[17]:
        if _organisation_code_holds(code[8:17]):
            raise AnswerError("credit_code_check_outside_org")
        raise AnswerError("credit_code_bad_checksum")
    return code


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUES = {ch: i for i, ch in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def _organisation_code_holds(org: str) -> bool:
    """GB 11714: the 9th character of an organisation code checks the first eight (mod 11, 10 → X)."""
    if len(org) != 9 or any(ch not in _ORG_VALUES for ch in org[:8]):
        return False
    remainder = 11 - sum(_ORG_VALUES[ch] * w for ch, w in zip(org[:8], _ORG_WEIGHTS, strict=True)) % 11
    return org[8] == {10: "X", 11: "0"}.get(remainder, str(remainder))


# --------------------------------------------------------------------------------------------------------------
# Free text, a person's name
# --------------------------------------------------------------------------------------------------------------

#: what a name may hold besides letters: the middle dots of minority and transliterated names (阿依古丽·买买提),
#: spaces, hyphens, apostrophes and the full stop of an initial (J. Smith)
_NAME_MARKS = frozenset(" ·•・‧.-'’")
_SPACES_RE = re.compile(r"\s+")


def parse_person_name(text: str, *, max_length: int = 50) -> str:
    """A person's name (法定代表人, 联系人): letters of any script — Chinese characters, Latin letters — with the
    marks of `_NAME_MARKS` between them; no digit, no other sign (a phone number typed in the wrong place, an
    e-mail address).  Runs of spaces become one.  Raises ``text_empty``, ``text_too_long(max, length)``,
    ``not_a_person_name``.
    """
    name = _SPACES_RE.sub(" ", normalize(text))
    if not name:
        raise AnswerError("text_empty")
    if len(name) > max_length:
        raise AnswerError("text_too_long", max=max_length, length=len(name))
    letters = sum(1 for ch in name if unicodedata.category(ch).startswith("L"))
    if not letters or letters + sum(1 for ch in name if ch in _NAME_MARKS) != len(name):
        raise AnswerError("not_a_person_name")
    return name



def parse_text(text: str, *, max_length: int | None = None, min_length: int = 1) -> str:
    """Accept free text; surrounding whitespace is stripped, control and format characters (but tab and newline)
    dropped, and the text composed to NFC (bot.interview.typed.clean); nothing else inside is changed.

    Length is ``len()`` of the stripped string (characters, not bytes).  Raises ``text_empty`` when nothing
    is left (and ``min_length`` ≥ 1), ``text_invisible`` when what is left shows nothing (only combining marks,
    private-use characters…), ``text_too_short(min, length)`` when ``min_length`` > 1 is not reached,
    ``text_too_long(max, length)`` when over ``max_length``.
    """
    cleaned = _strip(clean(text, lines=True, limit=len(text)))
    length = len(cleaned)
    if length == 0 and min_length >= 1:
        raise AnswerError("text_empty")
    if length and not visible(cleaned):
        raise AnswerError("text_invisible")
    if length < min_length:
        raise AnswerError("text_too_short", min=min_length, length=length)
    if max_length is not None and length > max_length:
        raise AnswerError("text_too_long", max=max_length, length=length)
    return cleaned
