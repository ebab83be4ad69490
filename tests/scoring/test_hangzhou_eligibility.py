"""hangzhou-eligibility (golden cases, through `evaluate` and the `score` command) and hangzhou-filing (labels of
annex 1 and 5, cross-field checks)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.interview.answer import Answer
from bot.interview.derived import failed_checks
from bot.interview.dump import answers_from_json
from bot.interview.engine import visible_items
from bot.interview.parsing import answer_from_value
from bot.interview.schema import ChoiceItem, Form, GroupItem
from bot.interview.validators import credit_code_check_char
from bot.scoring import evaluate
from bot.scoring.eligibility import EligibilityEvaluation
from tests.today import TODAY

GOLDEN = yaml.safe_load(
    (Path(__file__).parent / "golden" / "hangzhou-eligibility.yaml").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = GOLDEN["cases"]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def eligibility(forms: dict[str, Form]) -> Form:
    return forms["hangzhou-eligibility"]


@pytest.fixture(scope="module")
def filing(forms: dict[str, Form]) -> Form:
    return forms["hangzhou-filing"]


def case_answers(case: dict[str, Any]) -> dict[str, Any]:
    if case.get("partial"):
        return dict(case["answers"])
    return {**GOLDEN["base"], **case["answers"]}


def evaluated(form: Form, case: dict[str, Any]) -> EligibilityEvaluation:
    result = evaluate(form, answers_from_json(form, case_answers(case), TODAY))
    assert isinstance(result, EligibilityEvaluation)
    return result


# --- hangzhou-eligibility ------------------------------------------------------------------------------------


def test_form_shape(eligibility: Form) -> None:
    assert eligibility.version == 1
    assert eligibility.title == "杭州市中小企业数字化转型城市试点备案资格自测"
    assert [i.id for i in eligibility.items] == [
        "registered_in_hangzhou", "company_name", "industry", "employees", "revenue_2023", "central_funding",
        "policy_restriction"]
    assert len(eligibility.items) <= 8
    assert all(i.help for i in eligibility.items)
    assert {c.id for c in eligibility.computed} >= {"size_class", "above_designated_size", "in_reference_list"}


def test_reference_list_is_annex_3(eligibility: Form) -> None:
    names = eligibility.constants["reference_list"]
    assert len(names) == len(set(names)) == 49
    assert names[0] == "杭州热威汽车零部件有限公司"
    assert names[-1] == "三维通信股份有限公司"
    assert "欧蒙（杭州）医学实验诊断有限公司" in names


def test_every_reason_and_note_has_a_case(eligibility: Form) -> None:
    assert eligibility.scoring is not None and eligibility.scoring.rule == "eligibility"
    reasons = [c.code for c in eligibility.scoring.reasons]
    notes = [c.code for c in eligibility.scoring.notes]
    assert reasons == ["not_hangzhou_legal_person", "not_pilot_industry", "large_enterprise", "policy_restriction"]
    assert notes == ["above_designated_size", "in_reference_list", "central_funds_not_repeated", "level_two_needed",
                     "assessment_edition", "chain_enterprise"]
    for code in reasons:
        assert any(c["reasons"] == [code] for c in CASES), code
    for code in notes:
        assert any(code in c["notes"] for c in CASES), code
    assert any(len(c["reasons"]) == 2 for c in CASES)
    assert any(c["eligible"] and not c.get("partial") for c in CASES)


def test_eligible_result_names_the_2024_edition_and_offers_both(eligibility: Form) -> None:
    """A pilot-city enterprise learns which edition its on-site assessment uses, and both are offered next."""
    note = next(c for c in eligibility.scoring.notes if c.code == "assessment_edition")  # type: ignore[union-attr]
    assert "2024年版" in note.message and "现场评定" in note.message and "工信厅企业〔2024〕56号" in note.message
    assert eligibility.next[:2] == ("miit-2022", "miit-2024")
    eligible = [c for c in CASES if c["eligible"] and not c.get("partial")]
    assert eligible and all("assessment_edition" in c["notes"] for c in eligible)
    assert all("assessment_edition" not in c["notes"] for c in CASES if not c["eligible"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden(eligibility: Form, case: dict[str, Any]) -> None:
    result = evaluated(eligibility, case)
    assert result.eligible is case["eligible"]
    assert [r.code for r in result.reasons] == case["reasons"]
    assert [n.code for n in result.notes] == case["notes"]
    assert result.size_class == case["size_class"]
    assert result.above_designated_size is case["above_designated_size"]
    for outcome in (*result.reasons, *result.notes):
        assert outcome.message and "{{" not in outcome.message and "}}" not in outcome.message


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("partial")], ids=lambda c: c["name"])
def test_level_two_note_exactly_when_eligible(eligibility: Form, case: dict[str, Any]) -> None:
    """`in_scope` repeats the reasons' conditions; this keeps the two in step."""
    result = evaluated(eligibility, case)
    assert ("level_two_needed" in [n.code for n in result.notes]) is result.eligible


def test_messages_name_the_figures(eligibility: Form) -> None:
    case = next(c for c in CASES if c["name"] == "1000 people and 40000 is large, not eligible")
    (reason,) = evaluated(eligibility, case).reasons
    assert "1000人" in reason.message and "40000万元" in reason.message
    case = next(c for c in CASES if c["name"] == "name on the annex 3 reference list")
    note = next(n for n in evaluated(eligibility, case).notes if n.code == "in_reference_list")
    assert "浙江三维通信科技有限公司" in note.message


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_score_command(case: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(case_answers(case), ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "bot", "score", "hangzhou-eligibility", str(path)], cwd=REPO,
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["eligible"] is case["eligible"]
    assert result["reasons"] == case["reasons"]
    assert result["notes"] == case["notes"]
    assert result["size_class"] == case["size_class"]
    assert result["above_designated_size"] is case["above_designated_size"]
    assert len(result["reason_texts"]) == len(case["reasons"])


# --- hangzhou-filing -----------------------------------------------------------------------------------------

#: every label of annex 1 (and the two columns annex 5 adds), as the filing's item texts carry them
ANNEX_LABELS = [
    "企业名称", "统一社会信用代码", "法人代表", "通讯地址", "联系人", "联系方式", "所属细分行业",
    "企业在职职工数（人）", "企业从事数字化工作人员数（人）", "主营产品", "2023年主营业务收入（万元）", "企业类别",
    "规上/规下", "企业获中央财政资金支持情况",
    "已获得中央财政中小企业发展专项资金支持的专精特新“小巨人”企业",
    "已纳入《工业和信息化部办公厅 财政部办公厅关于开展财政支持中小企业数字化转型试点工作的通知》"
    "（工信厅联企业〔2022〕22号）中改造试点的中小企业",
    "制造业中小企业数字化水平自测", "企业改造后目标数字化水平", "企业数字化基础简介",
    "项目名称", "项目实施期限", "应用场景", "上云用云计划", "项目预期投入（万元/不含税）",
    "合同服务商信息", "单位名称", "联系电话", "合同名称", "合同编号", "合同签订日期", "主要承担的工作",
    "项目实施方案及内容", "本公司声明，本公司所提交的所有申报资料是真实、完整、有效的", "法定代表人（签字）",
    # annex 5
    "企业所属区、县（市）", "数字化转型项目投资额（万元）",
]


def all_texts(form: Form) -> list[str]:
    texts = [i.text for i in form.items]
    texts += [f.text for i in form.items if isinstance(i, GroupItem) for f in i.fields]
    return texts


def test_filing_loads_with_every_annex_label(filing: Form) -> None:
    assert filing.version == 1
    assert filing.title == "杭州市中小企业数字化转型城市试点改造项目备案申请表"
    assert filing.scoring is None
    texts = all_texts(filing)
    missing = [label for label in ANNEX_LABELS if not any(label in t for t in texts)]
    assert missing == []
    assert all(i.help for i in filing.items)
    assert all(f.help for i in filing.items if isinstance(i, GroupItem) for f in i.fields)
    assert [i.section for i in filing.items if i.section] == [i.section for i in filing.items]
    assert list(dict.fromkeys(i.section for i in filing.items)) == [
        "申报单位基本信息", "项目基本信息", "合同服务商信息", "申报资料真实性声明"]


def labels(form: Form, item_id: str) -> list[str]:
    item = form.item(item_id)
    assert isinstance(item, ChoiceItem)
    return [o.label for o in item.options]


def option_ids(form: Form, item_id: str) -> list[str]:
    item = form.item(item_id)
    assert isinstance(item, ChoiceItem)
    return [o.id for o in item.options]


def test_filing_options(filing: Form) -> None:
    assert labels(filing, "district") == ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区",
                                         "钱塘区", "富阳区", "临安区", "桐庐县", "淳安县", "建德市"]
    district = filing.item("district")
    assert isinstance(district, ChoiceItem)
    codes = filing.constants["district_codes"]
    assert set(codes) == {o.id for o in district.options}
    assert all(len(c) == 6 and c.startswith("3301") for c in codes.values()) and len(set(codes.values())) == 13
    assert labels(filing, "industry") == ["汽车零部件", "生物医药及健康", "通信设备制造"]
    assert labels(filing, "enterprise_category") == ["专精特新“小巨人”企业", "专精特新中小企业", "创新型企业",
                                                    "其它中小企业"]
    assert labels(filing, "designated_size") == ["规上企业", "规下企业"]
    assert option_ids(filing, "self_test_level") == [f"level{n}" for n in range(5)]
    assert option_ids(filing, "target_level") == ["level2", "level3", "level4"]
    assert labels(filing, "target_level") == ["二级", "三级", "四级"]
    for item_id in ("scenarios", "cloud_plan"):
        item = filing.item(item_id)
        assert isinstance(item, ChoiceItem)
        assert [o.label for o in item.options if o.other] == ["其他"]
    assert labels(filing, "scenarios") == ["研发设计", "生产制造", "供应链", "销售", "服务", "信息安全", "数据管理",
                                          "其他"]
    assert labels(filing, "cloud_plan") == ["设备上云", "业务系统上云", "资源上云（数据、视频等）",
                                           "工具软件上云（数据库、操作系统等）", "其他"]
    providers = filing.item("providers")
    assert isinstance(providers, GroupItem) and providers.entry == "服务商" and providers.min_entries == 1


def answers(form: Form, **values: Any) -> dict[str, Answer]:
    return {key: answer_from_value(form.item(key), value, TODAY) for key, value in values.items()}


def failing(form: Form, **values: Any) -> dict[str, str]:
    return {r.check.id: r.check.severity for r in failed_checks(form, answers(form, **values))}


def credit_code(region: str) -> str:
    first17 = f"91{region}MA2B0C0D1"
    return first17 + credit_code_check_char(first17)


def test_little_giant_question_only_for_little_giants(filing: Form) -> None:
    def shown(category: str) -> bool:
        given = answers(filing, enterprise_category=category)
        return "little_giant_funded" in {i.id for i in visible_items(filing, given)}

    assert shown("little_giant")
    assert not shown("specialized")
    assert not shown("other")


def test_digital_staff_not_more_than_employees(filing: Form) -> None:
    assert failing(filing, employees=20, digital_staff=21) == {"digital_staff_within_employees": "error"}
    assert failing(filing, employees=20, digital_staff=20) == {}
    (result,) = failed_checks(filing, answers(filing, employees=20, digital_staff=21))
    assert "21人" in result.message and "20人" in result.message


def test_target_not_below_self_test(filing: Form) -> None:
    assert failing(filing, self_test_level="level3", target_level="level2") == {"target_not_below_self_test": "error"}
    assert failing(filing, self_test_level=5, target_level=2) == {"target_not_below_self_test": "error"}
    assert failing(filing, self_test_level="level3", target_level="level3") == {}
    assert failing(filing, self_test_level=1, target_level=1) == {}


def test_designated_size_against_revenue(filing: Form) -> None:
    assert failing(filing, revenue_2023="2000", designated_size="below") == {"designated_size_above": "warning"}
    assert failing(filing, revenue_2023="1999.99", designated_size="above") == {"designated_size_below": "warning"}
    assert failing(filing, revenue_2023="2000", designated_size="above") == {}
    assert failing(filing, revenue_2023="1999.99", designated_size="below") == {}


def test_large_enterprise_warning(filing: Form) -> None:
    assert failing(filing, employees=1000, revenue_2023="40000") == {"not_large_enterprise": "warning"}
    assert failing(filing, employees=999, revenue_2023="40000") == {}


@pytest.mark.parametrize(
    ("region", "district", "expected"),
    [
        ("330108", "binjiang", {}),
        ("330106", "binjiang", {"credit_code_district": "warning"}),  # another Hangzhou district: gentle
        ("330103", "gongshu", {}),  # 原下城区, now in 拱墅区
        ("330103", "xihu", {"credit_code_district": "warning"}),
        ("330104", "qiantang", {}),  # 原江干区 (下沙)
        ("330100", "xiaoshan", {}),  # registered by the city
        ("330000", "binjiang", {}),  # registered by the province
        ("310115", "binjiang", {"credit_code_in_hangzhou": "warning"}),  # not Hangzhou: the clearer warning
    ],
)
def test_credit_code_region_against_district(filing: Form, region: str, district: str,
                                             expected: dict[str, str]) -> None:
    assert failing(filing, credit_code=credit_code(region), district=district) == expected


def test_credit_code_warning_names_the_codes(filing: Form) -> None:
    (result,) = failed_checks(filing, answers(filing, credit_code=credit_code("330106"), district="binjiang"))
    assert "330106" in result.message and "330108" in result.message and "330103" in result.message
    (result,) = failed_checks(filing, answers(filing, credit_code=credit_code("310115")))
    assert "310115" in result.message


def test_declaration_and_signatory(filing: Form) -> None:
    assert failing(filing, declaration=False) == {"declaration_confirmed": "error"}
    assert failing(filing, declaration=True) == {}
    assert failing(filing, legal_rep="张三", signatory="李四") == {"signatory_is_legal_rep": "warning"}
    assert failing(filing, legal_rep="张三", signatory="张 三") == {}
