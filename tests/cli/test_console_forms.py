"""Whole interviews through the terminal channel, as a script types them: a real `python -m bot console` process,
a real SQLite file, stdin a pipe.  Each field type gets one wrong answer, refused on the spot and then corrected;
a cross-field error is refused, a warning is told and the answer kept, and a value from an earlier interview is
confirmed with 沿用.  With --out the report files are written; `python -m bot export` writes the district table.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import Translator
from bot.interview.answer import Answer
from bot.interview.errors import AnswerError
from bot.interview.numbering import numbering
from bot.interview.schema import Form
from bot.interview.validators import credit_code_check_char
from bot.present import error_text, format_hint, next_steps
from tests.cli.test_console import lines_for
from tests.scoring.miit_answers import extreme_answers

REPO = Path(__file__).resolve().parents[2]
ZH = Translator("zh")

COMPANY = "杭州测试汽配科技有限公司"
CODE17 = "91330108MA2B3C4D5"  # 330108: 滨江区
CODE = CODE17 + credit_code_check_char(CODE17)
WRONG_CODE = CODE17 + ("0" if CODE[-1] != "0" else "1")
PROVIDER17 = "91330106MA2K7L8M9"
PROVIDER_CODE = PROVIDER17 + credit_code_check_char(PROVIDER17)
FUTURE = "2099-01-01"


def run(db: Path, form: str, lines: list[str], *args: str, user: str = "acme") -> str:
    """One console run to its end; returns what it printed."""
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run([sys.executable, "-m", "bot", "console", "--form", form, "--user", user, *args],
                          cwd=REPO, env=env, input="\n".join(lines) + "\n", capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout


def refusal(code: str, **params: Any) -> str:
    return "✗ " + error_text(AnswerError(code, **params), ZH)


def refused_then_asked(out: str, message: str, next_prompt: str) -> None:
    """`message` was printed, and after it the interview moved on to the question `next_prompt`."""
    at = out.find(message)
    assert at >= 0, f"not printed: {message}"
    assert out.find(next_prompt, at + len(message)) > at, f"{next_prompt!r} not asked after {message!r}"


def stored(db: Path, form_id: str) -> dict[str, Any]:
    """The answers of the person's latest session of `form_id`, as stored."""
    with sqlite3.connect(db) as conn:
        (session_id, status), = conn.execute(
            "select id, status from interview_sessions where form_id = ? order by id desc limit 1", (form_id,))
        assert status == "submitted"
        rows = conn.execute("select item_id, value, extra from answers where session_id = ?", (session_id,))
        return {item: (json.loads(value), extra) for item, value, extra in rows}


def prompt(form: Form, item_id: str) -> str:
    """The start of the line that asks `item_id` (progress aside)."""
    return f"] {numbering(form).labels[item_id]}. " + form.item(item_id).text


# --- the scripts: one line per answer, each naming the item it answers -------------------------------------

ELIGIBILITY = [
    "3",            # registered_in_hangzhou: not a yes/no → refused
    "1",            # registered_in_hangzhou: 是
    COMPANY,        # company_name
    "1",            # industry: 汽车零部件
    "-5",           # employees: below 0 → refused
    "120",          # employees
    "3000.123",     # revenue_2023: three decimals → refused
    "3000",         # revenue_2023 (规上)
    "1 3",          # central_funding: 以上均无 with another option → refused
    "3",            # central_funding: 以上均无
    "2",            # policy_restriction: 否
    "提交",          # review screen: submit
    "提交",          # and confirm
]


def provider(name: str, phone_lines: list[str], date_lines: list[str]) -> list[str]:
    return [
        name,                   # providers · name
        PROVIDER_CODE,          # providers · credit_code
        "王五",                  # providers · legal_rep
        "赵六",                  # providers · contact
        *phone_lines,           # providers · phone
        "数字化改造服务合同",       # providers · contract_name
        "HT-2024-001",          # providers · contract_no
        *date_lines,            # providers · contract_date
        "MES系统实施",            # providers · duties
    ]


FOUNDATION = "主导产品为汽车座椅调角器，已上线ERP和MES。"
FILING = [
    "沿用",                   # company_name: offered from the eligibility check, confirmed
    WRONG_CODE,              # credit_code: wrong check character → refused
    CODE,                    # credit_code
    "张三",                   # legal_rep
    "杭州市滨江区江南大道1号",    # address
    "李四",                   # contact_name
    "0571-8525",             # contact_phone: neither a mobile nor a landline → refused
    "0571-85257095",         # contact_phone
    "4",                     # district: 滨江区
    "1",                     # industry: 汽车零部件
    "120",                   # employees
    "200",                   # digital_staff: more than the employees → refused (cross-field)
    "30",                    # digital_staff
    "汽车座椅调角器、滑轨",      # main_products
    "3000",                  # revenue_2023
    "2",                     # enterprise_category: 专精特新中小企业 (little_giant_funded is then not asked)
    "2",                     # designated_size: 规下 though the revenue is ≥ 2000 → warning, kept
    "2",                     # pilot_2022: 否
    "4",                     # self_test_level: 3级
    "1",                     # target_level: 二级, below the self-test → refused (cross-field)
    "2",                     # target_level: 三级
    "数" * 501,               # digital_foundation: 501 characters, the limit is 500 → refused
    FOUNDATION,              # digital_foundation
    "汽配产线数字化改造项目",     # project_name
    "2024-04",               # project_start
    "2024-03",               # project_end: before the start → refused
    "2025-03",               # project_end
    "2 8",                   # scenarios: 生产制造 + 其他
    "质量追溯",                # scenarios: what 其他 is
    "1 2",                   # cloud_plan: 设备上云, 业务系统上云
    "0",                     # expected_investment: must be more than 0 → refused
    "300",                   # expected_investment
    "300",                   # digital_investment
    *provider("杭州数智服务有限公司", ["1381234567", "13812345678"], [FUTURE, "2024-03-20"]),  # first provider
    "新增",                   # providers menu: add another
    *provider("杭州云联信息技术有限公司", ["0571-86001234"], ["2024-03-22"]),                   # second provider
    "完成",                   # providers menu: done
    "建设MES与设备联网，实现生产过程可视化。",  # implementation_plan
    "1",                     # declaration: 是
    "张三",                   # signatory
    "2024-03-25",            # signed_on
    "提交",                   # review screen: submit
    "提交",                   # and confirm
]


def indicators(evidence_file: Path) -> list[str]:
    """i1…i30: one yes in each second-level indicator (i1 i4 i8 i15 i17 i22 i27) with its evidence note."""
    yes = {1, 4, 8, 15, 17, 22, 27}
    lines: list[str] = []
    for n in range(1, 31):
        if n not in yes:
            lines.append("2")                           # iN: 否
            continue
        lines.append("1")                               # iN: 是
        if n == 1:
            lines.append(f"文件 {evidence_file}")         # i1_evidence: a file sent as the note
        else:
            lines.append(f"指标{n}的系统截图和合同")          # iN_evidence
    return lines


def benchmark(evidence_file: Path) -> list[str]:
    return [
        "黑龙江测试机械有限公司",      # applicant
        "哈尔滨市工业和信息化局",      # recommender
        FUTURE,                    # fill_date: in the future → refused
        "2024-03-11",              # fill_date
        "哈尔滨市南岗区学府路1号",     # address
        "15000",                   # postal_code: five digits → refused
        "150001",                  # postal_code
        "张三",                     # legal_rep
        "12345678",                # legal_rep_phone: no area code → refused
        "0451-82345678",           # legal_rep_phone
        "1381234567",              # legal_rep_mobile: ten digits → refused
        "13812345678",             # legal_rep_mobile
        "李四",                     # contact_name
        "跳过",                     # contact_phone (optional)
        "13912345678",             # contact_mobile
        "跳过",                     # fax (optional)
        "li.example.com",          # email: no @ → refused
        "li@example.com",          # email
        "2010-05-20",              # registered_on
        "500",                     # registered_capital
        "350",                     # employees
        "1500",                    # revenue_2023 (with 350 employees: 小型)
        "1",                       # enterprise_size: 中型, the figures say 小型 → warning, kept
        "4",                       # enterprise_type: 其他
        "集体所有制",                 # enterprise_type: what 其他 is
        "通用设备制造业",              # industry
        "数控机床功能部件",             # niche
        "2000",                    # assets_2023
        "800",                     # liabilities_2023
        "120.5",                   # profit_2023
        "1200",                    # revenue_2022
        "100",                     # profit_2022
        "1000",                    # revenue_2021
        "80",                      # profit_2021
        "跳过",                     # bank_credit_rating (optional)
        *indicators(evidence_file),
        "1",                       # bonus_innovative: 是 (+5)
        "2",                       # bonus_specialized: 否
        "提交",                     # review screen: submit
        "提交",                     # and confirm
    ]


# --- the runs ------------------------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=30).stdout


@pytest.mark.slow
def test_eligibility_then_filing_with_reports_and_district_export(forms: dict[str, Form], tmp_path: Path) -> None:
    db, out_dir = tmp_path / "bot.sqlite3", tmp_path / "reports"
    eligibility, filing = forms["hangzhou-eligibility"], forms["hangzhou-filing"]

    # the eligibility check, without --out: one line says how to get the files
    out = run(db, "hangzhou-eligibility", ELIGIBILITY)
    refused_then_asked(out, refusal("not_yes_no"), prompt(eligibility, "company_name"))
    refused_then_asked(out, refusal("number_too_small", min="0"), prompt(eligibility, "revenue_2023"))
    refused_then_asked(out, refusal("too_many_decimals", places=2), prompt(eligibility, "central_funding"))
    refused_then_asked(out, refusal("exclusive_with_others", option="以上均无"),
                       prompt(eligibility, "policy_restriction"))
    assert ZH.ui("Submitted. Thank you!") in out
    assert sum(line.startswith(ZH.ui("Report files (PDF, Word) are written only with --out DIR: run the same "
                                     "command with e.g. --out ./reports and type report."))
               for line in out.splitlines()) == 1
    # the next steps as commands to paste: each writes its reports (into ./reports, as none was given here)
    commands = [line.strip() for line in out.splitlines() if line.strip().startswith("python -m bot console")]
    assert commands and all(c.endswith(" --user acme --out reports") for c in commands), commands
    assert not out_dir.exists()
    answers = stored(db, "hangzhou-eligibility")
    assert answers["employees"][0] == "120" and answers["revenue_2023"][0] == "3000"
    assert answers["central_funding"][0] == ["none"]

    # the filing, as the same person: the company name is offered and confirmed
    out = run(db, "hangzhou-filing", FILING, "--out", str(out_dir))
    assert ZH.ui("  given before: {answer} — type keep to use it, or a new answer", answer=COMPANY) in out
    expected = CODE[-1]
    refused_then_asked(out, refusal("credit_code_bad_checksum", expected=expected), prompt(filing, "legal_rep"))
    assert "  " + format_hint(filing.item("credit_code"), ZH) in out
    refused_then_asked(out, refusal("not_a_phone"), prompt(filing, "district"))
    refused_then_asked(out, "✗ 从事数字化工作的人员数（200人）不能多于在职职工数（120人）",
                       prompt(filing, "main_products"))
    warning = "⚠ 2023年主营业务收入3000万元，达到2000万元，按标准应为规上企业，但选择的是规下企业，请核对。"
    refused_then_asked(out, warning, prompt(filing, "pilot_2022"))
    assert prompt(filing, "little_giant_funded") not in out
    refused_then_asked(out, "✗ 改造后目标数字化水平不能低于目前的自测水平", prompt(filing, "digital_foundation"))
    refused_then_asked(out, refusal("text_too_long", max=500, length=501), prompt(filing, "project_name"))
    refused_then_asked(out, refusal("end_not_after_start", start="2024-04"), prompt(filing, "scenarios"))
    assert ZH.ui("Please say what “other” is:") in out
    refused_then_asked(out, refusal("number_must_exceed", min="0"), prompt(filing, "digital_investment"))
    # the group: its heading once, then entry 1's first field at once (no menu before the first entry)
    assert out.count(prompt(filing, "providers")) == 1
    assert prompt(filing, "providers") + "\n  服务商 1 · 单位名称\n" in out
    refused_then_asked(out, refusal("not_a_phone"), "服务商 1 · 合同名称")
    refused_then_asked(out, refusal("date_in_future", today=date.today().isoformat()), "服务商 1 · 主要承担的工作")
    assert "服务商 2 · 单位名称" in out
    assert f"  1. 杭州数智服务有限公司 / {PROVIDER_CODE} / 王五" in out  # the menu lists the entries
    assert ZH.ui("Submitted. Thank you!") in out

    answers = stored(db, "hangzhou-filing")
    assert answers["company_name"][0] == COMPANY
    assert answers["credit_code"][0] == CODE
    assert answers["contact_phone"][0] == "0571-85257095"
    assert answers["digital_staff"][0] == "30"
    assert answers["designated_size"][0] == "below"  # the warning did not change the answer
    assert answers["target_level"][0] == "level3"
    assert answers["digital_foundation"][0] == FOUNDATION
    assert answers["project_end"][0] == "2025-03"
    assert answers["scenarios"] == (["production", "other"], "质量追溯")
    assert answers["expected_investment"][0] == "300"
    first, second = answers["providers"][0]
    assert first["phone"] == "13812345678" and first["contract_date"] == "2024-03-20"
    assert second["name"] == "杭州云联信息技术有限公司" and second["phone"] == "0571-86001234"

    # the report files: printed, written, readable
    head = ZH.ui("Report written: {path}", path="")
    written = [Path(line[len(head):]) for line in out.splitlines() if line.startswith(head)]
    assert sorted(p.suffix for p in written) == [".docx", ".pdf"]
    assert all(p.parent == out_dir and p.is_file() for p in written)
    pdf = next(p for p in written if p.suffix == ".pdf")
    assert COMPANY in pdf_text(pdf).replace(" ", "")
    from docx import Document

    docx = next(p for p in written if p.suffix == ".docx")
    document = Document(str(docx))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for row in t.rows for c in row.cells)
    assert COMPANY in text

    # what happens next: told at submission with the district chosen, and printed as the PDF's closing section
    steps = next_steps(filing, {"district": Answer("binjiang")}, ZH)
    assert steps and "滨江区经信部门" in steps[0] and "3份" in steps[0]
    assert ZH.ui("What happens next:") in out
    for n, step in enumerate(steps, 1):
        assert f"{n}. {step}" in out
    printed = pdf_text(pdf).replace(" ", "").replace("\n", "")
    assert "备案后续步骤" in printed
    for step in steps:
        assert step.replace(" ", "") in printed

    # the district's summary table
    xlsx = tmp_path / "export" / "滨江区.xlsx"
    done = export(db, "--district", "滨江区", "--out", str(xlsx))
    assert done.returncode == 0, done.stderr
    assert "1" in done.stdout and str(xlsx) in done.stdout
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx, read_only=True).active
    assert sheet is not None
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "企业名称" in cells and "统一社会信用代码" in cells
    assert COMPANY in cells and CODE in cells

    # another district has no filing: an empty table, still written
    other = tmp_path / "西湖区.xlsx"
    done = export(db, "--district", "西湖", "--out", str(other))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("0 ") and other.is_file()


@pytest.mark.slow
def test_eligibility_then_self_assessment_report_names_the_enterprise(forms: dict[str, Form], tmp_path: Path) -> None:
    """The self-assessment does not ask the company's name: its report takes it from what the same person said in
    the eligibility check, with the date of submission and the levels in annex 4's words."""
    db, out_dir = tmp_path / "bot.sqlite3", tmp_path / "reports"
    miit = forms["miit-2022"]
    run(db, "hangzhou-eligibility", ELIGIBILITY)
    answers = {**extreme_answers(miit, "none"), "q7": 4, "q19": [1, 2, 3, 4], "q20": [1, 2, 3, 4], "q4": 1,
               "q21": 5, "q14": [1, 2, 3, 4, 5], "q15": [1, 2, 3], "q17": [1, 2, 3, 4, 5], "q24": 1}  # 41.5: 二级
    out = run(db, "miit-2022", [*lines_for(miit, answers), "提交", "提交"], "--out", str(out_dir))
    assert "二级" in out
    pdf = next(out_dir.glob("*.pdf"))
    text = pdf_text(pdf).replace(" ", "").replace("\n", "")
    assert COMPANY in text
    assert date.today().isoformat() in text
    for level in miit.scoring.levels if miit.scoring is not None else ():
        if level.description:
            assert level.description in text, level.name
    assert "可免费在线自评" in text and "工业和信息化部中小企业数字化水平评测平台" in text
    assert "41.50" in text


@pytest.mark.slow
def test_benchmark_to_submission_with_reports(forms: dict[str, Form], tmp_path: Path) -> None:
    db, out_dir = tmp_path / "bot.sqlite3", tmp_path / "out"
    form = forms["heilongjiang-benchmark"]
    evidence = tmp_path / "设备清单.pdf"
    evidence.write_bytes(b"%PDF-1.4\n")
    out = run(db, "heilongjiang-benchmark", benchmark(evidence), "--out", str(out_dir))

    refused_then_asked(out, refusal("date_in_future", today=date.today().isoformat()), prompt(form, "address"))
    refused_then_asked(out, refusal("postal_code_bad_format"), prompt(form, "legal_rep"))
    refused_then_asked(out, refusal("landline_bad_format"), prompt(form, "legal_rep_mobile"))
    refused_then_asked(out, refusal("mobile_wrong_length", length=10), prompt(form, "contact_name"))
    refused_then_asked(out, refusal("not_an_email"), prompt(form, "registered_on"))
    warning = ("⚠ 按2023年底从业人员350人、2023年主营业务收入1500万元测算，企业规模应为小型，"
               "与所选的“中型”不一致，请核对。")
    refused_then_asked(out, warning, prompt(form, "enterprise_type"))
    # the hints: the format of formatted items and dates; "optional" alone, never an empty hint
    for item_id in ("postal_code", "legal_rep_phone", "legal_rep_mobile", "email", "fill_date"):
        assert "  " + format_hint(form.item(item_id), ZH) + "\n" in out
    assert prompt(form, "contact_phone") + "（" + ZH.ui("optional") + "）" in out
    assert "（，" not in out and "（, " not in out
    # the running score, and the total
    assert "✓ " in out
    assert ZH.ui("Score {total} (base {base} + bonus {bonus})", total="27.00", base="22.00", bonus="5.00") in out

    answers = stored(db, "heilongjiang-benchmark")
    assert answers["enterprise_size"][0] == "medium"
    assert answers["enterprise_type"] == ("other", "集体所有制")
    assert answers["email"][0] == "li@example.com"
    assert answers["contact_phone"][0] is None and answers["fax"][0] is None
    note, files = answers["i1_evidence"]
    assert note == evidence.name and json.loads(files)[0]["name"] == evidence.name
    assert answers["i4_evidence"][0] == "指标4的系统截图和合同"
    assert "i2_evidence" not in answers

    written = sorted(out_dir.iterdir())
    assert sorted(p.suffix for p in written) == [".docx", ".pdf"]
    for path in written:
        assert str(path) in out
    text = pdf_text(next(p for p in written if p.suffix == ".pdf"))
    assert "黑龙江测试机械有限公司" in text.replace(" ", "")
    assert re.search(r"企业自评最终得分[：:\s]*27\.00", text), text[:2000]
    from docx import Document

    Document(str(next(p for p in written if p.suffix == ".docx")))


@pytest.mark.slow
def test_percent_refused_then_accepted(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    lines = [
        "1",        # q1
        "150%",     # q2: a percentage above 100 → refused
        "15%",      # q2: 15% falls in its band
        "退出",
    ]
    out = run(db, "miit-2022", lines)
    assert refusal("number_too_large", max="100") in out
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("select item_id, extra from answers").fetchall())
    assert rows["q2"] == "15"


@pytest.mark.slow
def test_report_command(tmp_path: Path) -> None:
    db, out_dir = tmp_path / "bot.sqlite3", tmp_path / "files"
    # without --out: it says how, and the interview goes on
    out = run(db, "hangzhou-eligibility", ["1", "报告", COMPANY, "退出"], user="r")
    assert "--out" in out
    assert "Traceback" not in out
    # with --out, mid-interview: the current session's (draft) report
    out = run(db, "hangzhou-eligibility", ["report", "退出"], "--out", str(out_dir), user="r")
    pdfs = list(out_dir.glob("*.pdf"))
    assert len(pdfs) == 1 and str(pdfs[0]) in out
    # a new session of a submitted form, no answers yet: the latest submitted session's report
    run(db, "hangzhou-eligibility", ["1", "1", "120", "3000", "3", "2", "提交"], user="r")
    for pdf in pdfs:
        pdf.unlink()
    out = run(db, "hangzhou-eligibility", ["报告", "退出"], "--out", str(out_dir), user="r")
    pdfs = list(out_dir.glob("*.pdf"))
    assert len(pdfs) == 1 and str(pdfs[0]) in out
    assert COMPANY in pdf_text(pdfs[0]).replace(" ", "")
    # another person with nothing to report
    out = run(db, "hangzhou-eligibility", ["report", "退出"], "--out", str(out_dir), user="nobody")
    assert ZH.ui("There is nothing to report yet: this interview has no answers.") in out


def export(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    return subprocess.run([sys.executable, "-m", "bot", "export", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=30)


def test_export_unknown_district_lists_the_thirteen(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    done = export(db, "--district", "朝阳区", "--out", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2
    assert "朝阳区" in done.stderr and "13" in done.stderr
    for name in ("上城区", "滨江区", "桐庐县", "淳安县", "建德市"):
        assert name in done.stderr
    assert not (tmp_path / "x.xlsx").exists() and not db.exists()


def test_export_all_districts_without_filings(tmp_path: Path) -> None:
    db, xlsx = tmp_path / "bot.sqlite3", tmp_path / "all.xlsx"
    done = export(db, "--out", str(xlsx))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("0 ") and xlsx.is_file()


def test_light_commands_do_not_import_the_renderers() -> None:
    code = ("import sys; import bot.__main__ as m; m.main(['forms']); "
            "import bot.dialogs.console, bot.service.sessions; "
            "heavy = {'aiogram', 'weasyprint', 'docx', 'openpyxl', 'bot.service.reports'} & set(sys.modules); "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True, text=True, timeout=30)
