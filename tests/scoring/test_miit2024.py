"""The MIIT 2024 rule (bot/scoring/miit2024.py): golden cases on every level edge, the form's exact contents, the
running view, the load-time checks and the score command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n import Translator
from bot.interview.answer import Answer
from bot.interview.dump import answers_from_json
from bot.interview.errors import FormError
from bot.interview.loader import FORMS_DIR, load_forms, parse_form
from bot.interview.schema import Form, MultiChoice, SingleChoice
from bot.scoring import evaluate, running, scored_items
from bot.scoring.miit2024 import Miit2024Evaluation, Miit2024Scoring, prepare_json_answers, score_line
from bot.scoring.summary import evaluation_to_json
from tests.today import TODAY

GOLDEN = yaml.safe_load((Path(__file__).parent / "golden" / "miit-2024.yaml").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = GOLDEN["cases"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def form() -> Form:
    return load_forms()["miit-2024"]


def raw_answers(case: dict[str, Any]) -> dict[str, Any]:
    raw = dict(case["answers"])
    ratings = case.get("scenarios", "").replace("|", "")
    for n, mark in enumerate(ratings, 1):
        if mark != "-":
            raw[f"s{n}"] = int(mark)
    return raw


def summary(form: Form, raw: dict[str, Any]) -> dict[str, Any]:
    assert isinstance(form.scoring, Miit2024Scoring)
    return evaluation_to_json(form, answers_from_json(form, prepare_json_answers(form, form.scoring, raw), TODAY))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden(form: Form, case: dict[str, Any]) -> None:
    out = summary(form, raw_answers(case))
    assert out["total"] == case["total"]
    if "level" in case:
        assert out["level"] == case["level"]
    for key in ("score_level", "scenario_level", "decided_by", "complete"):
        if key in case:
            assert out[key] == case[key], key
    for level, (count, constraint) in case.get("counts", {}).items():
        got = out["scenario_counts"].get(str(level))
        if got is None:  # not among the two levels printed: check through the evaluation
            continue
        assert (got["count"], got["constraint"]) == (count, constraint)
    for item, points in case.get("questions", {}).items():
        assert out["questions"][item] == points
    if "blocker" in case:
        want = case["blocker"]
        if want is None:
            assert out["blocker"] is None
        else:
            got = out["blocker"]
            for key in ("level", "points_missing", "scenarios_missing", "constraint_missing"):
                assert got[key] == want[key], key
            if "raise" in want:
                assert [[r["scenario"], r["from"], r["to"]] for r in got["raise"]] == want["raise"]


@pytest.mark.parametrize("case", [c for c in CASES if "counts" in c], ids=lambda c: c["name"])
def test_counts_per_level(form: Form, case: dict[str, Any]) -> None:
    """The scenario counts of every level named in the case (also those the JSON leaves out)."""
    assert isinstance(form.scoring, Miit2024Scoring)
    raw = prepare_json_answers(form, form.scoring, raw_answers(case))
    ev = evaluate(form, answers_from_json(form, raw, TODAY))
    assert isinstance(ev, Miit2024Evaluation)
    by_level = {c.level.level: (c.count, c.constraint_count) for c in ev.checks}
    for level, pair in case["counts"].items():
        assert by_level[int(level)] == tuple(pair)


def test_every_level_edge_has_a_case() -> None:
    """Each level is reached on its score edge, and lost by the score, the scenario count and the 约束性 count."""
    names = " ".join(c["name"] for c in CASES)
    for edge in ("exactly 80", "exactly 60", "exactly 40", "exactly 20"):
        assert edge in names
    assert "capped by the score" in names and "capped by the scenarios" in names
    levels_reached = {c["level"] for c in CASES if "level" in c}
    assert levels_reached == {0, 1, 2, 3, 4}


def test_form_has_the_platform_structure(form: Form) -> None:
    rule = form.scoring
    assert isinstance(rule, Miit2024Scoring)
    questions = [f"q{n}" for n in range(1, 16)]
    assert sorted(rule.weights, key=lambda q: int(q[1:])) == questions
    multi = {q for q in questions if isinstance(form.item(q), MultiChoice)}
    assert multi == {"q1", "q4", "q6", "q7", "q9", "q10"}
    for q in multi:
        item = form.item(q)
        assert isinstance(item, MultiChoice)
        assert item.options[0].label == "无" and item.options[0].exclusive
        assert [o for o in item.options if o.exclusive] == [item.options[0]]
    assert all(isinstance(form.item(q), SingleChoice) for q in set(questions) - multi)
    assert form.item("q1").text == "企业网络建设连接情况"
    assert form.item("q11").text == ("企业近三年平均数字化投入总额占营业额的平均比例"
                                      "（企业成立不满三年按照实际成立时长计算年均投入）")
    assert [o.label for o in form.item("q8").options][-1] == (  # type: ignore[union-attr]
        "定期组织员工去数字化建设成效较好的同行业公司参观交流，增强数字化转型意识")
    assert rule.weights["q4"]["o"] == 9 and all(rule.weights["q4"][k] == 7 for k in "bcdefghijklmn")
    fill_ins = sorted(i.id for i in form.items if "_f" in i.id)
    assert fill_ins == sorted(["q2_f1", "q2_f2", "q2_f3", "q3_f1", "q3_f2", "q11_f1", "q12_f1", "q12_f2", "q13_f1",
                               "q14_f1", "q14_f2", "q14_f3", "q14_f4", "q15_f1", "q15_f2"])
    assert all(not form.item(f).required for f in fill_ins)


def test_scenarios_grouped_and_marked(form: Form) -> None:
    rule = form.scoring
    assert isinstance(rule, Miit2024Scoring)
    groups = [(g.name, [s.item for s in g.scenarios]) for g in rule.scenario_groups]
    assert groups == [("产品生命周期数字化", ["s1", "s2", "s3", "s4"]),
                      ("生产执行数字化", ["s5", "s6", "s7", "s8", "s9", "s10"]),
                      ("供应链数字化", ["s11", "s12"]), ("管理决策数字化", ["s13", "s14", "s15", "s16"])]
    constraint = {s.item for g in rule.scenario_groups for s in g.scenarios if s.constraint}
    assert constraint == {"s1", "s3", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13"}
    for g in rule.scenario_groups:
        for ref in g.scenarios:
            item = form.item(ref.item)
            assert isinstance(item, SingleChoice)
            assert [o.rung for o in item.options] == [1, 2, 3, 4]
            assert item.section == f"数字化经营 / {g.name}"
            assert item.text == f"企业在{ref.name}场景上数字化应用情况"
            assert (item.note == "★ 约束性场景") is ref.constraint
    s12 = form.item("s12")
    assert isinstance(s12, SingleChoice)
    assert s12.options[2].label == "实现仓储管理信息化系统与生产、采购、财务等信息化系统的数字化协同。"
    assert rule.unconfirmed and any("第三方" in u for u in rule.unconfirmed)


def test_option_points_are_exact(form: Form) -> None:
    """Every option's points = max × weight / 100 exactly; the maxima add up to 100."""
    ev = evaluate(form, {})
    assert isinstance(ev, Miit2024Evaluation)
    maxima = {q: s.maximum for q, s in ev.questions.items()}
    assert maxima["q9"] == Fraction(15, 2) and maxima["q1"] == 8 and maxima["q14"] == 3
    assert sum(maxima.values()) == 100
    answers = {"q9": Answer(["b"]), "q11": Answer("d"), "q4": Answer(["o"])}
    ev = evaluate(form, answers)
    assert isinstance(ev, Miit2024Evaluation)
    assert ev.questions["q9"].points == Fraction(1875, 1000)
    assert ev.questions["q11"].points == Fraction(5625, 1000)
    assert ev.questions["q4"].points == Fraction(9, 10)
    assert ev.total == Fraction(1875 + 5625 + 900, 1000)


def test_running_view_brackets_and_names_the_scenario_conditions(form: Form) -> None:
    assert scored_items(form) >= {"q1", "q15", "s1", "s16"}
    answers: dict[str, Answer] = {"q1": Answer(["b", "c"])}
    first = running(form, answers)
    assert isinstance(first, Miit2024Evaluation)
    assert (first.low, first.high) == (4, 96)
    line = score_line(first, Translator("en"))
    assert "Scenario conditions" not in line  # nothing rated yet
    answers.update({f"s{n}": Answer("l3") for n in range(1, 9)})
    later = running(form, answers)
    assert isinstance(later, Miit2024Evaluation)
    en = score_line(later, Translator("en"))
    zh = score_line(later, Translator("zh"))
    # counts beside what is needed, never "8/8" fractions (16/6 read as more than one); 约束性 is "binding"
    assert "Scenario conditions" in en and "Level 3 ✓ 8 (8 needed), of them binding 5 (5 needed)" in en
    assert "Level 4 ✗ 0 (10 needed)" in en and "constraint" not in en and not re.search(r"\d/\d", en)
    assert "场景条件" in zh and "三级 ✓ 8 个（需 8 个），其中约束性 5 个（需 5 个）" in zh
    assert not re.search(r"\d/\d", zh)
    # "Level so far Below level 1" read as one phrase: the level is set apart
    assert "Level so far: Below level 1; Level 3 still reachable" in en
    # eight scenarios are at 3 for good; the eight unrated ones could reach 4, but 四级 needs ten at 4
    assert later.low_level.level == 0 and later.high_level.level == 3


def test_answers_outside_the_rule_are_refused_at_load() -> None:
    text = (FORMS_DIR / "miit-2024.yaml").read_text(encoding="utf-8")
    with pytest.raises(FormError, match="add up to 99"):
        parse_form(text.replace("q6: {a: 0, b: 25, c: 25, d: 25, e: 25}", "q6: {a: 0, b: 24, c: 25, d: 25, e: 25}"))
    with pytest.raises(FormError, match="exclusive option"):
        parse_form(text.replace("q7: {a: 0, b: 25, c: 25, d: 25, e: 25}", "q7: {a: 5, b: 20, c: 25, d: 25, e: 25}"))
    with pytest.raises(FormError, match="every option"):
        parse_form(text.replace("q13: {a: 0, b: 50, c: 100}", "q13: {a: 0, c: 100}"))
    with pytest.raises(FormError, match="more scenarios than the form has"):
        parse_form(text.replace("scenario_level: 4, scenarios: 10, constraint: 6",
                                "scenario_level: 4, scenarios: 10, constraint: 11"))
    with pytest.raises(FormError, match="weights under 数字化管理"):
        parse_form(text.replace("name: 规划管理\n          weight: 50", "name: 规划管理\n          weight: 40"))


def test_score_command_takes_platform_letters(tmp_path: Path) -> None:
    case = next(c for c in CASES if c["name"].startswith("80 with 10 scenarios at 4 but only 5"))
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(raw_answers(case), ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot", "score", "miit-2024", str(path)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    out = json.loads(done.stdout)
    assert (out["total"], out["level"], out["level_name"]) == (80.0, 3, "三级")
    assert out["scenario_counts"]["4"] == {"at_or_above": 4, "count": 10, "constraint": 5, "needed": 10,
                                           "constraint_needed": 6, "score_met": True, "scenarios_met": False}
    assert out["scenario_counts"]["3"]["scenarios_met"] is True


def test_score_command_refuses_a_rating_out_of_range(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"s1": 5}), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot", "score", "miit-2024", str(path)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "s1" in done.stderr


# --- properties over answer sets and answering orders drawn by hypothesis -----------------------------------

FORM = load_forms()["miit-2024"]
RULE = FORM.scoring
assert isinstance(RULE, Miit2024Scoring)
QUESTIONS = {q: FORM.item(q) for q in RULE.weights}
SCENARIOS = [s.item for g in RULE.scenario_groups for s in g.scenarios]


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for q, item in QUESTIONS.items():
        keys = [o.id.upper() for o in item.options]  # type: ignore[union-attr]
        raw[q] = sorted(draw(st.sets(st.sampled_from(keys[1:])))) if isinstance(item, MultiChoice) else draw(
            st.sampled_from(keys))
    raw.update({s: draw(st.integers(1, 4)) for s in SCENARIOS})
    return raw


@settings(max_examples=60, deadline=None)
@given(final=answer_sets(), data=st.data())
def test_running_range_brackets_the_final_score_and_level(final: dict[str, Any], data: st.DataObject) -> None:
    """Whatever the order, the running score and level range contain the final ones and only narrow."""
    answers = answers_from_json(FORM, prepare_json_answers(FORM, RULE, final), TODAY)
    done = evaluate(FORM, answers)
    assert isinstance(done, Miit2024Evaluation) and done.complete
    so_far: dict[str, Answer] = {}
    previous: tuple[Fraction, Fraction, int, int] | None = None
    for item_id in data.draw(st.permutations(list(answers))):
        so_far[item_id] = answers[item_id]
        now = running(FORM, so_far)
        assert isinstance(now, Miit2024Evaluation)
        assert now.low <= done.total <= now.high
        assert now.low_level.level <= done.level.level <= now.high_level.level
        if previous is not None:
            assert now.low >= previous[0] and now.high <= previous[1]
            assert now.low_level.level >= previous[2] and now.high_level.level <= previous[3]
        previous = (now.low, now.high, now.low_level.level, now.high_level.level)
    assert now.total == done.total and now.level == done.level


@settings(max_examples=60, deadline=None)
@given(final=answer_sets())
def test_level_is_the_lower_of_score_and_scenarios_and_the_blocker_is_honest(final: dict[str, Any]) -> None:
    ev = evaluate(FORM, answers_from_json(FORM, prepare_json_answers(FORM, RULE, final), TODAY))
    assert isinstance(ev, Miit2024Evaluation)
    assert ev.level.level == min(ev.score_level.level, ev.scenario_level.level)
    if ev.blocker is None:
        assert ev.level.level == 4
        return
    # raising exactly the scenarios named, and adding the missing points, reaches the next level
    raised = {**final, **{r.item: r.target for r in ev.blocker.raises}}
    after = evaluate(FORM, answers_from_json(FORM, prepare_json_answers(FORM, RULE, raised), TODAY))
    assert isinstance(after, Miit2024Evaluation)
    assert after.scenario_level.level >= ev.blocker.level.level
    assert after.total + ev.blocker.points_missing >= Fraction(ev.blocker.level.min)
    assert sum(gain for _, gain in ev.blocker.questions) >= ev.blocker.points_missing


@settings(max_examples=60, deadline=None)
@given(final=answer_sets(), data=st.data())
def test_running_figures_equal_the_full_evaluation(final: dict[str, Any], data: st.DataObject) -> None:
    """The running view's integer arithmetic gives the same figures as the full evaluation, for any subset."""
    answers = answers_from_json(FORM, prepare_json_answers(FORM, RULE, final), TODAY)
    subset = data.draw(st.sets(st.sampled_from(sorted(answers))))
    some = {k: answers[k] for k in subset}
    fast, full = running(FORM, some), evaluate(FORM, some)
    assert isinstance(fast, Miit2024Evaluation) and isinstance(full, Miit2024Evaluation)
    for field in ("total", "low", "high", "level", "low_level", "high_level", "score_level", "scenario_level",
                  "checks", "ratings"):
        assert getattr(fast, field) == getattr(full, field), field
