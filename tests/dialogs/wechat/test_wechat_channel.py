"""The WeChat endpoint in process, against the fake platform: the helpdesk taking a WeChat person over from
Telegram and handing back, a retry reaching another worker, the access token shared and refreshed."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiogram import Bot
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.db.engine import create_engine, sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import AnswerRow
from bot.dialogs.telegram import create_dispatcher
from bot.dialogs.telegram.recording import RecordingSession
from bot.dialogs.web.app import create_app
from bot.dialogs.wechat.client import WeChatClient, WeChatError
from bot.interview.loader import load_forms
from bot.service.keys import shared_key
from bot.service.sessions import Interviews
from tests.dialogs.telegram.tg_harness import Person
from tests.dialogs.wechat.wx_harness import APP_ID, SECRET, FakeWeChat, Quota, text_xml, wechat

STAFF = 7001


@pytest_asyncio.fixture
async def interviews(tmp_path: Path) -> AsyncIterator[Interviews]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    try:
        await upgrade(engine)
        service = Interviews(sessionmaker(engine), load_forms())
        yield service
        await service.close()
    finally:
        await engine.dispose()


async def answers(interviews: Interviews) -> int:
    async with interviews.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(AnswerRow)) or 0)


async def test_the_helpdesk_takes_a_wechat_person_over_and_hands_back(interviews: Interviews) -> None:
    async with wechat(interviews, staff=frozenset({f"tg:{STAFF}"})) as (wx, services):
        bot = Bot("123456:TEST", session=RecordingSession())
        dp = create_dispatcher(interviews, default_lang="zh", rate=10_000, burst=10_000, helpdesk=services.helpdesk,
                               notices=services.notices)
        staff = Person(dp, bot, STAFF, "zh-hans")
        try:
            person = wx.user("oHELPED")
            await person.say("开始 1")
            await person.say("1")
            opened = await interviews.current("wx:oHELPED")
            assert opened is not None
            before = len(person.seen)
            await staff.send(f"/take {opened.session_id}")
            await person.wait_quiet(before)
            told = person.texts()[before:]
            assert told == ["客服人员已接手您的问卷；交还时会通知您。"], told
            assert person.seen[-1].how == "api"

            held = await person.say("杭州自己填的公司")  # the owner cannot answer meanwhile: told why, nothing asked
            assert len(held) == 1 and held[0].startswith("✗ ")
            assert "回复数字选择" not in held[0] and "还可回复" not in held[0] and "进度" not in held[0]
            await staff.send("杭州客服代填有限公司")  # staff answer item 2 in their own chat

            before = len(person.seen)
            await staff.send("/handback")
            await person.wait_quiet(before)
            assert "交还" in person.texts()[-1]
            resumed = await person.say("续答")
            assert "进度 2/7" in resumed[-1] and "企业所属行业" in resumed[-1]
            review = await person.say("检查")
            assert "杭州客服代填有限公司" in review[0]
            assert "杭州自己填的公司" not in review[0]
        finally:
            await bot.session.close()


async def test_a_retry_reaching_another_worker_changes_nothing_and_shows_where_things_stand(
        interviews: Interviews) -> None:
    async with wechat(interviews) as (wx, services):
        other = TestServer(create_app(services, await shared_key(interviews.sessionmaker, "csrf")), host="127.0.0.1")
        await other.start_server()
        try:
            person = wx.user("oTWOWORKERS")
            await person.say("开始 1")
            await person.say("1")
            answered = person.exchanges[-1].msg_id
            count = await answers(interviews)
            first = wx.service_url
            wx.service_url = str(other.make_url("/wechat"))  # WeChat's retry lands on the other worker
            status, body = await wx.post(text_xml(person.openid, wx.account, "1", answered))
            wx.service_url = first
            assert status == 200
            shown = wx.read_reply(body, person.openid)
            assert shown is not None and "企业名称" in shown and "进度 1/7" in shown and "✗" not in shown
            assert await answers(interviews) == count
        finally:
            await other.close()


async def test_a_text_received_before_its_question_was_sent_is_not_applied_to_the_next_one(
        interviews: Interviews) -> None:
    """WeChat retries a message for 15 s: after an outage, a repeat the person typed while the question still
    showed can arrive after the first one moved the interview on; its CreateTime is older than the next screen."""
    async with wechat(interviews) as (wx, _services):
        person = wx.user("oEARLY")
        await person.say("开始 1")
        typed = int(time.time()) - 20  # "1" typed again for item 1, received before item 2 was sent
        await person.say("1")
        count = await answers(interviews)
        xml = text_xml(person.openid, wx.account, "1", 9_000_001)
        xml = re.sub(r"<CreateTime>\d+</CreateTime>", f"<CreateTime>{typed}</CreateTime>", xml)
        status, body = await wx.post(xml)
        assert status == 200
        shown = wx.read_reply(body, person.openid)
        assert shown is not None and "“1”未保存" in shown and "已保存：第 1 题" in shown and "企业名称" in shown
        assert await answers(interviews) == count  # not item 2's answer
        await person.say("杭州测试有限公司")  # typed after item 2 was sent: applied
        assert await answers(interviews) == count + 1


# --- the outbound client ----------------------------------------------------------------------------------------


@pytest_asyncio.fixture
async def platform(interviews: Interviews) -> AsyncIterator[FakeWeChat]:
    async with FakeWeChat(token="t", app_id=APP_ID, app_secret=SECRET) as wx:
        wx.user("oCLIENT").quota = Quota(5, time.time() + 3600)
        yield wx


def client(platform: FakeWeChat, interviews: Interviews) -> WeChatClient:
    return WeChatClient(platform.base_url, APP_ID, SECRET, interviews.sessionmaker, pauses=(0.01, 0.02))


async def test_workers_share_one_access_token_from_the_database(platform: FakeWeChat,
                                                                interviews: Interviews) -> None:
    one, two = client(platform, interviews), client(platform, interviews)
    try:
        await asyncio.gather(one.send_text("oCLIENT", "一"), two.send_text("oCLIENT", "二"))
        assert platform.token_fetches == 1
        assert sorted(platform.user("oCLIENT").texts()) == ["一", "二"]
    finally:
        await one.close()
        await two.close()


async def test_an_expired_token_is_refreshed_and_the_call_made_again(platform: FakeWeChat,
                                                                     interviews: Interviews) -> None:
    wechat_client = client(platform, interviews)
    try:
        await wechat_client.send_text("oCLIENT", "一")
        platform.expire_tokens()  # 42001 for the token the client holds
        await wechat_client.send_text("oCLIENT", "二")
        assert platform.token_fetches == 2
        assert platform.user("oCLIENT").texts() == ["一", "二"]
    finally:
        await wechat_client.close()


async def test_a_busy_platform_is_asked_again_and_a_spent_quota_is_not(platform: FakeWeChat,
                                                                       interviews: Interviews) -> None:
    wechat_client = client(platform, interviews)
    try:
        platform.refusals = [-1, 45009]
        await wechat_client.send_text("oCLIENT", "一")
        assert platform.user("oCLIENT").texts() == ["一"]
        platform.user("oCLIENT").quota = Quota(0, time.time() + 3600)
        with pytest.raises(WeChatError) as refused:
            await wechat_client.send_text("oCLIENT", "二")
        assert refused.value.code == 45047
        assert platform.user("oCLIENT").texts() == ["一"]
        platform.violations.clear()
    finally:
        await wechat_client.close()


async def test_the_custom_menu_is_set_and_its_clicks_answer(interviews: Interviews) -> None:
    async with wechat(interviews) as (wx, _):
        for _ in range(100):
            if wx.menus:
                break
            await asyncio.sleep(0.02)
        keys = [b.get("key") for top in wx.menus[0]["button"] for b in [top, *top.get("sub_button", [])]]
        assert {"START", "RESUME", "REVIEW", "REPORT", "CODE", "HELP"} <= set(keys)
        person = wx.user("oMENU")
        await person.event("CLICK", "START")
        assert "请选择问卷" in person.texts()[-1] and person.seen[-1].how == "passive"
        await person.say("开始 1")
        await person.event("CLICK", "REVIEW")
        assert "检查：已答 0/7" in person.texts()[-1]
        await person.event("CLICK", "CODE")
        assert "续答码" in person.texts()[-1]
