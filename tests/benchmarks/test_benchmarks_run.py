"""The benchmark scripts still run end to end on a tiny load (their figures are read by people, never asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> str:
    done = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
def test_answer_path_benchmark_stores_every_answer_and_prints_its_ratios() -> None:
    out = run("benchmarks/answer_path.py", "--chats", "4", "--answers", "120", "--rounds", "1", "--no-db")
    stored = re.search(r"answers stored: (\d+) of (\d+)", out)
    assert stored is not None and stored[1] == stored[2] and int(stored[1]) > 0, out
    for run_name in ("(a) bare aiogram echo", "(c) echo of the interview's screens",
                     "(b) interview, committed to SQLite", "(b') interview, nothing written"):
        assert run_name in out, out
    assert re.search(r"CPU per update, median: \(a\) \d+ µs +\(c\) \d+ µs +\(b\) \d+ µs", out), out
    assert re.search(r"b/c of answers per CPU second: \d+\.\d\d", out), out
    assert re.search(r"wall: b/a \d+\.\d\d", out), out
    assert re.search(r"collector: \d+ passes, [\d.]+ s of [\d.]+ s; Response classes built: \d+", out), out


@pytest.mark.slow
def test_reports_benchmark_prints_every_output() -> None:
    """Every document of this checkout and of the commit given with --against, side by side, and the export."""
    out = run("benchmarks/reports.py", "--rounds", "1", "--runs", "1", "--rows", "30", "--against", "HEAD")
    for case in ("pdf miit", "pdf miit2024", "pdf heilongjiang", "pdf eligibility", "pdf filing", "pdf contract",
                 "docx filing", "docx heilongjiang", "docx contract"):
        row = next((line for line in out.splitlines() if line.startswith(case + " ")), "")
        assert re.fullmatch(rf"{case} +(\d+\.\d +){{4}}\d+\.\d\d +\d\.\d\d +<= \d+ (OK|OVER)", row), (case, out)
    assert "annex-5 export of 30 filings" in out and out.count("s wall,") == 2, out


@pytest.mark.slow
def test_fuzz_benchmark_prints_its_counts_and_finds_no_exception() -> None:
    out = run("benchmarks/fuzz.py", "--inputs", "1500")
    counts = re.search(r"tried (\d+) / refused (\d+) / accepted (\d+) / exceptions (\d+)", out)
    assert counts is not None, out
    tried, refused, accepted, exceptions = map(int, counts.groups())
    assert (tried, exceptions) == (1500, 0) and refused + accepted == tried and refused and accepted, out
    assert "slowest: " in out and "slowest by input length: " in out, out
    hidden = re.search(r"invisible only: tried (\d+) / accepted (\d+); laced with format controls: tried (\d+) / "
                       r"stored with a format control (\d+); foreign digits where digits are read: tried (\d+) / "
                       r"accepted (\d+)", out)
    assert hidden is not None, out
    invisible, invisible_taken, laced, laced_stored, foreign, foreign_taken = map(int, hidden.groups())
    assert invisible and laced and foreign, out  # each class was tried
    assert (invisible_taken, laced_stored, foreign_taken) == (0, 0, 0), out


@pytest.mark.slow
def test_wechat_benchmark_prints_the_passive_reply_times() -> None:
    out = run("benchmarks/wechat.py", "--rates", "5", "--seconds", "1")
    row = re.search(r"^\s+5\s+5\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(\d+)\s+(\d+)\s+0 \|", out, re.MULTILINE)
    assert row is not None and int(row[1]) + int(row[2]) == 5, out
    assert "violations" not in out, out


@pytest.mark.slow
def test_desk_queue_benchmark_prints_every_read() -> None:
    out = run("benchmarks/desk_queue.py", "--sessions", "60", "--filings", "26", "--runs", "2")
    assert "seeded 60 sessions in progress and 26 submitted filings" in out, out
    for read in ("baseline: one session's row", "helpdesk queue", "queue, district 滨江区", "officer's filings",
                 "search by company", "one session's trail"):
        assert re.search(rf"{re.escape(read)}\s+[\d.]+\s+[\d.]+\s+[\d.]+", out), (read, out)
