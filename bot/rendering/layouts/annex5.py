"""Hangzhou annex 5, the district's summary table of submitted filings (one workbook for many sessions).

The table's columns, as printed, live here and nowhere else: each says its header, its group, its width and how its
cell is read from a filing.  The writer (bot/rendering/xlsx.py) only lays them out; the item ids the layout reads
are gathered from the columns.  Adding a column is one line below.

Layout, as printed: the title; a line "填报单位：… / 填报时间：…"; a two-level header — 申报单位基本信息 over
columns A–P (序号 … 数字化转型项目投资额), 项目基本信息 over Q–U (项目名称 … 项目预投入), 合同服务商信息 over
V–AB (单位名称 … 主要承担工作); then one block per submitted filing — one row per contracted provider, the
filing's columns A–U written once and merged down its rows, as the table is filled by hand — and a totals row
(合计) under the columns marked `total`.  (The extracted seed text puts the group titles at
columns 1, 11 and 16, which cannot be right: its 项目基本信息 and 合同服务商信息 groups have 5 and 7 columns, which
fixes the first group at 16 columns.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.rendering.env import decimal_or_none, period
from bot.rendering.layouts.base import SELF, XLSX, Layout

if TYPE_CHECKING:
    from bot.rendering.context import ReportContext

TITLE = "杭州市中小企业数字化改造试点项目备案汇总表"
ENTERPRISE, PROJECT, PROVIDER = "申报单位基本信息", "项目基本信息", "合同服务商信息"
#: the repeatable group whose entries (one per contracted provider) fill the provider columns
PROVIDERS = "providers"


@dataclass(frozen=True)
class Column:
    """A column of the filing's part (A–U): one cell per filing, merged down the filing's provider rows."""

    key: str
    header: str
    group: str
    #: characters: codes and phone numbers fit on one line; the other texts wrap
    width: int
    #: the cell, from the filing's report context (None: the 序号, numbered by the writer)
    value: Callable[[ReportContext], Any] | None
    #: the item ids `value` reads
    reads: tuple[str, ...] = ()
    #: summed in the totals row (amounts in 万元; each filing counted once)
    total: bool = False


@dataclass(frozen=True)
class ProviderColumn:
    """A column of the provider part (V–AB): one cell per contracted provider."""

    field: str
    header: str
    width: int
    #: the cell from the entry's display text (default: the text itself)
    value: Callable[[str], Any] | None = None


def _text(item_id: str) -> Callable[[ReportContext], Any]:
    return lambda c: c.text(item_id)


def _number(item_id: str) -> Callable[[ReportContext], Any]:
    return lambda c: decimal_or_none(c.raw.get(item_id))


def _yes(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "不是")


def _little_giant(c: ReportContext) -> str:
    funded = c.yes_no("little_giant_funded")
    if funded is None and c.raw.get("enterprise_category") not in (None, "little_giant"):
        funded = False  # asked of 小巨人 enterprises only: any other enterprise is not a funded 小巨人
    return _yes(funded)


def _period(c: ReportContext) -> str:
    return period(c.raw.get("project_start"), c.raw.get("project_end"), blank="")


def _date(value: str) -> date | str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value


def _plain(key: str, header: str, group: str, width: int) -> Column:
    return Column(key, header, group, width, _text(key), (key,))


def _amount(key: str, header: str, group: str, width: int) -> Column:
    return Column(key, header, group, width, _number(key), (key,), total=True)


COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", ENTERPRISE, 4, None),
    _plain("industry", "细分行业类别", ENTERPRISE, 8),
    _plain("district", "企业所属区、县(市)", ENTERPRISE, 7),
    _plain("company_name", "企业名称", ENTERPRISE, 14),
    _plain("credit_code", "统一社会信用代码", ENTERPRISE, 20),
    _plain("contact_name", "联系人", ENTERPRISE, 7),
    _plain("contact_phone", "联系方式", ENTERPRISE, 13),
    _plain("main_products", "主营产品", ENTERPRISE, 14),
    _amount("revenue_2023", "2023年主营业务收入(万元)", ENTERPRISE, 9),
    _plain("enterprise_category", "企业类别", ENTERPRISE, 12),
    Column("designated_size", "规上/规下", ENTERPRISE, 6,
           lambda c: {"above": "规上", "below": "规下"}.get(str(c.raw.get("designated_size")), ""),
           ("designated_size",)),
    Column("little_giant_funded", "已获得中央财政中小企业发展专项资金支持的专精特新“小巨人”企业", ENTERPRISE, 12,
           _little_giant, ("little_giant_funded", "enterprise_category")),
    Column("pilot_2022", "已纳入《工业和信息化部办公厅 财政部办公厅关于开展财政支持中小企业数字化转型试点工作的通知》"
           "(工信厅联企业〔2022〕22号)中改造试点的中小企业", ENTERPRISE, 16,
           lambda c: _yes(c.yes_no("pilot_2022")), ("pilot_2022",)),
    Column("self_test_level", "制造业中小企业数字化水平自测", ENTERPRISE, 7,
           lambda c: c.text("self_test_level").split("（", 1)[0], ("self_test_level",)),
    _plain("target_level", "企业改造后目标数字化水平", ENTERPRISE, 7),
    _amount("digital_investment", "数字化转型项目投资额(万元)", ENTERPRISE, 9),
    _plain("project_name", "项目名称", PROJECT, 16),
    Column("project_period", "实施期限", PROJECT, 12, _period, ("project_start", "project_end")),
    _plain("scenarios", "应用场景", PROJECT, 16),
    _plain("cloud_plan", "上云用云计划", PROJECT, 14),
    _amount("expected_investment", "项目预投入(万元/不含税)", PROJECT, 9),
)

PROVIDER_COLUMNS: tuple[ProviderColumn, ...] = (
    ProviderColumn("name", "单位名称", 14),
    ProviderColumn("credit_code", "统一社会信用代码", 20),
    ProviderColumn("contact", "联系人", 7),
    ProviderColumn("phone", "联系电话", 13),
    ProviderColumn("contract_name", "合同名称", 16),
    ProviderColumn("contract_date", "合同签订日期", 11, _date),
    ProviderColumn("duties", "主要承担工作", 18),
)


def groups() -> tuple[tuple[str, int], ...]:
    """The header's groups and how many columns each spans, in order."""
    spans: dict[str, int] = {}
    for column in COLUMNS:
        spans[column.group] = spans.get(column.group, 0) + 1
    return (*spans.items(), (PROVIDER, len(PROVIDER_COLUMNS)))


def headers() -> tuple[str, ...]:
    return tuple(c.header for c in COLUMNS) + tuple(p.header for p in PROVIDER_COLUMNS)


def widths() -> tuple[int, ...]:
    return tuple(c.width for c in COLUMNS) + tuple(p.width for p in PROVIDER_COLUMNS)


def totalled() -> tuple[int, ...]:
    """The 0-based positions of the columns the totals row sums."""
    return tuple(n for n, c in enumerate(COLUMNS) if c.total)


@dataclass(frozen=True)
class FilingRow:
    """One filing as the table prints it: its cells by column key (display texts; money as Decimal) and one
    {field: display text} per provider."""

    values: Mapping[str, Any]
    providers: tuple[Mapping[str, str], ...] = ()

    @classmethod
    def of(cls, providers: tuple[Mapping[str, str], ...] = (), **values: Any) -> FilingRow:
        return cls(values, providers)

    def replaced(self, **values: Any) -> FilingRow:
        return FilingRow({**self.values, **values}, self.providers)

    def cells(self, number: int) -> list[Any]:
        """The filing's columns (序号 first)."""
        return [number if c.value is None else self.values.get(c.key, "") for c in COLUMNS]

    @staticmethod
    def provider_cells(provider: Mapping[str, str]) -> list[Any]:
        return [p.value(provider.get(p.field, "")) if p.value else provider.get(p.field, "")
                for p in PROVIDER_COLUMNS]


def filing_row(context: ReportContext) -> FilingRow:
    """A hangzhou-filing session's row of the table (reading only what the columns declare)."""
    from bot.rendering.context import for_layout

    c = for_layout(context, LAYOUT.name)
    return FilingRow({col.key: col.value(c) for col in COLUMNS if col.value is not None},
                     tuple(c.entries(PROVIDERS)))


LAYOUT = Layout(
    name="annex5",
    stems={"zh": "备案汇总表", "en": "filing-summary"},
    formats=(XLSX,),
    per_session=False,
    reads={SELF: tuple(dict.fromkeys(
        [read for column in COLUMNS for read in column.reads]
        + [f"{PROVIDERS}.{p.field}" for p in PROVIDER_COLUMNS]))},
)
