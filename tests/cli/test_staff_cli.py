"""`python -m bot staff`: an account made from the command line, its one-time sign-in link (at PUBLIC_URL, or
http://WEB_HOST:WEB_PORT), a new link, the list; districts named as the filing names them; mistakes answered in
one sentence."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.db.engine import create_engine, sessionmaker
from bot.interview.loader import load_forms
from bot.service.helpdesk import Helpdesk
from bot.service.sessions import Interviews
from bot.service.staff import StaffAccounts


def staff(db: Path, *args: str) -> int:
    return main(["staff", *args, "--database-url", f"sqlite+aiosqlite:///{db}"])


async def link_account(db: Path, token: str) -> tuple[str, str, tuple[str, ...]] | None:
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    interviews = Interviews(sessionmaker(engine), load_forms())
    try:
        found = await StaffAccounts(interviews.sessionmaker, Helpdesk(interviews)).link_account(token)
        return None if found is None else (found.name, found.role, found.districts)
    finally:
        await interviews.close()
        await engine.dispose()


def test_staff_add_prints_a_one_time_sign_in_link(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLIC_URL", "https://desk.example.cn/")
    db = tmp_path / "bot.sqlite3"
    assert staff(db, "add", "李强", "--role", "officer", "--district", "滨江", "--district", "binjiang",
                 "--district", "余杭区") == 0
    out = capsys.readouterr().out
    found = re.search(r"https://desk\.example\.cn/desk/welcome/(\S+)", out)
    assert found is not None, out
    assert asyncio.run(link_account(db, found.group(1))) == ("李强", "officer", ("滨江区", "余杭区"))
    assert staff(db, "link", "李强") == 0
    newer = re.search(r"/desk/welcome/(\S+)", capsys.readouterr().out)
    assert newer is not None and newer.group(1) != found.group(1)
    assert asyncio.run(link_account(db, found.group(1))) is None  # the older link no longer works
    assert staff(db, "list") == 0
    assert capsys.readouterr().out.split("\t")[:3] == ["李强", "officer", "滨江区、余杭区"]


@pytest.mark.parametrize(("args", "said"), [
    (("add", "王芳", "--role", "officer"), "a district officer needs --district"),
    (("add", "王芳", "--role", "helpdesk", "--district", "滨江区"), "other roles take none"),
    (("add", "王芳", "--role", "officer", "--district", "火星区"), "unknown district '火星区'"),
    (("add", "王芳"), "staff add needs --role"),
    (("link", "无此人"), "no such account"),
])
def test_staff_mistakes_are_said_in_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 args: tuple[str, ...], said: str) -> None:
    assert staff(tmp_path / "bot.sqlite3", *args) == 2
    assert said in capsys.readouterr().err
