"""The desk's takeover reaches a person on Telegram: `python -m bot run` serves the desk and Telegram (its real
Dispatcher, against the fake Bot API of tests/e2e); staff take the person's interview over in the browser, the
person is told in a Telegram message and their input is refused meanwhile; staff answer and hand back, and the
person is told what changed."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.dialogs.desk.session import TAKEN
from bot.i18n import Translator
from bot.interview.loader import load_forms
from bot.service.handback import GO_ON, HANDED_BACK
from bot.service.helpdesk import Helpdesk
from bot.service.sessions import Interviews
from bot.service.staff import StaffAccounts
from bot.texts import ERRORS
from tests.web.harness import Service

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from fake_bot_api import FakeBotAPI, FakeUser

pytestmark = pytest.mark.slow

T = TypeVar("T")
ZH = Translator("zh")
PASSWORD = "correct horse battery"
ELIGIBILITY = load_forms()["hangzhou-eligibility"]
COMPANY = "杭州电报测试科技有限公司"


class Loop:
    """An event loop in its own thread for the fake Bot API: the browser drives this test's thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class Telegram:
    def __init__(self, loop: Loop, api: FakeBotAPI, service: Service, link: str) -> None:
        self.loop, self.api, self.service, self.link = loop, api, service, link

    def person(self, user_id: int, name: str) -> FakeUser:
        async def make() -> FakeUser:
            return self.api.user(user_id, name, language_code="zh-hans")

        return self.loop.run(make())

    def message(self, user: FakeUser, contains: str) -> str:
        entry = self.loop.run(user.wait_message(contains=contains, timeout=20.0, edited=False))
        return str(entry.get("text") or "")


@pytest.fixture
def telegram(tmp_path: Path) -> Iterator[Telegram]:
    loop = Loop()
    api = loop.run(FakeBotAPI().start())

    async def seed() -> str:
        engine = create_engine(service.env()["DATABASE_URL"])
        await upgrade(engine)
        interviews = Interviews(sessionmaker(engine), load_forms())
        try:
            _, token = await StaffAccounts(interviews.sessionmaker, Helpdesk(interviews)).add("王芳", "helpdesk")
            return token
        finally:
            await interviews.close()
            await engine.dispose()

    service = Service(tmp_path, env={"BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.base_url,
                                     "DEFAULT_LANG": "zh"})
    token = loop.run(seed())
    service.start()
    try:
        loop.run(api.wait_polling(timeout=30.0), timeout=40.0)
        yield Telegram(loop, api, service, f"{service.url}/desk/welcome/{token}")
    finally:
        code = service.stop()
        loop.run(api.close())
        loop.close()
        assert code == 0, service.output()


def test_a_takeover_at_the_desk_reaches_a_person_on_telegram(telegram: Telegram, desktop: Any) -> None:
    person = telegram.person(2001, "张三")
    telegram.loop.run(person.send("/start"))
    telegram.message(person, ZH.form(ELIGIBILITY.title))
    telegram.loop.run(person.press(ZH.form(ELIGIBILITY.title)))
    telegram.message(person, "1.")
    telegram.loop.run(person.press(ZH.ui("Yes")))
    telegram.message(person, "2.")
    telegram.loop.run(person.send(COMPANY))
    telegram.message(person, "3.")

    staff = desktop.new_page()
    staff.goto(telegram.link)
    staff.fill("input[name=password]", PASSWORD)
    staff.fill("input[name=again]", PASSWORD)
    staff.click("form button.primary")
    row = staff.locator("table.queue tr", has_text=COMPANY)
    assert "Telegram" in row.inner_text()
    row.locator("a").first.click()
    staff.click("form[action$='/take'] button")
    staff.wait_for_selector(".takeover")

    assert ZH.ui(TAKEN) in telegram.message(person, ZH.ui(TAKEN))
    telegram.loop.run(person.send("1"))  # the person answers meanwhile: refused, with the reason
    telegram.message(person, ZH.ui(ERRORS["held_by_staff"]))

    staff.click(".takeover button[value='pick:telecom_equipment']")
    staff.wait_for_selector(".note.saved")
    staff.click("form[action$='/handback'] button")
    staff.wait_for_selector("form[action$='/take']")
    told = telegram.message(person, ZH.ui(HANDED_BACK))
    assert "3. 企业所属行业：通信设备制造" in told and ZH.ui(GO_ON["tg"]) in told
