"""The Heilongjiang benchmark form (SCORING.md §2): golden cases through the library and the `score` command,
the early warning for a second-level indicator that can no longer score, and the computed growth rates."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.interview import derived
from bot.interview.dump import answers_from_json
from bot.interview.schema import Form
from bot.scoring import evaluate
from bot.scoring.levels import rounded
from bot.scoring.points import PointsRubric, RubricEvaluation
from tests.today import TODAY

FORM_ID = "heilongjiang-benchmark"
GOLDEN: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "golden" / f"{FORM_ID}.yaml").read_text(encoding="utf-8")
)
REPO = Path(__file__).resolve().parents[2]
INDICATORS = [f"i{n}" for n in range(1, 31)]
GROUPS = ["研发设计数字化", "关键工序装备数字化", "生产管理数字化", "企业内部联网上云", "产业链和产业集群协同创新",
          "产品和服务智能化", "企业管理智能化"]


@pytest.fixture(scope="module")
def hlj(forms: dict[str, Form]) -> Form:
    return forms[FORM_ID]


def case_answers(case: dict[str, Any]) -> dict[str, Any]:
    return {**dict.fromkeys(INDICATORS, case["fill"]), **case.get("answers", {})}


def rubric_eval(form: Form, raw: dict[str, Any]) -> RubricEvaluation:
    evaluation = evaluate(form, answers_from_json(form, raw, TODAY))
    assert isinstance(evaluation, RubricEvaluation)
    return evaluation


def test_rubric_matches_scoring_md(hlj: Form) -> None:
    rule = hlj.scoring
    assert isinstance(rule, PointsRubric)
    assert [(s.name, s.max) for s in rule.sections] == [("数字化改造", 50), ("网络化协同", 25), ("智能化升级", 25)]
    assert [g.name for s in rule.sections for g in s.groups] == GROUPS
    points = {i.item: i.points for s in rule.sections for g in s.groups for i in g.items}
    assert list(points) == INDICATORS
    assert [int(points[i]) for i in INDICATORS] == [2, 3, 5, 3, 3, 4, 5, 3, 3, 3, 3, 5, 5, 3, 5, 5, 3, 3, 3, 3, 3,
                                                    3, 3, 3, 3, 3, 3, 3, 3, 1]
    assert [(b.item, b.points) for b in rule.bonus] == [("bonus_innovative", 5), ("bonus_specialized", 10)]
    assert rule.bonus_cap == 10
    assert rule.gate


def test_every_yes_asks_for_evidence(hlj: Form) -> None:
    for item_id in INDICATORS:
        note = hlj.item(f"{item_id}_evidence")
        assert note.show_if == item_id
        assert hlj.position(note.id) == hlj.position(item_id) + 1


@pytest.mark.parametrize("case", GOLDEN, ids=[c["name"] for c in GOLDEN])
def test_golden(hlj: Form, case: dict[str, Any]) -> None:
    evaluation = rubric_eval(hlj, case_answers(case))
    assert rounded(evaluation.base) == Decimal(case["base"])
    assert rounded(evaluation.bonus) == Decimal(case["bonus"])
    assert rounded(evaluation.total) == Decimal(case["total"])
    assert evaluation.gate_passed is case["gate_passed"]
    assert list(evaluation.failing) == case["failing"]
    assert evaluation.low == evaluation.high == evaluation.total  # every scored item answered


@pytest.mark.slow
@pytest.mark.parametrize("case", GOLDEN, ids=[c["name"] for c in GOLDEN])
def test_score_command_prints_the_same(case: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(case_answers(case)), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "bot", "score", FORM_ID, str(path)], cwd=REPO,
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["base"] == float(case["base"])
    assert result["bonus"] == float(case["bonus"])
    assert result["total"] == float(case["total"])
    assert result["gate_passed"] is case["gate_passed"]
    assert result["failing"] == case["failing"]


def test_a_group_is_lost_as_soon_as_all_its_indicators_are_no(hlj: Form) -> None:
    evaluation = rubric_eval(hlj, {"i15": False})
    assert evaluation.lost == ()  # i16 may still save 企业内部联网上云
    evaluation = rubric_eval(hlj, {"i15": False, "i16": False})
    assert evaluation.lost == ("企业内部联网上云",)
    assert [g.name for g in evaluation.groups if g.lost] == ["企业内部联网上云"]
    assert evaluation.low == 0
    assert evaluation.high == 100  # 100 − 10 lost + 10 bonus still open


def test_low_and_high_bracket_the_final_total(hlj: Form) -> None:
    final = {**dict.fromkeys(INDICATORS, False), "i1": True, "i5": True, "i12": True, "i16": True, "i20": True,
             "i24": True, "i30": True, "bonus_innovative": True, "bonus_specialized": False}
    total = rubric_eval(hlj, final).total
    assert total == 2 + 3 + 5 + 5 + 3 + 3 + 1 + 5
    given: dict[str, Any] = {}
    low, high = Decimal(0), Decimal(110)
    for key, value in final.items():
        given[key] = value
        evaluation = rubric_eval(hlj, given)
        assert evaluation.low <= total <= evaluation.high, key
        assert evaluation.low >= low and evaluation.high <= high, key  # the bracket only narrows
        low, high = evaluation.low, evaluation.high
    assert low == high == total


def test_bonus_bracket_respects_the_cap(hlj: Form) -> None:
    evaluation = rubric_eval(hlj, {**dict.fromkeys(INDICATORS, True), "bonus_specialized": True})
    assert evaluation.low == evaluation.high == 110  # the innovative bonus, still open, cannot add anything


ECONOMICS = {"revenue_2021": "800", "revenue_2022": "1000", "revenue_2023": "1200",
             "profit_2021": "-10", "profit_2022": "37", "profit_2023": "55.5"}


def growth(form: Form, raw: dict[str, Any]) -> dict[str, Any]:
    vals = derived.values(form, answers_from_json(form, raw, TODAY))
    return {k: vals.get(k) for k in ("revenue_growth_2023", "profit_growth_2023", "revenue_growth_2022",
                                     "profit_growth_2022")}


def test_growth_rates_are_computed_exactly(hlj: Form) -> None:
    got = growth(hlj, ECONOMICS)
    assert got["revenue_growth_2023"] == Decimal(20)  # 1200 vs 1000
    assert got["profit_growth_2023"] == Decimal(50)  # 55.5 vs 37
    assert got["revenue_growth_2022"] == Decimal(25)  # 1000 vs 800
    assert got["profit_growth_2022"] is None  # over a loss: no growth rate
    assert all(isinstance(v, Decimal) for v in got.values() if v is not None)


def test_growth_rates_have_no_value_on_a_zero_or_negative_base(hlj: Form) -> None:
    got = growth(hlj, {**ECONOMICS, "revenue_2022": "0", "profit_2022": "0", "revenue_2021": "0"})
    assert got == dict.fromkeys(got)
    got = growth(hlj, {**ECONOMICS, "profit_2022": "-20", "profit_2021": "-5"})
    assert got["profit_growth_2023"] is None
    assert got["profit_growth_2022"] is None
    assert got["revenue_growth_2023"] == Decimal(20)


def test_growth_rates_with_a_missing_figure_or_a_fall(hlj: Form) -> None:
    got = growth(hlj, {"revenue_2023": "100"})
    assert got == dict.fromkeys(got)  # nothing to compare with
    got = growth(hlj, {"revenue_2023": "100", "revenue_2022": "300", "profit_2023": "-12", "profit_2022": "8"})
    # −200/3: Decimal division keeps 28 significant digits; shown rounded to 2 decimals
    assert got["revenue_growth_2023"].quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal("-66.67")
    assert got["profit_growth_2023"] == Decimal(-250)


def test_size_class_warns_on_a_mismatch_and_on_a_large_enterprise(hlj: Form) -> None:
    def warnings(raw: dict[str, Any]) -> list[str]:
        return [c.message for c in derived.failed_checks(hlj, answers_from_json(hlj, raw, TODAY))
                if c.check.id == "size_class" and c.check.severity == "warning"]

    assert warnings({"employees": 350, "revenue_2023": "1500", "enterprise_size": "small"}) == []
    (message,) = warnings({"employees": 350, "revenue_2023": "1500", "enterprise_size": "medium"})
    assert "小型" in message and "中型" in message and "大型企业" not in message
    (message,) = warnings({"employees": 1000, "revenue_2023": "40000", "enterprise_size": "medium"})
    assert "应为大型" in message and "大型企业不属于中小企业" in message
    assert warnings({"employees": 350, "enterprise_size": "micro"}) == []  # revenue not given yet


def test_liabilities_above_assets_warn(hlj: Form) -> None:
    def ids(raw: dict[str, Any]) -> list[str]:
        return [c.check.id for c in derived.failed_checks(hlj, answers_from_json(hlj, raw, TODAY))]

    assert ids({"assets_2023": "100", "liabilities_2023": "100"}) == []
    assert ids({"assets_2023": "100", "liabilities_2023": "100.01"}) == ["liabilities_exceed_assets"]
