"""The terminal channel as a person (or a script) uses it: a real process, a real SQLite file, stdin a pipe."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bot.interview.dump import answers_from_json
from bot.interview.schema import Form, MultiChoice
from bot.scoring import evaluate
from bot.scoring.levels import rounded
from tests.scoring.miit_answers import extreme_answers
from tests.today import TODAY

REPO = Path(__file__).resolve().parents[2]


def console(db: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "bot", "console", "--user", "tester", *args], cwd=REPO, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def lines_for(form: Form, answers: dict[str, Any]) -> list[str]:
    """What a person types for each item, in order (optional follow-ups skipped)."""
    out: list[str] = []
    for item in form.items:
        if not item.required:
            out.append("跳过")
        elif isinstance(item, MultiChoice) and answers[item.id] == []:
            out.append(str(len(item.options)))  # 以上均无 is printed last
        else:
            value = answers[item.id]
            out.append(" ".join(map(str, value)) if isinstance(value, list) else str(value))
    return out


def answered_rows(db: Path) -> int:
    """Committed answers, as another process sees them (0 while the database is still being created)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("select count(*) from answers").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_scripted_run_killed_half_way_then_resumed(miit: Form, tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    answers = {**extreme_answers(miit, "best"), "q2": "20%", "q7": 2, "q8": [1, 3], "q16_2": [], "q20": [2]}
    script = lines_for(miit, answers)

    # first sitting: answer half, then the process is killed (no goodbye, no flush)
    first = console(db)
    assert first.stdin is not None and first.stdout is not None
    first.stdin.write("\n".join([*script[:12], "nonsense"]) + "\n")
    first.stdin.flush()
    deadline = time.monotonic() + 20
    while answered_rows(db) < 12:
        assert time.monotonic() < deadline, "the first 12 answers were never committed"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=10)  # reaps the process and closes its pipes
    assert answered_rows(db) == 12

    # second sitting: it resumes at the first unanswered item and finishes
    second = console(db)
    out, err = second.communicate("\n".join([*script[12:], "检查", "提交", "提交"]) + "\n", timeout=60)
    assert second.returncode == 0, err
    assert "12" in out.splitlines()[1]  # "welcome back: your 12 earlier answers are kept"
    first_prompt = next(line for line in out.splitlines() if line.startswith("["))
    assert miit.item(miit.items[12].id).text in first_prompt

    expected = evaluate(miit, answers_from_json(miit, answers, TODAY))
    assert expected is not None
    assert f"{rounded(expected.total)} / 100.00" in out
    assert expected.level.name in out
    with sqlite3.connect(db) as conn:
        status, state = conn.execute("select status, state from interview_sessions").fetchone()
        assert status == "submitted" and json.loads(state)["submitted"] is True


@pytest.mark.slow
def test_refusal_then_correction_back_and_english(miit: Form, tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    proc = console(db, "--lang", "en")
    out, _ = proc.communicate("9\n2\n15%\nback\nhelp\n3\nquit\n", timeout=30)
    assert "Please pick a number from 1 to 5." in out
    assert "(you typed: 9)" in out
    assert "Digital foundation" in out  # the section heading, translated from the forms catalog
    assert "current answer:" in out  # back shows the answer given
    assert "Saved." in out
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("select item_id, value from answers").fetchall())
    assert rows == {"q1": '"key"', "q2": '"b3"'}  # 15% gave b2, then back and 3 changed it


def test_commands_without_telegram_do_not_import_aiogram(tmp_path: Path) -> None:
    code = ("import sys, runpy; sys.argv=['bot','forms']; "
            "import bot.__main__ as m; m.main(['forms']); "
            "import bot.dialogs.console, bot.service.sessions; assert 'aiogram' not in sys.modules, 'aiogram imported'")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True, text=True)


def test_forms_show_json_lists_items_and_printed_option_numbers() -> None:
    out = subprocess.run([sys.executable, "-m", "bot", "forms", "show", "miit-2022", "--json"], cwd=REPO,
                         check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    q1 = next(i for i in data["items"] if i["id"] == "q1")
    assert [o["number"] for o in q1["options"]] == [1, 2, 3, 4, 5]
    assert q1["options"][4] == {"number": 5, "id": "none", "label": "以上均无", "exclusive": True}


@pytest.mark.slow
def test_hostile_lines_on_the_terminal_each_get_an_answer(tmp_path: Path) -> None:
    """64 KB of spaces, control characters, superscript and circled digits on a pipe: each line is answered, the
    session goes on, and nothing crashes (the boundary caps a line before any pattern reads it)."""
    db = tmp_path / "bot.sqlite3"
    lines = ["1" + " " * 65_534 + "1", "\x01\x00", "²", "1 ²", "①", "检查", "²", "②" * 3, "١", "quit"]
    proc = console(db, "--form", "miit-2022")
    out, err = proc.communicate("\n".join(lines) + "\n", timeout=120)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    assert out.count("✗") >= 4, out[-2000:]  # the bomb, ², 1 ² and ١ are refused with a reason
    assert answered_rows(db) == 1  # ① answered Q1


def test_run_without_a_token_serves_the_web_chat_and_prints_its_address(tmp_path: Path) -> None:
    """`python -m bot run` (scripts/run) serves the web chat on 127.0.0.1 with no Telegram token: it prints the
    address with a QR code, answers on it, and stops cleanly on SIGTERM."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DEFAULT_LANG", "WEB_PORT", "WEB_HOST")}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}", PYTHONUNBUFFERED="1")
    with subprocess.Popen([sys.executable, "-m", "bot", "run", "--port", str(port)], cwd=tmp_path, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        _serves_and_stops(proc, port)


def _serves_and_stops(proc: subprocess.Popen[str], port: int) -> None:
    import signal
    import urllib.request

    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}" in first, first + proc.stderr.read() if proc.stderr else ""
        qr = [proc.stdout.readline() for _ in range(5)]
        assert all("█" in line for line in qr[1:])  # the QR code of the address, drawn in the terminal
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            body = page.read().decode()
        assert "<form" in body and 'action="/consent"' in body  # the privacy notice comes first
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
