"""The 2024 self-assessment end to end in the terminal: the eligibility check names the edition the on-site
assessment uses and offers both, the device counts pre-select the bands (confirmed, never assumed), the running
view names the scenario conditions met, and the PDF report says what blocks the next level."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import Translator
from bot.interview.loader import load_forms
from tests.cli.test_console_forms import COMPANY, ELIGIBILITY, pdf_text, run

ZH = Translator("zh")

# one line per item, in form order; the comment names the item
MIIT2024 = [
    "2 3 4 5",     # q1: every network option (8)
    "100",         # q2_f2: production equipment
    "120",         # q2_f3: more than the total → refused
    "70",          # q2_f3
    "沿用",         # q2: the band the counts give, (60%,100%] (6)
    "沿用",         # q2_f1: 70
    "65",          # q3_f2
    "沿用",         # q3: (60%,100%] (6)
    "跳过",         # q3_f1
    "2 1",         # q4: 无 with another option → refused
    "1",           # q4: 无 (0)
    "5",           # q5: 全覆盖 (10)
    "1",           # q6: 无 (0)
    "2 3 4 5",     # q7 (5)
    "6",           # q8 (7.5)
    "2 3 4 5",     # q9 (7.5)
    "2 3 4 5 6",   # q10 (7.5)
    "75%",         # q11: typed, (60%,100%] (7.5)
    "跳过",         # q11_f1
    "3",           # q12: 降低 (7)
    "1200.5",      # q12_f1
    "1300",        # q12_f2
    "3",           # q13: 增加 (7)
    "98.5",        # q13_f1
    "3",           # q14: 增加 (3)
    "120", "5000", "110", "4500",  # q14_f1 … q14_f4
    "3",           # q15: 降低 (3)
    "跳过", "跳过",  # q15_f1, q15_f2
    *["2"] * 6,    # s1 … s6: 二级
    *["1"] * 10,   # s7 … s16: 一级
    "提交", "提交",  # submit, then confirm
]


@pytest.mark.slow
def test_eligibility_offers_both_editions_then_the_2024_self_assessment(tmp_path: Path) -> None:
    db, out_dir = tmp_path / "bot.sqlite3", tmp_path / "reports"
    out = run(db, "hangzhou-eligibility", ELIGIBILITY)
    assert "《中小企业数字化水平评测指标（2024年版）》进行现场评定" in out
    assert "--form miit-2024" in out and "--form miit-2022" in out

    out = run(db, "miit-2024", MIIT2024, "--out", str(out_dir))
    form = load_forms()["miit-2024"]
    assert "实现数字化的生产设备数量（120 台）不能超过生产设备数量（100 台）" in out
    assert "(60%,100%]" in out and "70%" in out  # offered before it was kept
    # offered from the device counts typed just before, never as if the person had given it earlier
    assert "  根据您的回答建议：(60%,100%]——输入“沿用”（keep）直接使用，或输入新答案" in out
    assert "之前填写过：(60%,100%]" not in out and "之前填写过：70%" not in out
    # the platform's numbering, and the counts the menu names
    assert "共 15 题和 16 个场景，约需 15 分钟。" in out
    assert "] Q2a. 其中生产设备数量为（台）" in out and "] Q2. 企业的生产设备数字化率" in out
    assert "] Q2c. 具体数据" in out and "] S16. " in out and "/31] " in out
    assert "场景条件：一级 ✗ 1 个（需 6 个），其中约束性 1 个（需 3 个）" in out  # after s1
    assert ("场景条件：一级 ✓ 16 个（需 6 个），其中约束性 10 个（需 3 个）"
            " · 二级 ✓ 6 个（需 6 个），其中约束性 3 个（需 3 个）"
            " · 三级 ✗ 0 个（需 8 个），其中约束性 0 个（需 5 个）") in out
    assert "总分 85.00 / 100.00 · 等级 二级（预估）" in out
    assert "按得分可达四级，按场景可达二级：等级取两者中较低者，为二级。" in out
    assert "三级需要 8 个场景达到三级及以上，其中约束性场景 5 个：还需提升 8 个场景（其中约束性 5 个）" in out
    assert form.item("q2_f3").text in out and "跳过" not in out.split(form.item("q2").text, 1)[0][-200:]

    text = pdf_text(next(out_dir.glob("*.pdf"))).replace(" ", "").replace("\n", "")
    assert COMPANY in text  # from the eligibility check, through the enterprise profile
    for expected in (
        "自评报告（预估）",
        "85.00",
        "二级",
        "工业和信息化部中小企业数字化水平评测平台",
        "达到下一等级还差什么",
        "尚待官方文件确认的部分",
        "等级规则（得分与各级场景数量、约束性场景数量的条件）只见于第三方自评工具",
        "★产品设计",
        "★仓储物流",
        "协同办公",
        "产品生命周期数字化",
        "管理决策数字化",
        "企业上年综合能源消费量为（吨标准煤）",
        "1200.5",
        "98.5%",
    ):
        assert expected in text, expected
