"""Fixed answer sets for the report tests, the PNG script and the benchmark: realistic Chinese values.

Every value goes through the engine's own parsers (`parsing.answer_from_value`), so a fixture that no longer fits
its form fails loudly instead of printing nonsense.  Text answers carry injection payloads that every writer must
print as inert text: HTML `<script>`, spreadsheet formulas (`=HYPERLINK(...)`, `@SUM(1)`, a leading `-` / `+`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.interview.answer import Answer
from bot.interview.parsing import answer_from_value
from bot.interview.schema import Form
from bot.interview.validators import credit_code_check_char
from tests.today import TODAY

SCRIPT = "<script>alert(1)</script>"
HYPERLINK = '=HYPERLINK("http://x","y")'
AT_SUM = "@SUM(1)"

COMPANY = "杭州示例精密机械有限公司"
HLJ_COMPANY = "哈尔滨示例数控装备有限公司"
HLJ_FAIL_COMPANY = "齐齐哈尔示例重型机械有限公司"
NOT_ELIGIBLE_COMPANY = "宁波示例纺织有限公司"
REFERENCE_COMPANY = "杭州热威汽车零部件有限公司"


def credit_code(first17: str) -> str:
    """A valid unified social credit code (GB 32100-2015 check character) from its first 17 characters."""
    return first17 + credit_code_check_char(first17)


COMPANY_CODE = credit_code("91330108MA2CL8K41")
PROVIDER_CODE = credit_code("91330106MA27XY8K2")
PROVIDER2_CODE = credit_code("91330110MA2GD3P4X")
HLJ_CODE = credit_code("91230103MA1BC2D3E")


def _answers(form: Form, raw: Mapping[str, Any], extras: Mapping[str, str] | None = None) -> dict[str, Answer]:
    out: dict[str, Answer] = {}
    for item_id, value in raw.items():
        answer = answer_from_value(form.item(item_id), value, TODAY)
        if extras and item_id in extras:
            answer = replace(answer, extra=extras[item_id])
        out[item_id] = answer
    return out


# --- miit-2022 ------------------------------------------------------------------------------------------------


def miit_answers(form: Form) -> dict[str, Answer]:
    """A mid-sized machinery maker: about 二级.  Options by id (or 1-based number); q2 and q21 typed."""
    raw: dict[str, Any] = {
        "q1": "key",
        "q2": "35%",
        "q3": "b3",
        "q4": "single",
        "q5": ["rd", "production", "quality", "equipment", "procurement", "sales", "finance"],
        "q6": ["data_standards", "sharing"],
        "q7": "policy",
        "q8": ["cad", "pdm_plm", "design_library"],
        "q9": "workshop",
        "q10": ["equipment", "process", "line"],
        "q11": ["inspection", "visibility"],
        "q12": ["digital_testing", "traceability"],
        "q13": ["barcode", "tracking"],
        "q14": ["it_procurement"],
        "q15": [],
        "q16_1": [1, 3],
        "q16_2": [1],
        "q16_3": [],
        "q17": [2, 3],
        "q18": [1, 2],
        "q19": [1, 4],
        "q20": [1, 2, 3],
        "q21": "1.8%",
        "q22": "higher",
        "q22_value": "99.2",
        "q23": "par",
        "q23_value": "86.5",
        "q24": "par",
    }
    return _answers(form, raw)


# --- hangzhou-eligibility -----------------------------------------------------------------------------------


def eligibility_answers(form: Form) -> dict[str, Answer]:
    """Eligible, 规上 (revenue 8650.5万元), 中型, in the annex-3 reference list, already a funded 小巨人."""
    return _answers(form, {
        "registered_in_hangzhou": True,
        "company_name": REFERENCE_COMPANY,
        "industry": "auto_parts",
        "employees": 420,
        "revenue_2023": "8650.5",
        "central_funding": ["little_giant"],
        "policy_restriction": False,
    })


def not_eligible_answers(form: Form) -> dict[str, Answer]:
    """Not eligible for two reasons: registered outside Hangzhou, and another industry; 小型, 规下."""
    return _answers(form, {
        "registered_in_hangzhou": False,
        "company_name": NOT_ELIGIBLE_COMPANY,
        "industry": "other",
        "employees": 85,
        "revenue_2023": "1280",
        "central_funding": [],
        "policy_restriction": False,
    })


# --- hangzhou-filing ----------------------------------------------------------------------------------------


def _provider(name: str, code: str, legal: str, contact: str, phone: str, contract: str, no: str, signed: str,
              duties: str) -> dict[str, str]:
    return {"name": name, "credit_code": code, "legal_rep": legal, "contact": contact, "phone": phone,
            "contract_name": contract, "contract_no": no, "contract_date": signed, "duties": duties}


def filing_answers(form: Form) -> dict[str, Answer]:
    """A complete filing with two providers; text answers carry every injection payload."""
    raw: dict[str, Any] = {
        "company_name": COMPANY,
        "credit_code": COMPANY_CODE,
        "legal_rep": "王建国",
        "address": "浙江省杭州市滨江区长河街道江南大道1088号",
        "contact_name": "李晓梅",
        "contact_phone": "13857101234",
        "district": "binjiang",
        "industry": "auto_parts",
        "employees": 420,
        "digital_staff": 36,
        "main_products": f"{AT_SUM} 汽车转向节、制动卡钳支架",
        "revenue_2023": "8650.5",
        "enterprise_category": "little_giant",
        "designated_size": "above",
        "little_giant_funded": False,
        "pilot_2022": False,
        "self_test_level": "level2",
        "target_level": "level3",
        "digital_foundation": (
            "公司主导产品为乘用车转向节和制动卡钳支架，配套国内多家整车厂。已上线ERP、PLM和部分MES，"
            f"关键工序数控化率约55%。国家级专精特新“小巨人”企业。测试：{SCRIPT}"
        ),
        "project_name": HYPERLINK,
        "project_start": "2024-04",
        "project_end": "2025-03",
        "scenarios": ["production", "supply_chain", "data", "other"],
        "cloud_plan": ["equipment", "business_systems"],
        "expected_investment": "860",
        "digital_investment": "860",
        "providers": [
            _provider("杭州数智工业软件有限公司", PROVIDER_CODE, "陈志远", "周宁", "0571-85257095",
                      "精密机械数字化车间改造服务合同", "SZ-2024-031", "2024-03-20",
                      "MES、WMS 实施与设备联网"),
            _provider("杭州云启信息技术有限公司", PROVIDER2_CODE, "赵云", "孙悦", "13967112345",
                      "工业互联网平台上云服务合同", "YQ2024-007", "2024-03-28",
                      "-业务系统上云与数据治理"),
        ],
        "implementation_plan": (
            "建设数字化车间：设备联网率由35%提升至80%，上线MES与WMS，实现生产过程可视化与质量追溯；"
            f"预期人均产值提升15%。{SCRIPT}"
        ),
        "declaration": True,
        "signatory": "王建国",
        "signed_on": "2024-04-08",
    }
    return _answers(form, raw, extras={"scenarios": "能耗管理"})


def filing_answers_single(form: Form) -> dict[str, Answer]:
    """A second filing (one provider, a 规下 enterprise of another district) for the summary table."""
    answers = filing_answers(form)
    raw: dict[str, Any] = {
        "company_name": "杭州示例医疗器械有限公司",
        "credit_code": credit_code("91330110MA2KP6Q7R"),
        "district": "yuhang",
        "industry": "biomedicine",
        "employees": 120,
        "digital_staff": 9,
        "main_products": "一次性医用穿刺器械",
        "revenue_2023": "1620",
        "enterprise_category": "specialized",
        "designated_size": "below",
        "pilot_2022": True,
        "self_test_level": "level1",
        "target_level": "level2",
        "project_name": "无菌车间数字化质量追溯项目",
        "expected_investment": "210.5",
        "digital_investment": "230",
        "cloud_plan": ["other"],
        "providers": [
            _provider("杭州云启信息技术有限公司", PROVIDER2_CODE, "赵云", "孙悦", "13967112345",
                      "质量追溯系统建设合同", "YQ2024-019", "2024-05-06", "+QMS 质量追溯系统建设"),
        ],
    }
    answers.update(_answers(form, raw, extras={"cloud_plan": "暂无"}))
    answers.pop("little_giant_funded", None)
    return answers


# --- heilongjiang-benchmark ---------------------------------------------------------------------------------

_EVIDENCE = {
    1: "中望CAD正版授权合同及2023年产品图纸截图",
    2: "ANSYS 仿真分析报告（2023年11月）",
    3: "PLM 系统上线验收报告",
    4: "关键工序数控设备清单（含 OPC UA 接口说明）",
    5: "设备联网率统计表：2023年底 68%",
    7: "设备管理系统点检、保养记录截图",
    8: "APS 排产系统截图",
    9: "MES 系统验收报告",
    10: f"QMS 质量追溯记录 {SCRIPT}",
    11: "WMS/TMS 系统截图",
    14: "安全生产制度文件及评估报告",
    15: "工业以太网拓扑图",
    16: HYPERLINK,
    17: "CRM 系统客户画像截图",
    19: "SCM 供应链风险预警截图",
    20: "1688 工业品平台采购订单",
    22: "智能检测装备研发立项书",
    25: "远程运维平台截图",
    27: "数字化转型三年规划（2023—2025）",
    29: "数字化部门设置文件及2023年培训记录",
    30: AT_SUM,
}


def heilongjiang_answers(form: Form, *, failing: bool = False) -> dict[str, Answer]:
    """A 中型 private manufacturer; with `failing`, every indicator of 企业管理智能化 is no (gate fails)."""
    raw: dict[str, Any] = {
        "applicant": HLJ_FAIL_COMPANY if failing else HLJ_COMPANY,
        "recommender": "哈尔滨市工业和信息化局",
        "fill_date": "2024-05-10",
        "address": "黑龙江省哈尔滨市南岗区学府路52号",
        "postal_code": "150080",
        "legal_rep": "刘振华",
        "legal_rep_phone": "0451-86661234",
        "legal_rep_mobile": "13904510001",
        "contact_name": "张丽",
        "contact_phone": "0451-86661288",
        "contact_mobile": "13945120088",
        "fax": "0451-86661299",
        "email": "zhangli@example.com",
        "registered_on": "2012-06-18",
        "registered_capital": "3000",
        "employees": 320,
        "revenue_2023": "8650.5",
        "enterprise_size": "medium",
        "enterprise_type": "private",
        "industry": "通用设备制造业",
        "niche": "数控机床功能部件",
        "assets_2023": "15230.75",
        "liabilities_2023": "6120.4",
        "profit_2023": "712.3",
        "revenue_2022": "7890",
        "profit_2022": "640.1",
        "revenue_2021": "7012.6",
        "profit_2021": "-35.5",
        "bank_credit_rating": "AA",
        "bonus_innovative": True,
        "bonus_specialized": True,
    }
    extras: dict[str, str] = {}
    for n in range(1, 31):
        yes = n in _EVIDENCE and not (failing and 27 <= n <= 30)
        raw[f"i{n}"] = yes
        if yes:
            raw[f"i{n}_evidence"] = _EVIDENCE[n]
    extras["i3_evidence"] = json.dumps([{"name": "PLM验收报告.pdf", "file_id": "file-3"}], ensure_ascii=False)
    if failing:
        raw["bonus_specialized"] = False
    return _answers(form, raw, extras)


def all_sets(forms: Mapping[str, Form]) -> dict[str, tuple[Form, dict[str, Answer], str | None]]:
    """Every fixed answer set by name: (form, answers, company for forms that do not ask it)."""
    miit = forms["miit-2022"]
    elig = forms["hangzhou-eligibility"]
    filing = forms["hangzhou-filing"]
    hlj = forms["heilongjiang-benchmark"]
    return {
        "miit": (miit, miit_answers(miit), COMPANY),
        "eligibility": (elig, eligibility_answers(elig), None),
        "eligibility-refused": (elig, not_eligible_answers(elig), None),
        "filing": (filing, filing_answers(filing), None),
        "filing-single": (filing, filing_answers_single(filing), None),
        "heilongjiang": (hlj, heilongjiang_answers(hlj), None),
        "heilongjiang-gate": (hlj, heilongjiang_answers(hlj, failing=True), None),
    }
