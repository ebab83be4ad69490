"""The Heilongjiang application: 企业基本情况表 and the self-scoring table (PDF, and Word to stamp)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.rendering.context import ReportContext
from bot.rendering.env import CHECKED, year_month_day
from bot.rendering.layouts.base import DOCX, PDF, SELF, Layout

if TYPE_CHECKING:
    from bot.rendering import docx as w
else:
    from bot.rendering.layouts.base import word_writer as w

_INSTRUCTIONS = (
    "一、本申报表由申报黑龙江省中小企业数字化示范标杆的企业填写。",
    "二、推荐单位为被推荐企业法人注册所在地的市（地）中小企业主管部门。",
    "三、被推荐企业应根据实际情况认真填写表格各项内容。企业应为符合《中小企业划型标准规定》的企业，填写时参照国家统计局"
    "《统计用产品分类目录》中的行业分类惯例。",
    "四、推荐材料包括推荐表纸质件一式四份和电子文本，电子文本通过光盘递交，必须确保纸质件和电子文本的一致性。推荐表填报"
    "项目页面不足时，可另附页。",
    "五、纸质件请使用A4纸双面印刷，装订平整，采用普通纸质材料作为封面。",
)


def _money(context: ReportContext, item_id: str) -> str:
    value = w.raw_text(context, item_id)
    return f"{value} 万元" if value else "万元"


def _growth(context: ReportContext, computed_id: str) -> str:
    for v in context.computed:
        if v.id == computed_id:
            return v.text.rstrip("%")
    return "\u3000\u3000"


def _cover(doc: Any, c: ReportContext) -> None:
    for _ in range(5):
        w.para(doc)
    w.para(doc, "黑龙江省中小企业数字化", bold=True, size=24, align=w.WD_ALIGN_PARAGRAPH.CENTER)
    w.para(doc, "示范标杆企业申报书", bold=True, size=24, align=w.WD_ALIGN_PARAGRAPH.CENTER, space_after=80)
    for label, value in (("申报单位：", c.company or c.text("applicant")), ("推荐单位：", c.text("recommender"))):
        p = w.para(doc, space_after=14)
        p.paragraph_format.left_indent = w.Cm(2.5)
        w.write(p, label, size=15)
        w.write(p, f" {value} ".ljust(24, "\u3000"), size=15, underline=True)
    p = w.para(doc, space_after=14)
    p.paragraph_format.left_indent = w.Cm(2.5)
    w.write(p, "填报日期：", size=15)
    w.write(p, year_month_day(c.raw.get("fill_date")), size=15)
    for _ in range(8):
        w.para(doc)
    w.para(doc, "黑龙江省工业和信息化厅 制", size=15, align=w.WD_ALIGN_PARAGRAPH.CENTER)


def _basic_table(doc: Any, c: ReportContext) -> None:
    w.para(doc, "企业基本情况表", bold=True, size=16, align=w.WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    widths = (2.0, 1.8, 2.6, 3.6, 2.0, 4.0)  # the phone and mobile columns take "0451-86661234" on one line
    t = w.new_table(doc, 17, widths)

    def full(r: int, label: str, value: str) -> None:
        w.write_cell(w.merge(t, r, 0, r, 1), label)
        w.write_cell(w.merge(t, r, 2, r, 5), value)

    full(0, "企业名称", c.company or c.text("applicant"))
    w.write_cell(w.merge(t, 1, 0, 1, 1), "通讯地址")
    w.write_cell(w.merge(t, 1, 2, 1, 3), c.text("address"))
    w.write_cell(t.cell(1, 4), "邮编")
    w.write_cell(t.cell(1, 5), c.text("postal_code"), whole=True)
    for r, (who, name_id, phone_id, mobile_id) in enumerate(
            (("法人代表", "legal_rep", "legal_rep_phone", "legal_rep_mobile"),
             ("联系人", "contact_name", "contact_phone", "contact_mobile")), 2):
        w.write_cell(t.cell(r, 0), who)
        w.write_cell(t.cell(r, 1), c.text(name_id))
        w.write_cell(t.cell(r, 2), "电话")
        w.write_cell(t.cell(r, 3), c.text(phone_id), whole=True)
        w.write_cell(t.cell(r, 4), "手机")
        w.write_cell(t.cell(r, 5), c.text(mobile_id), whole=True)
    w.write_cell(w.merge(t, 4, 0, 4, 1), "传真")
    w.write_cell(w.merge(t, 4, 2, 4, 3), c.text("fax"), whole=True)
    w.write_cell(t.cell(4, 4), "E-mail")
    w.write_cell(t.cell(4, 5), c.text("email"))
    w.write_cell(w.merge(t, 5, 0, 5, 1), "注册时间")
    w.write_cell(w.merge(t, 5, 2, 5, 3), c.text("registered_on"))
    w.write_cell(t.cell(5, 4), "注册资本")
    w.write_cell(t.cell(5, 5), _money(c, "registered_capital"))
    w.write_cell(w.merge(t, 6, 0, 6, 3), "根据《中小企业划型标准》（工信部联企业〔2011〕300号），企业规模属于")
    w.write_cell(w.merge(t, 6, 4, 6, 5), w.boxes(c.choices("enterprise_size"), sep=" "))
    full(7, "企业类型", w.boxes(c.choices("enterprise_type"), numbered=True, sep="    "))
    full(8, "所属行业", c.text("industry"))
    full(9, "具体细分领域名称", c.text("niche"))
    # 经济效益: rows 10-14
    w.write_cell(w.merge(t, 10, 0, 14, 0), "经济效益", center=True)
    w.write_cell(w.merge(t, 10, 1, 12, 1), "2023年", center=True)
    w.write_cell(w.merge(t, 13, 1, 14, 1), "2022年", center=True)
    w.write_cell(t.cell(10, 2), "资产总额")
    w.write_cell(t.cell(10, 3), _money(c, "assets_2023"))
    w.write_cell(t.cell(10, 4), "负债总额")
    w.write_cell(t.cell(10, 5), _money(c, "liabilities_2023"))
    for r, label, value_id, growth_id, base in (
            (11, "主营业务收入", "revenue_2023", "revenue_growth_2023", "2022"),
            (12, "净利润总额", "profit_2023", "profit_growth_2023", "2022"),
            (13, "主营业务收入", "revenue_2022", "revenue_growth_2022", "2021"),
            (14, "净利润总额", "profit_2022", "profit_growth_2022", "2021")):
        w.write_cell(t.cell(r, 2), label)
        w.write_cell(w.merge(t, r, 3, r, 5), f"{_money(c, value_id)}，比{base}年增长 {_growth(c, growth_id)} %")
    full(15, "银行信用等级", c.text("bank_credit_rating"))
    note = w.merge(t, 16, 0, 16, 5)
    w.write_cell(note, "注：以上指标按2023年底数据填写", size=9)


def _rubric_table(doc: Any, c: ReportContext) -> None:
    r = c.rubric
    assert r is not None
    w.para(doc, "黑龙江省中小企业数字化示范标杆企业", bold=True, size=15, align=w.WD_ALIGN_PARAGRAPH.CENTER)
    w.para(doc, "自评得分情况表", bold=True, size=15, align=w.WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    widths = (1.1, 1.9, 7.0, 1.9, 1.9, 1.1, 1.1)
    # + 1: the unit and the note, in a last row without side borders (so they never sit alone on a page)
    n_rows = 1 + sum(len(g.indicators) + 1 for s in r.sections for g in s.groups) + 1 + len(r.bonus) + 1 + 1 + 1
    t = w.new_table(doc, n_rows, widths, header_rows=1)
    heads = ("一级\n指标", "二级\n指标", "三级指标", "是/否\n满足", "是/否\n至少符合其中一项", "分值", "自评得分")
    for col, head in enumerate(heads):
        w.write_cell(t.cell(0, col), head, bold=True, center=True, size=9)
    row = 1

    def num(text: str) -> str:
        return text[:-3] if text.endswith(".00") else text

    for s in r.sections:
        s_rows = sum(len(g.indicators) + 1 for g in s.groups)
        w.write_cell(w.merge(t, row, 0, row + s_rows - 1, 0), f"{s.name}\n（{num(s.maximum)}分）", center=True, size=9)
        for g in s.groups:
            n = len(g.indicators)
            w.write_cell(w.merge(t, row, 1, row + n, 1), f"{g.name}（{num(g.maximum)}分）", center=True, size=9)
            any_yes = g.any_yes if (g.any_yes or g.lost) else None
            w.write_cell(w.merge(t, row, 4, row + n - 1, 4), w.yes_no_boxes(any_yes), center=True, size=9)
            for i in g.indicators:
                w.write_cell(t.cell(row, 2), f"{i.number}.{i.text}", size=9)
                w.write_cell(t.cell(row, 3), w.yes_no_boxes(i.yes), center=True, size=9)
                w.write_cell(t.cell(row, 5), num(i.points), center=True, size=9)
                w.write_cell(t.cell(row, 6), num(i.earned), center=True, size=9)
                row += 1
            w.write_cell(w.merge(t, row, 2, row, 4), "分值小计", size=9)
            w.write_cell(t.cell(row, 5), num(g.maximum), center=True, size=9)
            w.write_cell(t.cell(row, 6), num(g.points), center=True, size=9)
            row += 1
    w.write_cell(w.merge(t, row, 0, row, 4), "分值汇总", size=9)
    w.write_cell(t.cell(row, 5), num(r.base_max), center=True, size=9)
    w.write_cell(t.cell(row, 6), num(r.base), center=True, size=9)
    row += 1
    w.write_cell(w.merge(t, row, 0, row + len(r.bonus), 0), f"加分项\n（{num(r.bonus_cap)}分）", center=True, size=9)
    for b in r.bonus:
        w.write_cell(t.cell(row, 1), f"{b.name}（{num(b.indicator.points)}分）", center=True, size=9)
        w.write_cell(t.cell(row, 2), b.indicator.text, size=9)
        w.write_cell(t.cell(row, 3), w.yes_no_boxes(b.indicator.yes), center=True, size=9)
        w.write_cell(t.cell(row, 5), num(b.indicator.points), center=True, size=9)
        w.write_cell(t.cell(row, 6), num(b.indicator.earned), center=True, size=9)
        row += 1
    w.write_cell(w.merge(t, row, 1, row, 4), "分值小计（此加分项，符合第一项加5分，第二项加10分，满分10分）", size=9)
    w.write_cell(t.cell(row, 5), num(r.bonus_cap), center=True, size=9)
    w.write_cell(t.cell(row, 6), num(r.bonus_points), center=True, size=9)
    row += 1
    w.write_cell(w.merge(t, row, 0, row, 4), "企业自评最终得分", bold=True, size=9)
    w.write_cell(t.cell(row, 6), num(r.total), bold=True, center=True, size=9)
    # the bonus rows, the final score and the note move to the next page together rather than leaving the note
    # alone on a page (keep-with-next inside the table: LibreOffice ignores it from a row to a paragraph)
    w.keep_with_next(t, row - len(r.bonus) - 1, row)
    row += 1
    unit_note = w.merge(t, row, 0, row, 6)
    w.write_cell(unit_note, "（单位：分）\n注：以上每项指标按2023年底情况提供佐证情况填写“是/否满足”项，如是，"
                 f"在方框（□）内划“√”（例如“是{CHECKED}”），同时做自评，将自评得分填到相应列；按要求每项二级指标均应有得分，"
                 "如某二级指标评价为0分，则不能进入后序评审。", size=9)
    unit_note.paragraphs[0].alignment = w.WD_ALIGN_PARAGRAPH.RIGHT
    w.no_borders(unit_note, "left", "right", "bottom")
    if not r.gate_passed:
        w.para(doc, f"自评结果：以下二级指标得分为0分，不能进入后序评审——{'、'.join(r.failing)}。", bold=True, size=9)

    if r.evidence:
        w.page_break(doc)
        w.para(doc, "佐证材料说明", bold=True, size=14, align=w.WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
        ev = w.new_table(doc, 1 + len(r.evidence), (1.4, 7.0, 7.6), header_rows=1)
        for col, head in enumerate(("指标", "三级指标", "佐证材料")):
            w.write_cell(ev.cell(0, col), head, bold=True, center=True, size=9)
        for n, (number, text, note) in enumerate(r.evidence, 1):
            w.write_cell(ev.cell(n, 0), str(number), center=True, size=9)
            w.write_cell(ev.cell(n, 1), text, size=9)
            w.write_cell(ev.cell(n, 2), note, size=9)


def word(context: ReportContext) -> bytes:
    """The application as a Word file: cover, 填报说明, 企业基本情况表, 自评得分情况表 and the evidence notes."""
    if context.rubric is None:
        raise w.DocxKindError(f"{context.form_id} has no points rubric")
    doc = w.new_document(context)
    _cover(doc, context)
    w.page_break(doc)
    w.para(doc, "填 报 说 明", bold=True, size=16, align=w.WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    for line in _INSTRUCTIONS:
        p = w.para(doc, line, size=12, space_after=6)
        p.paragraph_format.first_line_indent = w.Pt(24)
        p.paragraph_format.line_spacing = 1.5
    doc.add_section(w.WD_SECTION.NEW_PAGE)
    _basic_table(doc, context)
    w.page_break(doc)
    _rubric_table(doc, context)
    return w.save(doc)

LAYOUT = Layout(
    name="rubric",
    stems={"zh": "示范标杆自评得分表", "en": "benchmark-self-scoring"},
    formats=(PDF, DOCX),
    template="rubric.html.j2",
    # the indicators and bonus items come from the form's rubric; these are read by id
    word=word,
    reads={SELF: (
        "applicant", "recommender", "fill_date", "address", "postal_code", "legal_rep", "legal_rep_phone",
        "legal_rep_mobile", "contact_name", "contact_phone", "contact_mobile", "fax", "email", "registered_on",
        "registered_capital", "enterprise_size", "enterprise_type", "industry", "niche", "bank_credit_rating",
        "assets_2023", "liabilities_2023", "revenue_2023", "revenue_2022", "profit_2023", "profit_2022",
    )},
    view="rubric",
)
