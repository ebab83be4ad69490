"""The staff desk in a real browser, beside a person on the web chat (two browser contexts, one service process):

- a signed-out browser reaching any desk URL lands on the sign-in page; wrong passwords back off;
- a person asks for help → the request appears in the open queue without a reload → staff take over → the
  person's page says so, shows no answer form and refuses what the old form sends → staff answer two items (one
  refused, with the reason) → hand back → the person is told what staff changed and sees the staff marks on the
  review; the audit trail names each step and each view in words;
- a 滨江区 officer downloads 滨江区's workbook and gets "not found" for a 余杭区 filing.

Staff accounts are made before the service starts (as `python -m bot staff add` makes them, tests/cli); each
signs in first through its one-time link.  With DESK_SHOTS=DIR the queue, a session page and a takeover are saved
there at desktop width.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.dialogs.desk.session import TAKEN
from bot.i18n import Translator
from bot.interview.loader import load_forms
from bot.service.handback import HANDED_BACK
from bot.service.helpdesk import Helpdesk
from bot.service.sessions import Interviews
from bot.service.staff import StaffAccounts
from bot.texts import ERRORS
from tests.desk_seed import BINJIANG_COMPANY, YUHANG_COMPANY, seed_filing
from tests.web.harness import Service

pytestmark = pytest.mark.slow

ZH = Translator("zh")
PASSWORD = "correct horse battery"
COMPANY = "杭州求助测试科技有限公司"
SHOTS = os.environ.get("DESK_SHOTS")


def in_thread(work: Any) -> Any:
    """Run a coroutine function to its end on its own event loop (the browser owns this thread's)."""
    found: list[Any] = []
    thread = threading.Thread(target=lambda: found.append(asyncio.run(work())))
    thread.start()
    thread.join()
    return found[0]


class Desk:
    def __init__(self, service: Service, filings: dict[str, int], links: dict[str, str]) -> None:
        self.service = service
        self.filings = filings
        self.links = links


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    running = Service(tmp_path_factory.mktemp("desk"))

    async def seed() -> tuple[dict[str, int], dict[str, str]]:
        engine = create_engine(running.env()["DATABASE_URL"])
        await upgrade(engine)
        interviews = Interviews(sessionmaker(engine), load_forms())
        accounts = StaffAccounts(interviews.sessionmaker, Helpdesk(interviews))
        try:
            filings = {d: await seed_filing(interviews, f"web:seed-{d}", d) for d in ("binjiang", "yuhang")}
            tokens = {name: (await accounts.add(name, role, districts))[1]
                      for name, role, districts in (("王芳", "helpdesk", ()), ("李强", "officer", ("滨江区",)),
                                                    ("赵敏", "admin", ()))}
            return filings, {name: f"{running.url}/desk/welcome/{token}" for name, token in tokens.items()}
        finally:
            await interviews.close()
            await engine.dispose()

    filings, links = in_thread(seed)
    running.start()
    yield Desk(running, filings, links)
    code = running.stop()
    assert code == 0, running.output()


def first_visit(page: Any, link: str) -> None:
    """The one-time link: set the password, signed in."""
    page.goto(link)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.click("form button.primary")
    page.wait_for_url(re.compile(r".*/desk$"))


def shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_signed_out_browsers_land_on_sign_in_and_wrong_passwords_back_off(desk: Desk, desktop: Any) -> None:
    url = desk.service.url
    page = desktop.new_page()
    for path in ("/desk", f"/desk/s/{desk.filings['binjiang']}", "/desk/staff", f"/desk/export/{quote('滨江区')}",
                 "/desk/s/1/erase"):
        page.goto(url + path)
        assert page.url.startswith(url + "/desk/signin?then="), path
        assert page.locator("form[action='/desk/signin'] input[name=password]").count() == 1
    first_visit(page, desk.links["赵敏"])
    page.click("form[action='/desk/signout'] button")
    page.goto(url + "/desk/staff")  # signed out again: the sign-in page, and back here after it
    for _ in range(5):
        page.fill("input[name=name]", "赵敏")
        page.fill("input[name=password]", "a wrong guess")
        page.click("form[action='/desk/signin'] button")
        assert page.locator(".note.refusal").inner_text() == "✗ " + ZH.ui("Wrong name or password.")
    page.fill("input[name=password]", PASSWORD)  # right, but too soon
    page.click("form[action='/desk/signin'] button")
    assert "密码错误次数过多" in page.locator(".note.refusal").inner_text()
    page.wait_for_timeout(1600)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/desk/signin'] button")
    page.wait_for_url(url + "/desk/staff")
    assert page.locator("table.queue td", has_text="李强").count() == 1


def test_a_person_asks_for_help_and_the_helpdesk_takes_over_answers_and_hands_back(desk: Desk, phone: Any,
                                                                                   desktop: Any) -> None:
    url = desk.service.url
    staff = desktop.new_page()
    first_visit(staff, desk.links["王芳"])
    staff.evaluate("window.stillHere = true")  # gone if the queue page reloads

    person = phone.new_page()
    person.goto(url + "/")
    person.click("form[action='/consent'] button")
    person.click("form[action='/start/hangzhou-eligibility'] button")
    person.wait_for_url(url + "/chat")
    person.click("button[value='pick:yes']")
    person.fill("#text", COMPANY)
    person.click("form.answer button[value='text']")
    person.wait_for_selector("button[value='pick:telecom_equipment']")
    person.click("form[action='/help'] button")

    waiting = staff.locator(".waiting table.queue a", has_text=COMPANY)
    waiting.wait_for(timeout=15000)  # pushed: no reload
    assert staff.evaluate("window.stillHere") is True
    shot(staff, "queue")
    old_form = person.eval_on_selector_all("form.answer input[type=hidden]",
                                           "inputs => Object.fromEntries(inputs.map(i => [i.name, i.value]))")

    waiting.click()
    staff.wait_for_selector("form[action$='/take']")
    shot(staff, "session")
    staff.click("form[action$='/take'] button")
    staff.wait_for_selector(".takeover")

    # the person: told, no answer form, and what the old form sends is refused with the reason
    held = ZH.ui(ERRORS["held_by_staff"])
    person.wait_for_selector("p.held", timeout=15000)
    assert person.locator("form.answer").count() == 0
    assert held in person.locator(".note.held").inner_text()
    assert person.locator(".note.notice", has_text=ZH.ui(TAKEN)).count() >= 1
    refused = person.request.post(url + "/chat", form={**old_form, "do": "pick:auto_parts"})
    assert held in refused.text()

    # staff answer two items; one is refused first, with the reason
    staff.click(".takeover button[value='pick:telecom_equipment']")
    staff.wait_for_selector(".takeover textarea[name=text]")
    staff.fill(".takeover textarea[name=text]", "很多")
    staff.click(".takeover button[value='text']")
    assert staff.locator(".note.refusal").inner_text().startswith("✗ " + ZH.ui(ERRORS["not_an_integer"]))
    shot(staff, "takeover")
    staff.fill(".takeover textarea[name=text]", "120")
    staff.click(".takeover button[value='text']")
    staff.wait_for_selector(".note.saved")
    staff.click("form[action$='/handback'] button")
    staff.wait_for_selector("form[action$='/take']")

    # the person: told what changed, the form back, the staff marks on the review
    told = person.locator(".note.notice", has_text=ZH.ui(HANDED_BACK))
    told.wait_for(timeout=15000)
    assert "3. 企业所属行业：通信设备制造；4. 企业在职职工数（人）：120" in told.inner_text()
    person.wait_for_selector("form.answer")
    person.click("form.answer button[value='review']")
    person.wait_for_selector("section.review")
    mark = ZH.ui(" (entered by helpdesk)").strip()
    marked = [t.split("\n")[0] for t in person.locator("section.review li", has=person.locator("em.staff"))
              .all_inner_texts()]
    assert len(marked) == 2 and "企业所属行业" in marked[0] and "企业在职职工数" in marked[1], marked
    assert person.locator("em.staff").first.inner_text() == mark

    # the audit trail, in words
    staff.reload()
    trail = staff.locator(".trail").inner_text()
    for words in ("王芳 查看了本问卷页面", "王芳 接手了问卷", "王芳 回答了「3. 企业所属行业」：通信设备制造",
                  "王芳 回答了「4. 企业在职职工数（人）」：120", "王芳 交还了问卷", "填报人 请求人工协助"):
        assert words in trail, words
    assert not re.search(r"telecom|desk:|web:", trail)


def test_a_district_officer_exports_their_district_and_cannot_see_another(desk: Desk, desktop: Any) -> None:
    url = desk.service.url
    page = desktop.new_page()
    first_visit(page, desk.links["李强"])
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 1 and BINJIANG_COMPANY in rows.first.inner_text()
    with page.expect_download() as download:
        page.click("a[href^='/desk/export/']")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet is not None
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert BINJIANG_COMPANY in cells and YUHANG_COMPANY not in cells

    answer = page.goto(f"{url}/desk/s/{desk.filings['yuhang']}")
    assert answer is not None and answer.status == 404
    not_yours = page.locator("main").inner_text()
    answer = page.goto(f"{url}/desk/s/987654")
    assert answer is not None and answer.status == 404 and page.locator("main").inner_text() == not_yours
    answer = page.goto(f"{url}/desk/export/{quote('余杭区')}")
    assert answer is not None and answer.status == 404

    page.goto(f"{url}/desk/s/{desk.filings['binjiang']}")
    trail = page.locator(".trail").inner_text()
    assert "李强 导出了滨江区的附件5 备案汇总表（含本问卷）" in trail and "李强 查看了本问卷页面" in trail
    assert page.locator("form[action$='/take'], form[action$='/reopen']").count() == 0
