"""The 2024 self-assessment's PDF report in both languages, read back with pdftotext."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bot.interview.dump import answers_from_json
from bot.interview.loader import load_forms
from bot.rendering.context import MIIT2024, build_context
from bot.rendering.html import render_html
from bot.rendering.pdf import render_pdf
from bot.scoring.miit2024 import Miit2024Scoring, prepare_json_answers
from tests.scoring.test_miit2024 import CASES, raw_answers
from tests.today import TODAY

pytestmark = pytest.mark.slow


def text_of(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                         timeout=30).stdout
    return re.sub(r"\s+", " ", out)


def context(case_name: str, lang: str, company: str = "杭州示例精密机械有限公司") -> object:
    form = load_forms()["miit-2024"]
    assert isinstance(form.scoring, Miit2024Scoring)
    case = next(c for c in CASES if c["name"].startswith(case_name))
    answers = answers_from_json(form, prepare_json_answers(form, form.scoring, raw_answers(case)), TODAY)
    return build_context(form, answers, lang=lang, company=company, session_meta={"submitted": "2026-11-27"})


def test_report_in_both_languages(tmp_path: Path) -> None:
    zh_ctx = context("80 with 10 scenarios at 4 but only 5", "zh")
    en_ctx = context("80 with 10 scenarios at 4 but only 5", "en")
    assert zh_ctx.kind == MIIT2024  # type: ignore[attr-defined]
    zh = text_of(render_pdf(MIIT2024, zh_ctx), tmp_path, "zh.pdf")  # type: ignore[arg-type]
    en = text_of(render_pdf(MIIT2024, en_ctx), tmp_path, "en.pdf")  # type: ignore[arg-type]
    squashed = zh.replace(" ", "")
    for expected in (
        "杭州示例精密机械有限公司",
        "自评报告（预估）",
        "80.00",
        "等级：三级",
        "以工业和信息化部中小企业数字化水平评测平台的结果为准",
        "四级需要10个场景达到四级及以上，其中约束性场景6个：还需提升1个场景（其中约束性1个）",
        "安全生产三级→四级",
        "数字化基础",
        "50.00",
        "数字化管理",
        "数字化成效",
        "0.00",
        "★安全生产",
        "尚待官方文件确认的部分",
        "达到该级及以上的场景",
        "10个（需10个）✓",
        "5个（需6个）",
        "2026-11-27",
    ):
        assert expected in squashed, expected
    for expected in (
        "Self-assessment report (estimate)",
        "Level 3",
        "the authoritative result comes from",
        "What blocks the next level",
        "Level 4 needs 10 scenarios at Level 4 or higher, 6 of them ",
        "binding scenarios: 1 more must rise (1 binding)",
        "Production safety Level 3 → Level 4",
        "Not yet confirmed by the official document",
        "The level rule (the score together with",
        "Digital foundation",
        "Product life cycle",
        "Production safety",
    ):
        assert expected in en, expected
    # the scenario table marks the 约束性 ones (pdftotext interleaves the wrapped cells, so read the HTML)
    html = render_html(MIIT2024, en_ctx)  # type: ignore[arg-type]
    assert "<td>★ Production safety</td><td class=\"c\">Level 3</td>" in html
    assert "<td>Collaborative office work</td><td class=\"c\">Level 4</td>" in html
    assert "数字化基础" not in en and "等级" not in en


def test_strong_scenarios_capped_by_the_score_names_the_points(tmp_path: Path) -> None:
    ctx = context("38.125 shows as 38.13", "zh")
    text = text_of(render_pdf(MIIT2024, ctx), tmp_path, "r.pdf").replace(" ", "")  # type: ignore[arg-type]
    assert "38.13" in text and "等级：一级" in text
    assert "按得分可达一级，按场景可达四级：等级取两者中较低者，为一级。" in text
    assert "二级需要40分：还差1.88分。可提升分值最多的题目：Q4企业实现数据自动采集的业务环节覆盖范围(+10.00)" in text


def test_injection_in_a_fill_in_is_inert() -> None:
    form = load_forms()["miit-2024"]
    ctx = context("full marks and every scenario at 4", "zh", company="<script>alert(1)</script>")
    html = render_html(MIIT2024, ctx)  # type: ignore[arg-type]
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert form.id == "miit-2024"
