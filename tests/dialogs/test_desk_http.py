"""The desk over HTTP (its real application, the real service, a real SQLite file): every desk route sends a
signed-out browser to the sign-in page; every role is checked on the server, and what an account may not see is
answered exactly as what does not exist; wrong passwords back off; answering needs the session held."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

from openpyxl import load_workbook

from bot.interview import engine
from bot.service.events import Events, person
from bot.service.helpdesk import Helpdesk
from bot.service.sessions import Interviews
from bot.service.staff import StaffAccounts
from tests.desk_seed import YUHANG_COMPANY, seed_filing
from tests.webclient import WebPerson, web_server

PASSWORD = "correct horse battery"
#: the desk pages anyone may reach
PUBLIC = {"/desk/signin", "/desk/welcome/{token}", "/desk/lang", "/desk/signout"}


async def signed_in(server: object, accounts: StaffAccounts, name: str, role: str,
                    districts: tuple[str, ...] = ()) -> WebPerson:
    _, token = await accounts.add(name, role, districts)
    await accounts.set_password(token, PASSWORD)
    browser = WebPerson(server)  # type: ignore[arg-type]
    await browser.get("/desk/signin")
    await browser.post("/desk/signin", {"name": name, "password": PASSWORD, "then": "/desk"}, chat_fields=False)
    assert browser.status == 200 and "/desk/signout" in browser.page, browser.page[:500]
    return browser


async def test_every_desk_route_sends_a_signed_out_browser_to_sign_in(service: Interviews) -> None:
    async with web_server(service) as server:
        routes = {(r.method, r.resource.canonical) for r in server.app.router.routes()
                  if r.resource is not None and r.resource.canonical.startswith("/desk")}
        assert len(routes) > 20
        browser = WebPerson(server)
        try:
            for method, path in sorted(routes):
                if path in PUBLIC or method == "HEAD":
                    continue
                url = path.format(sid="1", n="1", district=quote("滨江区"), id="1")
                async with browser.http.request(method, browser.url(url), allow_redirects=False) as answer:
                    assert answer.status == 303, (method, path, answer.status)
                    assert answer.headers["Location"].startswith("/desk/signin?then="), (method, path)
        finally:
            await browser.close()


async def test_roles_are_checked_and_what_is_not_yours_does_not_exist(service: Interviews) -> None:
    helpdesk = Helpdesk(service)
    binjiang = await seed_filing(service, "web:a", "binjiang")
    yuhang = await seed_filing(service, "web:b", "yuhang")
    async with web_server(service, helpdesk=helpdesk) as server:
        accounts = StaffAccounts(service.sessionmaker, helpdesk)
        officer = await signed_in(server, accounts, "李强", "officer", ("滨江区",))
        helper = await signed_in(server, accounts, "王芳", "helpdesk")
        try:
            nothing = await officer.get("/desk/s/999999")
            assert officer.status == 404
            assert await officer.get(f"/desk/s/{yuhang}") == nothing and officer.status == 404
            for path in ("/desk/staff", f"/desk/export/{quote('余杭区')}", f"/desk/s/{yuhang}/files/0",
                         f"/desk/s/{binjiang}/erase"):
                assert await officer.get(path) == nothing and officer.status == 404, path
            await officer.get(f"/desk/s/{binjiang}")
            assert officer.status == 200 and "杭州" in officer.page and "/take" not in officer.page
            await officer.post(f"/desk/s/{binjiang}/reopen", {"reason": "x"}, chat_fields=False)
            assert officer.status == 404
            async with officer.http.get(officer.url(f"/desk/export/{quote('滨江区')}")) as answer:
                assert answer.status == 200
                sheet = load_workbook(io.BytesIO(await answer.read())).active
            assert sheet is not None
            cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
            assert YUHANG_COMPANY not in cells
            # the helpdesk helps; it does not manage staff or export districts
            for path in ("/desk/staff", f"/desk/export/{quote('滨江区')}"):
                await helper.get(path)
                assert helper.status == 404, path
            await helper.get(f"/desk/s/{yuhang}")
            assert helper.status == 200 and "余杭区" in helper.page
        finally:
            await officer.close()
            await helper.close()


async def test_answering_needs_the_session_held_and_wrong_passwords_back_off(service: Interviews) -> None:
    helpdesk = Helpdesk(service)
    opened = await service.open("web:p", "hangzhou-eligibility")
    async with web_server(service, helpdesk=helpdesk) as server:
        accounts = StaffAccounts(service.sessionmaker, helpdesk)
        helper = await signed_in(server, accounts, "王芳", "helpdesk")
        try:
            await helper.get(f"/desk/s/{opened.session_id}")
            await helper.post(f"/desk/s/{opened.session_id}/answer", {"do": "pick:yes", "session":
                                                                      str(opened.session_id), "key": "q:x"},
                              chat_fields=False)
            assert helper.notes("refusal") == ["✗ 请先接手此问卷，再代填报人作答。"]
            await helper.post(f"/desk/s/{opened.session_id}/take", {}, chat_fields=False)
            assert "您正在代填报人作答" in helper.page
            await helper.post(f"/desk/s/{opened.session_id}/answer", {"do": "pick:yes"})
            assert helper.notes("saved") == ["✓ 已保存：是"], helper.page[:300]
            _, state = await service.load(opened.session_id)
            assert state.answers["registered_in_hangzhou"].value is True and "registered_in_hangzhou" in \
                state.staff_items
            # the person meanwhile is refused
            step = await service.apply(opened.session_id, engine.Text("杭州"), actor="web:p")
            assert step.error is not None and step.error.code == "held_by_staff"
        finally:
            await helper.close()
        stranger = WebPerson(server)
        try:
            await stranger.get("/desk/signin")
            for _ in range(5):
                await stranger.post("/desk/signin", {"name": "王芳", "password": "guess", "then": "/desk"},
                                    chat_fields=False)
                assert stranger.status == 401 and "姓名或密码错误" in stranger.page
            await stranger.post("/desk/signin", {"name": "王芳", "password": PASSWORD, "then": "/desk"},
                                chat_fields=False)
            assert stranger.status == 429 and "密码错误次数过多" in stranger.page
        finally:
            await stranger.close()


async def test_an_admin_adds_staff_links_telegram_and_deactivates(service: Interviews) -> None:
    helpdesk = Helpdesk(service)
    async with web_server(service, helpdesk=helpdesk) as server:
        accounts = StaffAccounts(service.sessionmaker, helpdesk)
        admin = await signed_in(server, accounts, "赵敏", "admin")
        try:
            await admin.get("/desk/staff")
            await admin.post("/desk/staff", [("name", "李强"), ("role", "officer"), ("district", "滨江区"),
                                             ("district", "不存在区")], chat_fields=False)
            link = re.search(r"/desk/welcome/([\w-]+)", admin.page)
            assert admin.status == 200 and link is not None
            officer = await accounts.link_account(link.group(1))
            assert officer is not None and (officer.name, officer.role, officer.districts) == \
                ("李强", "officer", ("滨江区",))
            await admin.post("/desk/staff", {"name": "李强", "role": "helpdesk"}, chat_fields=False)
            assert admin.status == 400 and "已有同名账户" in admin.page
            await admin.post("/desk/staff", {"name": "王芳", "role": "officer"}, chat_fields=False)
            assert admin.status == 400 and "至少需要一个区县" in admin.page
            await admin.post("/desk/staff", {"name": "王芳", "role": "helpdesk", "telegram": "7001"},
                             chat_fields=False)
            helper = await accounts.named("王芳")
            assert helper is not None and helper.telegram_id == 7001 and await helpdesk.is_staff("tg:7001")
            await admin.post(f"/desk/staff/{helper.id}/telegram", {"telegram": ""}, chat_fields=False)
            assert not await helpdesk.is_staff("tg:7001")
            await admin.post(f"/desk/staff/{helper.id}/active", {"active": "0"}, chat_fields=False)
            assert not await helpdesk.is_staff(helper.actor)
            me = await accounts.named("赵敏")
            assert me is not None
            await admin.post(f"/desk/staff/{me.id}/active", {"active": "0"}, chat_fields=False)
            assert admin.status == 400 and "不能停用自己的账户" in admin.page
        finally:
            await admin.close()


async def test_contract_staff_copy_and_erasure(service: Interviews) -> None:
    helpdesk = Helpdesk(service)
    filing = await seed_filing(service, "web:a", "binjiang")
    async with web_server(service, helpdesk=helpdesk) as server:
        accounts = StaffAccounts(service.sessionmaker, helpdesk)
        helper = await signed_in(server, accounts, "王芳", "helpdesk")
        me = await accounts.named("王芳")
        assert me is not None
        try:
            # the staff copy of a submitted filing, its download recorded
            async with helper.http.get(helper.url(f"/desk/s/{filing}/files/0")) as answer:
                assert answer.status == 200 and answer.content_type == "application/pdf"
                assert (await answer.read()).startswith(b"%PDF")
            # a contract drafted for the filing's owner, held by staff, the owner told
            await helper.get(f"/desk/s/{filing}")
            assert "下载了" in helper.page and "起草服务合同" in helper.page
            await helper.post(f"/desk/s/{filing}/contract/2", {}, chat_fields=False)
            drafted = re.search(r"/desk/s/(\d+)/handback", helper.page)
            assert drafted is not None and int(drafted.group(1)) != filing
            owner, held_by = await service.holder(int(drafted.group(1)))
            assert (owner, held_by) == ("web:a", me.actor)
            form, _ = await service.load(int(drafted.group(1)))
            assert form.id == "hangzhou-contract" and f'<a href="/desk/s/{filing}">备案 #{filing}，服务商 2</a>' in \
                helper.page
            told = await Events(service.sessionmaker).after(person("web:a"), 0)
            assert [e.kind for e in told] == ["taken"]
            # erasing the person: the confirmation names what goes, then nothing is left
            await helper.get(f"/desk/s/{filing}/erase")
            assert "2 份问卷" in helper.page
            await helper.post(f"/desk/s/{filing}/erase", {}, chat_fields=False)
            assert "填报人的数据已删除。" in helper.page, helper.page[:400]
            for session_id in (filing, int(drafted.group(1))):
                await helper.get(f"/desk/s/{session_id}")
                assert helper.status == 404
        finally:
            await helper.close()
