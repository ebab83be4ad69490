"""Telephone numbers: `mobile` (11 digits), `landline` (with area code, extension optional) and `phone` (either)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

from bot.interview import validators as v
from bot.interview.answer import Answer
from bot.interview.kinds.base import Words
from bot.interview.kinds.formatted import FormattedItem, FormattedKind


class PhoneItem(FormattedItem):
    type: Literal["mobile", "landline", "phone"]


class PhoneKind(FormattedKind[PhoneItem]):
    model = PhoneItem

    def validator(self, item: PhoneItem) -> Callable[[str], str]:
        return {"mobile": v.parse_mobile, "landline": v.parse_landline, "phone": v.parse_phone}[item.type]

    def format_hint(self, item: PhoneItem, tr: Words, answers: Mapping[str, Answer]) -> str:
        if item.type == "mobile":
            return tr.ui("Format: 11-digit mobile number, e.g. 13812345678")
        if item.type == "landline":
            return tr.ui("Format: landline with area code, e.g. 0571-85257095 (extension optional)")
        return tr.ui("Format: mobile (11 digits) or landline with area code, e.g. 0571-85257095")


KIND = PhoneKind()
