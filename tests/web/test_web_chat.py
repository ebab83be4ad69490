"""The web chat in a real browser (the system's Chromium at an iPhone's size, with WeChat's user agent), against
the service running as a process: a district's enterprise from the eligibility check to its service contract, as
the other channels' scripts answer them, with the refusals, a repeatable group's back and discard, the review,
an edit, the confirmation and the documents read back; then what a phone does to a person: a reload, the
network gone mid-answer, a second tab, a second browser, and no JavaScript at all."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bot.i18n import Translator
from bot.interview.errors import AnswerError
from bot.interview.loader import load_forms
from bot.present import error_text
from tests.cli.test_console import lines_for
from tests.cli.test_console_contract import PROVIDERS, contract
from tests.cli.test_console_forms import CODE, COMPANY, ELIGIBILITY, FILING
from tests.scoring.miit_answers import extreme_answers
from tests.web.driver import Chat
from tests.web.harness import PHONE, Service

ZH = Translator("zh")
FORMS = load_forms()


def db_of(service: Service) -> Path:
    return service.workdir / "bot.sqlite3"


def stored(service: Service, form_id: str) -> dict[str, Any]:
    """The answers of the latest session of `form_id`, as the database holds them."""
    with sqlite3.connect(db_of(service)) as conn:
        row = conn.execute("select id from interview_sessions where form_id = ? order by id desc limit 1",
                           (form_id,)).fetchone()
        assert row is not None, form_id
        return {item: json.loads(value) for item, value in
                conn.execute("select item_id, value from answers where session_id = ?", (row[0],))}


def answer_count(service: Service) -> int:
    with sqlite3.connect(db_of(service)) as conn:
        return int(conn.execute("select count(*) from answers").fetchone()[0])


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        return subprocess.run(["pdftotext", "-layout", pdf.name, "-"], capture_output=True, text=True,
                              check=True).stdout


def agree_and_start(page: Any, service: Service, form_id: str) -> Chat:
    page.goto(service.url + "/")
    if page.locator("form[action='/consent']").count():
        page.click("form[action='/consent'] button")
    page.click(f"form[action='/start/{form_id}'] button")
    page.wait_for_selector("main#app.chat")
    return Chat(page)


def documents(page: Any, service: Service) -> dict[str, bytes]:
    """The result page's files, downloaded with the page's own cookies (waiting for them to be rendered)."""
    chat = Chat(page)
    for _ in range(100):
        if page.locator("main#app ul.docs a.file").count():
            break
        page.wait_for_timeout(300)
        chat.after(lambda: page.evaluate("() => location.reload()"))
    files: dict[str, bytes] = {}
    for link in page.locator("main#app ul.docs a.file").all():
        answer = page.request.get(service.url + str(link.get_attribute("href")))
        assert answer.ok, answer.status
        files[link.inner_text().removeprefix("⬇ ").strip()] = answer.body()
    return files


def test_an_enterprise_from_the_eligibility_check_to_its_contract(service: Service, phone: Any) -> None:
    page = phone.new_page()
    chat = agree_and_start(page, service, "hangzhou-eligibility")
    # the eligibility check, its refusals shown with what was typed
    chat.answer(ELIGIBILITY[0])
    assert chat.notes("refusal"), "a yes/no typed as 3 is refused"
    chat.script(ELIGIBILITY[1:4])
    chat.answer("-5")
    refused = chat.notes("refusal")[0]
    assert "-5" in refused  # the typed text is shown with the reason
    chat.script(ELIGIBILITY[5:])
    assert chat.kind() == "result"
    assert stored(service, "hangzhou-eligibility")["company_name"] == COMPANY
    # the interviews that come next are offered: the 2022 self-assessment, answered through to its result
    page.click("main#app form[action='/start/miit-2022'] button")
    page.wait_for_selector("main#app[data-kind='question']")
    miit = FORMS["miit-2022"]
    lines = lines_for(miit, {**extreme_answers(miit, "best"), "q2": "20%"})
    chat.script(lines)
    assert chat.kind() == "review"
    chat.answer("提交")
    assert chat.kind() == "confirm"
    chat.answer("提交")
    assert chat.kind() == "result" and "四级" in chat.question()
    report = documents(page, service)
    assert any(name.endswith(".pdf") for name in report)
    assert COMPANY in pdf_text(next(c for n, c in report.items() if n.endswith(".pdf")))

    # the filing with two providers: back inside an entry keeps what was typed, discard drops a half-typed one
    page.goto(service.url + "/")
    page.click("form[action='/start/hangzhou-filing'] button")
    page.wait_for_selector("main#app.chat")
    first_provider = FILING.index(PROVIDERS[0])
    chat.script(FILING[:first_provider + 3])  # name, credit code, legal representative
    chat.answer("返回")  # back inside the entry: the legal representative again, its value kept
    assert "王五" in page.inner_text("main#app")
    chat.answer("王五")
    add_second = FILING.index("新增")
    chat.script(FILING[first_provider + 3:add_second + 1])
    chat.answer("杭州临时服务商有限公司")  # a third provider started …
    assert page.locator("main#app button[value='discard']").count() == 1
    chat.press("discard")  # … and dropped: only the discard button drops it
    assert chat.kind() == "group_menu" and "杭州临时服务商有限公司" not in page.inner_text("main#app")
    chat.script(FILING[add_second:])
    assert chat.kind() == "result"
    filing = stored(service, "hangzhou-filing")
    assert [p["name"] for p in filing["providers"]] == list(PROVIDERS)
    assert filing["credit_code"] == CODE
    files = documents(page, service)
    assert any(name.endswith(".docx") for name in files) and any(name.endswith(".pdf") for name in files)

    # the contract with provider 1, drafted from the filing's result
    page.click("main#app form[action$='/0'] button")
    page.wait_for_selector("main#app[data-kind='question']")
    script = contract("1,000,000.10", code=["跳过"], supplier=PROVIDERS[0])
    chat.script(script[:-2])
    assert chat.kind() == "review"
    assert any("项目预期投入" in w or "expected investment" in w
               for w in page.locator("main#app .review .note.warning").all_inner_texts()), \
        "the contract's total is compared with the filing before submitting"
    chat.answer("修改 1")  # an edit from the review, then back to it
    assert chat.kind() == "question"
    chat.answer("沿用")
    assert chat.kind() == "review"
    chat.script(["提交", "提交"])
    assert chat.kind() == "result"
    signed = documents(page, service)
    contract_pdf = next(c for n, c in signed.items() if n.endswith(".pdf"))
    assert "壹佰万" in pdf_text(contract_pdf) and PROVIDERS[0] in pdf_text(contract_pdf)
    # a preview of the pages, for a phone that cannot open a PDF inline
    page.click("main#app ul.docs a.preview >> nth=0")
    page.wait_for_selector("main.preview img")
    first = page.locator("main.preview img").first
    picture = page.request.get(service.url + str(first.get_attribute("src")))
    assert picture.ok and picture.body()[:8] == b"\x89PNG\r\n\x1a\n"


def test_reload_offline_and_a_second_tab_lose_nothing_and_double_nothing(service: Service, phone: Any) -> None:
    page = phone.new_page()
    chat = agree_and_start(page, service, "miit-2022")
    chat.answer("2")
    # a reload in the middle resumes where the interview stands
    page.reload()
    assert "2." in page.inner_text("main#app section.bubble h2") and chat.kind() == "question"
    # the network drops while an answer is sent: it is kept, sent again when the network is back, stored once
    before = answer_count(service)
    phone.set_offline(True)
    page.locator("main#app button.choice:has(span.n:text-is('3'))").click()
    page.wait_for_selector("#offline")
    assert answer_count(service) == before
    chat.after(lambda: phone.set_offline(False))
    assert answer_count(service) == before + 1
    assert stored(service, "miit-2022")["q2"] == "b3"
    assert page.locator("#offline").count() == 0
    # the same form sent twice (a resend after a reply that never arrived) is saved once
    fields = {n: str(page.locator(f"main#app form.answer input[name={n}]").get_attribute("value"))
              for n in ("csrf", "session", "key", "nonce")}
    count = answer_count(service)
    first_send = page.request.post(service.url + "/chat", form={**fields, "do": "pick:b1"})
    again = page.request.post(service.url + "/chat", form={**fields, "do": "pick:b1"})
    assert first_send.ok and again.ok
    assert answer_count(service) == count + 1 and ZH.ui("Already saved.") in again.text()
    page.reload()
    key_before, count = chat.key(), answer_count(service)
    # a second tab of the same browser shows the same interview; an answer given on the older tab is stale
    other = phone.new_page()
    other.goto(service.url + "/chat")
    tab = Chat(other)
    assert tab.key() == key_before
    chat.answer("1")  # answered in the first tab
    assert answer_count(service) == count + 1
    tab.answer("2")  # the second tab still shows the question just answered
    assert tab.notes("stale") == ["✗ " + error_text(AnswerError("stale_screen"), ZH)]
    assert tab.key() == chat.key()  # and now shows where the interview stands
    assert answer_count(service) == count + 1 and "q5" not in stored(service, "miit-2022")


def test_a_refresh_neither_brings_an_answered_question_back_nor_unticks_a_choice(service: Service,
                                                                                      phone: Any) -> None:
    """A push refreshes the page while the person answers; the refresh's reply (the question before the answer)
    arrives last.  The page keeps the answer's screen: an older page never replaces a newer one.  A refresh of the
    screen the person is on keeps what they ticked."""
    page = phone.new_page()
    chat = agree_and_start(page, service, "miit-2022")
    first = chat.key()
    held: list[Any] = []

    def hold_refresh(route: Any) -> None:
        if route.request.method == "GET" and not held:
            held.append((route, route.fetch()))  # the page before the answer, delivered after it below
        else:
            route.continue_()

    page.route("**/chat", hold_refresh)
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")  # what a push does: refresh
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the refresh was sent"
    chat.answer("2")
    second = chat.key()
    assert second != first
    route, older = held[0]
    route.fulfill(response=older)  # the older page arrives now
    page.wait_for_timeout(500)
    assert chat.key() == second and "✗" not in " ".join(chat.notes("stale"))
    # a refresh while the person is ticking a multiple choice keeps their ticks
    page.unroute("**/chat")
    chat.script(["20%", "4", "4"])
    toggles = page.locator("main#app label.toggle")
    assert toggles.count() > 3
    toggles.nth(0).click()
    toggles.nth(2).click()
    chat.after(lambda: page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))"))
    ticked = [page.locator("main#app label.toggle input").nth(n).is_checked() for n in range(4)]
    assert ticked == [True, False, True, False]


def test_another_browser_sees_nothing_of_the_first_persons(service: Service, phone: Any, browser: Any) -> None:
    page = phone.new_page()
    chat = agree_and_start(page, service, "hangzhou-eligibility")
    chat.script(ELIGIBILITY[1:2])
    with sqlite3.connect(db_of(service)) as conn:
        session_id = conn.execute("select max(id) from interview_sessions").fetchone()[0]
    stranger = browser.new_context(**PHONE)
    try:
        other = stranger.new_page()
        other.goto(service.url + "/chat")
        assert other.locator("form[action='/consent']").count() == 1  # no session: the privacy notice
        other.click("form[action='/consent'] button")
        for path in (f"/s/{session_id}", f"/s/{session_id}/0", f"/s/{session_id}/0/pages", "/d/forged.token"):
            answer = other.request.get(service.url + path)
            assert answer.status == 404, path
        other.goto(service.url + "/chat")
        assert "main#app.chat" not in other.content() and COMPANY not in other.content()
        assert other.url.rstrip("/") == service.url  # sent to the list of interviews, not into the other's
    finally:
        stranger.close()


def test_without_javascript_the_eligibility_check_completes(service: Service, browser: Any) -> None:
    context = browser.new_context(**PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        agree_and_start(page, service, "hangzhou-eligibility")
        for line in ELIGIBILITY:
            before = page.url, page.content()
            _plain(page, line)
            assert page.content() != before[1]
        assert page.get_attribute("main#app", "data-kind") == "result"
        assert re.search(r"符合|不符合", page.inner_text("main#app"))
    finally:
        context.close()


def _plain(page: Any, line: str) -> None:
    """Without JavaScript every press is a form POST answered by the whole page."""
    from tests.web.driver import BUTTONS

    for do in BUTTONS.get(line, ()):
        button = page.locator(f"main#app button[value='{do}']")
        if button.count():
            with page.expect_navigation():
                button.first.click()
            return
    toggles = page.locator("main#app label.toggle")
    if toggles.count() and re.fullmatch(r"\d+( \d+)*", line):
        for n in (int(x) for x in line.split()):
            toggles.nth(n - 1).click()
        with page.expect_navigation():
            page.locator("main#app button[value='choose']").click()
        return
    choice = page.locator(f"main#app button.choice:has(span.n:text-is('{line}'))")
    if line.isdigit() and choice.count():
        with page.expect_navigation():
            choice.first.click()
        return
    closed = page.locator("main#app details.type-instead:not([open]) summary")
    if closed.count():
        closed.first.click()
    page.fill("main#app #text", line)
    with page.expect_navigation():
        page.locator("main#app button[value='text']").first.click()
