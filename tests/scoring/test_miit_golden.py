from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.interview.dump import answers_from_json
from bot.interview.schema import Form
from bot.scoring import evaluate
from bot.scoring.levels import rounded
from bot.scoring.weighted_tree import maxima
from tests.scoring.miit_answers import extreme_answers
from tests.today import TODAY

GOLDEN = yaml.safe_load((Path(__file__).parent / "golden" / "miit-2022.yaml").read_text(encoding="utf-8"))
REPO = Path(__file__).resolve().parents[2]


def case_answers(form: Form, case: dict[str, Any]) -> dict[str, Any]:
    return {**extreme_answers(form, case["base"]), **case.get("answers", {})}


@pytest.mark.parametrize("case", GOLDEN, ids=[c["name"] for c in GOLDEN])
def test_golden_total_and_level(miit: Form, case: dict[str, Any]) -> None:
    evaluation = evaluate(miit, answers_from_json(miit, case_answers(miit, case), TODAY))
    assert evaluation is not None
    assert rounded(evaluation.total) == Decimal(case["total"])
    assert evaluation.level.level == case["level"]
    assert evaluation.low == evaluation.high == evaluation.total  # every question answered


def test_question_maxima_match_scoring_md(miit: Form) -> None:
    expected = {"q1": "2", "q2": "3", "q3": "3", "q4": "2", "q5": "4.5", "q6": "3", "q7": "7.5", "q8": "6.3",
                "q9": "3.78", "q10": "1.89", "q11": "5.67", "q12": "3.78", "q13": "3.78", "q14": "4.5",
                "q15": "4.5", "q17": "4.5", "q18": "3", "q19": "7", "q20": "5", "q21": "5", "q22": "3",
                "q23": "4", "q24": "3"}
    assert miit.scoring is not None
    got = maxima(miit.scoring)
    for item_id, value in expected.items():
        assert got[item_id] == Decimal(value), item_id
    assert got["q16_1"] + got["q16_2"] + got["q16_3"] == Decimal("6.3")
    assert sum(got.values()) == 100


def test_dimension_subtotals_of_all_best(miit: Form) -> None:
    evaluation = evaluate(miit, answers_from_json(miit, extreme_answers(miit, "best"), TODAY))
    assert evaluation is not None
    assert [(n.name, n.points) for n in evaluation.nodes] == [
        ("数字化基础", 25), ("数字化经营", 45), ("数字化管理", 20), ("数字化成效", 10)]


@pytest.mark.parametrize("case", [c for c in GOLDEN if "exactly" in c["name"] or c.get("cli")],
                         ids=lambda c: c["name"])
def test_score_command_prints_the_same(miit: Form, case: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(case_answers(miit, case)), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "bot", "score", "miit-2022", str(path)], cwd=REPO,
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["total"] == float(case["total"])
    assert result["level"] == case["level"]
    assert set(result["questions"]) >= {f"q{n}" for n in range(1, 25)}
    assert sum(d["points"] for d in result["dimensions"]) == pytest.approx(float(case["total"]))
