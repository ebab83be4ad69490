"""The report context: answers as display text, points with maxima, advice, gate, staff marks, audit rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.interview.answer import Answer
from bot.interview.schema import Form
from bot.rendering.context import (
    ADVICE_LIMIT,
    ELIGIBILITY,
    FILING,
    MIIT,
    RUBRIC,
    ReportContext,
    build_context,
    report_kind,
)
from tests.rendering.fixtures import COMPANY, HLJ_COMPANY, miit_answers


def test_kinds(forms: dict[str, Form]) -> None:
    assert report_kind(forms["miit-2022"]) == MIIT
    assert report_kind(forms["heilongjiang-benchmark"]) == RUBRIC
    assert report_kind(forms["hangzhou-eligibility"]) == ELIGIBILITY
    assert report_kind(forms["hangzhou-filing"]) == FILING


def test_miit_points_levels_and_notice(contexts: dict[str, ReportContext]) -> None:
    ctx = contexts["miit"]
    tree = ctx.tree
    assert tree is not None and ctx.company == COMPANY
    assert [d.name for d in tree.dimensions] == ["数字化基础", "数字化经营", "数字化管理", "数字化成效"]
    assert [d.maximum for d in tree.dimensions] == ["25.00", "45.00", "20.00", "10.00"]
    # the dimensions add up to the total (2-decimal strings, exact underneath)
    assert sum(Decimal(d.points) for d in tree.dimensions) == Decimal(tree.total)
    assert tree.level_name == "二级" and tree.complete
    assert "工业和信息化部中小企业数字化水平评测平台" in tree.notice and "预估" in tree.notice
    assert "三级" in tree.next_level
    q7 = next(n for d in tree.dimensions for i in d.children for n in i.children if n.item == "q7")
    assert (q7.points, q7.maximum, q7.answer) == ("3.75", "7.50", "建立安全保障制度")


def test_miit_advice_is_the_largest_gains(contexts: dict[str, ReportContext]) -> None:
    tree = contexts["miit"].tree
    assert tree is not None
    gains = [Decimal(a.gain) for a in tree.advice]
    assert len(gains) == ADVICE_LIMIT and gains == sorted(gains, reverse=True)
    assert tree.advice[0].item_id == "q15"  # 以上均无 on a 4.50-point question: the whole maximum is open
    assert tree.advice[0].current == "以上均无" and "销售计划动态优化" in tree.advice[0].best


def test_unanswered_items_count_in_the_advice(miit: Form) -> None:
    answers = miit_answers(miit)
    del answers["q7"], answers["q19"]
    ctx = build_context(miit, answers, lang="zh", company=COMPANY)
    assert ctx.tree is not None and not ctx.tree.complete
    advice = {a.item_id: a for a in ctx.tree.advice}
    assert advice["q7"].gain == "7.50" and advice["q19"].gain == "7.00"
    assert advice["q7"].current == "（未作答）"
    assert ctx.answer("q7") is not None and not ctx.answer("q7").answered  # type: ignore[union-attr]


def test_heilongjiang_rubric(contexts: dict[str, ReportContext]) -> None:
    ctx = contexts["heilongjiang"]
    r = ctx.rubric
    assert r is not None and ctx.company == HLJ_COMPANY
    assert (r.base, r.bonus_points, r.total, r.gate_passed) == ("68.00", "10.00", "78.00", True)
    group = r.sections[0].groups[0]
    assert (group.name, group.maximum, group.points, group.any_yes) == ("研发设计数字化", "10.00", "10.00", True)
    assert [i.number for s in r.sections for g in s.groups for i in g.indicators] == list(range(1, 31))
    evidence = dict((n, note) for n, _, note in r.evidence)
    assert evidence[3] == "PLM 系统上线验收报告（附件：PLM验收报告.pdf）"
    assert 6 not in evidence  # a "no" has no evidence note
    gate = contexts["heilongjiang-gate"].rubric
    assert gate is not None and not gate.gate_passed and gate.failing == ("企业管理智能化",)


def test_eligibility(contexts: dict[str, ReportContext]) -> None:
    ok = contexts["eligibility"].eligibility
    assert ok is not None and ok.eligible and ok.size_class == "中型" and ok.designated == "规上企业"
    assert {n.code for n in ok.notes} >= {"above_designated_size", "in_reference_list", "level_two_needed"}
    refused = contexts["eligibility-refused"].eligibility
    assert refused is not None and not refused.eligible
    assert [r.code for r in refused.reasons] == ["not_hangzhou_legal_person", "not_pilot_industry"]
    assert refused.designated == "规下企业"


def test_filing_lookups(contexts: dict[str, ReportContext]) -> None:
    ctx = contexts["filing"]
    assert ctx.text("district") == "滨江区"
    assert [o.label for o in ctx.choices("industry") if o.checked] == ["汽车零部件"]
    other = next(o for o in ctx.choices("scenarios") if o.label == "其他")
    assert other.checked and other.other_text == "能耗管理"
    providers = ctx.entries("providers")
    assert [p["name"] for p in providers] == ["杭州数智工业软件有限公司", "杭州云启信息技术有限公司"]
    assert providers[0]["contract_date"] == "2024-03-20"
    # hidden items are left out: filing-single is not a 小巨人, so 小巨人 funding is never asked
    single = contexts["filing-single"]
    assert single.answer("little_giant_funded") is None and single.text("little_giant_funded") == ""


def test_staff_marks_and_audit(forms: dict[str, Form]) -> None:
    form = forms["hangzhou-eligibility"]
    answers = {"registered_in_hangzhou": Answer(True), "company_name": Answer("杭州某某有限公司")}
    audit = [
        {"at": "2024-05-12 10:00:00", "actor": "helpdesk", "kind": "answer", "item_id": "company_name",
         "old": {"value": "杭州某某", "extra": None}, "new": {"value": "杭州某某有限公司", "extra": None}},
        {"at": "2024-05-12 10:01:00", "actor": 7, "kind": "submit", "item_id": None, "old": None, "new": None},
    ]
    ctx = build_context(form, answers, lang="zh", staff_items=frozenset({"company_name"}), audit=audit)
    assert ctx.answer("company_name").by_staff  # type: ignore[union-attr]
    assert not ctx.answer("registered_in_hangzhou").by_staff  # type: ignore[union-attr]
    assert [(r.actor, r.item, r.old, r.new) for r in ctx.audit] == [
        ("helpdesk", "企业名称", "杭州某某", "杭州某某有限公司"), ("7", "", "", "")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_both_languages(forms: dict[str, Form], lang: str) -> None:
    ctx = build_context(forms["miit-2022"], miit_answers(forms["miit-2022"]), lang=lang, company=COMPANY)
    assert ctx.tree is not None and ctx.labels["total"] in ("总分", "Total score")
    assert ctx.tree.notice  # the estimate notice exists in both languages
