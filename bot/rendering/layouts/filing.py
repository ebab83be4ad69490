"""Hangzhou annex 1, the filing application: PDF (with what happens next) and a Word file to stamp and sign."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.rendering.context import ReportContext
from bot.rendering.env import CHECKED, UNCHECKED, period, year_month_day
from bot.rendering.layouts.base import DOCX, PDF, SELF, Layout

if TYPE_CHECKING:
    from bot.rendering import docx as w
else:
    from bot.rendering.layouts.base import word_writer as w

#: the filing's grid: the section cell, then label | value | label | value (the last value spans two columns);
#: a provider's line of five fields uses the five columns after the section cell
FILING_WIDTHS = (1.5, 2.7, 5.1, 2.4, 1.8, 3.5)


def word(context: ReportContext) -> bytes:
    """Annex 1 as a Word file laid out as the printed table, to print, sign and stamp."""
    c = context
    doc = w.new_document(c, side_margin_cm=(21.0 - w.FILING_TEXT_WIDTH_CM) / 2)
    w.para(doc, "附件1", size=10.5)
    w.para(doc, c.title, bold=True, size=16, align=w.WD_ALIGN_PARAGRAPH.CENTER, space_after=8)

    providers = c.entries("providers") or ({},)
    # rows: 14 (section 1) + 6 (section 2) + 4 per provider and the plan (section 3) + 1 (section 4)
    n_rows = 14 + 6 + 4 * len(providers) + 1 + 1
    t = w.new_table(doc, n_rows, FILING_WIDTHS)

    def row(r: int, label: str, value: str, *, whole: bool = False) -> None:
        w.write_cell(t.cell(r, 1), label)
        w.write_cell(w.merge(t, r, 2, r, 5), value, whole=whole)

    def pair(r: int, l1: str, v1: str, l2: str, v2: str, *, whole: bool = False) -> None:
        w.write_cell(t.cell(r, 1), l1)
        w.write_cell(t.cell(r, 2), v1, whole=whole)
        w.write_cell(t.cell(r, 3), l2)
        w.write_cell(w.merge(t, r, 4, r, 5), v2, whole=whole)

    # 1. 申报单位基本信息
    w.write_cell(w.merge(t, 0, 0, 13, 0), "1.申报单位基本信息", bold=True, center=True)
    row(0, "企业名称", c.text("company_name"))
    pair(1, "统一社会信用代码", c.text("credit_code"), "法人代表", c.text("legal_rep"), whole=True)
    row(2, "通讯地址", c.text("address"))
    pair(3, "联系人", c.text("contact_name"), "联系方式", c.text("contact_phone"), whole=True)
    row(4, "企业所属区、县（市）", c.text("district"))
    row(5, "所属细分行业", w.boxes(c.choices("industry")))
    pair(6, "企业在职职工数（人）", f"{w.raw_text(c, 'employees')}（截至申报日）",
         "企业从事数字化工作人员数（人）", f"{w.raw_text(c, 'digital_staff')}（截至申报日）")
    pair(7, "主营产品", c.text("main_products"), "2023年主营业务收入（万元）", w.raw_text(c, "revenue_2023"))
    w.write_cell(w.merge(t, 8, 1, 9, 1), "企业类别\n（分类单选）")
    w.write_cell(w.merge(t, 8, 2, 8, 5), w.boxes(c.choices("enterprise_category")))
    w.write_cell(w.merge(t, 9, 2, 9, 5), w.boxes(c.choices("designated_size")))
    little_giant = c.yes_no("little_giant_funded")
    if little_giant is None and c.raw.get("enterprise_category") not in (None, "little_giant"):
        little_giant = False  # only a 小巨人 is asked; any other enterprise is not a funded 小巨人
    w.write_cell(t.cell(10, 1), "企业获中央财政资金支持情况")
    w.write_cell(w.merge(t, 10, 2, 10, 3), "已获得中央财政中小企业发展专项资金支持的专精特新“小巨人”企业\n"
                 + w.yes_no_boxes(little_giant, "是", "不是"), size=9)
    w.write_cell(w.merge(t, 10, 4, 10, 5), "已纳入《工业和信息化部办公厅 财政部办公厅关于开展财政支持中小企业数字化"
                 "转型试点工作的通知》（工信厅联企业〔2022〕22号）中改造试点的中小企业\n"
                 + w.yes_no_boxes(c.yes_no("pilot_2022"), "是", "不是"), size=9)
    row(11, "制造业中小企业数字化水平自测（参照附件4评测表）", w.boxes(c.choices("self_test_level")))
    row(12, "企业改造后目标数字化水平", w.boxes(c.choices("target_level")))
    row(13, "企业数字化基础简介", c.text("digital_foundation"))

    # 2. 项目基本信息
    r0 = 14
    w.write_cell(w.merge(t, r0, 0, r0 + 5, 0), "2.项目基本信息", bold=True, center=True)
    row(r0, "项目名称", c.text("project_name"))
    row(r0 + 1, "项目实施期限", period(c.raw.get("project_start"), c.raw.get("project_end")))
    row(r0 + 2, "应用场景（可多选）", w.boxes(c.choices("scenarios")))
    row(r0 + 3, "上云用云计划（可多选）", w.boxes(c.choices("cloud_plan")))
    row(r0 + 4, "项目预期投入（万元/不含税）", w.raw_text(c, "expected_investment"))
    row(r0 + 5, "数字化转型项目投资额（万元）", w.raw_text(c, "digital_investment"))

    # 3. 合同服务商信息: per provider the printed two lines (5 and 4 fields), labels over values, in the table itself
    r0 = 20
    r_plan = r0 + 4 * len(providers)
    w.write_cell(w.merge(t, r0, 0, r_plan, 0), "3.合同服务商信息", bold=True, center=True)
    for n, provider in enumerate(providers):
        _provider_rows(t, r0 + 4 * n, provider)
    row(r_plan, "项目实施方案及内容", c.text("implementation_plan"))

    # 4. 申报资料真实性声明
    r = r_plan + 1
    w.write_cell(t.cell(r, 0), "4.申报资料真实性声明", bold=True, center=True)
    body = w.merge(t, r, 1, r, 5)
    declaration = c.label("declaration")
    confirmed = c.yes_no("declaration") is True
    w.write_cell(body, declaration)
    p = body.add_paragraph()
    w.write(p, f"{CHECKED if confirmed else UNCHECKED}已阅读并确认以上声明")
    # the typed name beside the signature, never on its line: the legal representative signs by hand there
    p = body.add_paragraph()
    p.paragraph_format.space_before = w.Pt(12)
    w.write(p, f"法定代表人：{c.text('signatory')}")
    p = body.add_paragraph()
    p.paragraph_format.space_before = w.Pt(12)
    w.write(p, "法定代表人（签字）：" + SIGNATURE_BLANK)
    p = body.add_paragraph()
    p.alignment = w.WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.space_before = w.Pt(12)
    w.write(p, "单位：（盖章）")
    p = body.add_paragraph()
    p.alignment = w.WD_ALIGN_PARAGRAPH.RIGHT
    w.write(p, year_month_day(c.raw.get("signed_on")))
    return w.save(doc)


#: the blank a hand signature goes on (drawn with characters: an underlined blank at the end of a line is not shown
#: by LibreOffice)
SIGNATURE_BLANK = "_" * 30

_PROVIDER_TOP = (("单位名称", "name"), ("统一社会信用代码", "credit_code"), ("法人代表", "legal_rep"),
                 ("联系人", "contact"), ("联系电话", "phone"))
_PROVIDER_BOTTOM = (("合同名称", "contract_name"), ("合同编号", "contract_no"), ("合同签订日期", "contract_date"),
                    ("主要承担的工作", "duties"))
#: the fields printed on one line (their columns fit them)
_WHOLE = frozenset(("credit_code", "phone", "contract_no", "contract_date"))


def _provider_rows(t: w.Grid, r: int, provider: dict[str, str]) -> None:
    """One provider in rows r..r+3 of the filing table (columns 1-5), kept together on one page."""
    for offset, fields in ((0, _PROVIDER_TOP), (2, _PROVIDER_BOTTOM)):
        cells = [t.cell(r + offset, col) for col in range(1, 6)]
        values = [t.cell(r + offset + 1, col) for col in range(1, 6)]
        if len(fields) == 4:  # 主要承担的工作 spans the last two columns
            cells[3] = w.merge(t, r + offset, 4, r + offset, 5)
            values[3] = w.merge(t, r + offset + 1, 4, r + offset + 1, 5)
        for n, (label, key) in enumerate(fields):
            w.write_cell(cells[n], label, bold=True, size=9)
            w.write_cell(values[n], provider.get(key, ""), size=9, whole=key in _WHOLE)
    w.keep_with_next(t, r, r + 2)

LAYOUT = Layout(
    name="filing",
    stems={"zh": "试点改造项目备案申请表", "en": "pilot-project-filing"},
    formats=(PDF, DOCX),
    template="filing.html.j2",
    word=word,
    reads={SELF: (
        "company_name", "credit_code", "legal_rep", "address", "contact_name", "contact_phone", "district",
        "industry", "employees", "digital_staff", "main_products", "revenue_2023", "enterprise_category",
        "designated_size", "little_giant_funded", "pilot_2022", "self_test_level", "target_level",
        "digital_foundation", "project_name", "project_start", "project_end", "scenarios", "cloud_plan",
        "expected_investment", "digital_investment",
        "providers.name", "providers.credit_code", "providers.legal_rep", "providers.contact", "providers.phone",
        "providers.contract_name", "providers.contract_no", "providers.contract_date", "providers.duties",
        "implementation_plan", "declaration", "signatory", "signed_on",
    )},
)
