"""WeChat end to end: `python -m bot run` as a process (tests/web/harness.py Service) with WECHAT_* set, against the
fake WeChat platform (tests/e2e/fake_wechat.py) on 127.0.0.1 — in plain mode and in safe mode (AES).

A person subscribes, checks eligibility, goes on to the 2022 self-assessment and gets the result with links to the
report (one link fetched: the PDF); a refusal shows what was typed; the submission's reply, which renders the
documents and takes longer than the budget, arrives as customer-service messages, and WeChat's retry of it sends
nothing twice; the full review (over 2,048 bytes) arrives as two messages split on line boundaries; a request with a
wrong signature gets 403 and changes nothing.
"""

from __future__ import annotations

import asyncio
import base64
import re
import secrets
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from tests.e2e.fake_wechat import MAX_BYTES, FakeUser, FakeWeChat, free_port, sign
from tests.web.harness import Service

pytestmark = pytest.mark.slow

TOKEN = "e2etoken"
APP_ID = "wxe2e0123456789ab"
SECRET = "e2esecret"
#: the service waits this long for a reply before sending it by the API (WeChat waits 5 s; the documents' first
#: rendering takes longer than this)
BUDGET = 0.5


@pytest.fixture(scope="module", params=["plain", "safe"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def aes_key(mode: str) -> str | None:
    return base64.b64encode(secrets.token_bytes(32)).decode().rstrip("=") if mode == "safe" else None


@pytest.fixture(scope="module")
def api_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, aes_key: str | None, api_port: int) -> Iterator[Service]:
    env = {"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": SECRET,
           "WECHAT_API_URL": f"http://127.0.0.1:{api_port}", "WECHAT_REPLY_BUDGET": str(BUDGET)}
    if aes_key:
        env["WECHAT_AES_KEY"] = aes_key
    running = Service(tmp_path_factory.mktemp("wechat"), env=env).start()
    yield running
    assert running.stop() == 0, running.output()


@pytest_asyncio.fixture
async def wx(service: Service, aes_key: str | None, api_port: int) -> AsyncIterator[FakeWeChat]:
    fake = FakeWeChat(token=TOKEN, app_id=APP_ID, app_secret=SECRET, aes_key=aes_key)
    fake.port = api_port
    async with fake:
        fake.service_url = service.url + "/wechat"
        yield fake
        assert not fake.violations, fake.violations


def fetch(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.headers.get("Content-Type", ""), answer.read()


async def answer_all(person: FakeUser, *, limit: int = 60) -> list[str]:
    """Answer "1" (or skip where "1" is refused) until the review list comes; the messages of that last step."""
    got: list[str] = []
    for _ in range(limit):
        got = await person.say("1")
        if got[0].startswith("✗"):
            got = await person.say("跳过")
        if any("检查：已答" in m for m in got):
            return got
    raise AssertionError(f"no review after {limit} answers: {person.texts()[-3:]}")


async def test_eligibility_then_the_self_assessment_to_the_report(wx: FakeWeChat, service: Service) -> None:
    person = wx.user("oE2E" + secrets.token_hex(6))
    await person.event("subscribe")
    welcome = person.texts()[-1]
    assert "欢迎" in welcome and "1. 杭州市中小企业数字化转型城市试点备案资格自测" in welcome
    assert "回复“开始 1”" in welcome

    for line in ["开始 1", "1", "杭州微信测试有限公司", "1"]:
        got = await person.say(line)
    assert "企业在职职工数" in got[-1]
    refused = await person.say("很多")  # not a number: refused, what was typed shown, the question again
    assert refused[0].startswith("✗ ") and "您输入的是：很多" in refused[0] and "企业在职职工数" in refused[0]
    for line in ["260", "8000", "3", "2"]:
        got = await person.say(line)
    assert "检查：已答 7/7" in got[-1]
    await person.say("提交")
    before = len(person.seen)
    exchange_count = len(person.exchanges)
    result = await person.say("提交", settle=1.0)
    submit = person.exchanges[exchange_count]
    # the documents are rendered before their links are sent: longer than the budget, so "success" at once and
    # the reply as customer-service messages
    assert submit.passive is None and len(submit.tries) == 1 and submit.tries[0][0] < BUDGET + 1.5
    assert all(s.how == "api" for s in person.seen[before:])
    text = "\n".join(result)
    assert "已提交" in text and "/d/" in text and ".pdf" in text
    assert "开始 4: 制造业中小企业数字化水平评测表（2022年版）" in text

    # the report's link opens the PDF, without any cookie
    link = re.search(r"下载：(http\S+/d/\S+/0)\b", text)
    assert link is not None, text
    content_type, body = await asyncio.to_thread(fetch, link.group(1))
    assert content_type.startswith("application/pdf") and body.startswith(b"%PDF")

    got = await person.say("开始 4")
    assert "制造业中小企业数字化水平评测表" in "\n".join(got) and "回复数字选择" in got[-1]
    review = await answer_all(person)
    # the whole review is longer than one message: two, each within the limit, split between whole lines
    assert len(review) == 2, review
    assert all(len(m.encode()) <= MAX_BYTES for m in review)
    rows = [line for m in review for line in m.splitlines() if re.match(r"^\d+(\.\d+)?[a-z]?\. ", line)]
    assert len(rows) >= 24 and all(" — " in row for row in rows)
    assert review[1].splitlines()[0] in rows or not re.match(r"^\d", review[1])

    await person.say("提交")
    result = await person.say("提交", settle=1.0)
    text = "\n".join(result)
    assert "已提交" in text and "预览：" in text and "/d/" in text
    assert person.texts().count(result[0]) == 1
    assert not [s for s in person.seen if s.how == "error"]


async def test_a_retry_of_a_reply_sent_by_the_api_sends_nothing_twice(wx: FakeWeChat) -> None:
    person = wx.user("oRETRY" + secrets.token_hex(6))
    await person.say("开始 4")
    await answer_all(person)
    person.lose_next()  # the answer to the next message is lost on the way: WeChat sends the same message again
    before = len(person.seen)
    review = await person.say("检查", settle=1.0)  # longer than one message: sent by the API
    exchange = person.exchanges[-1]
    assert len(exchange.tries) == 2 and exchange.passive is None
    # nothing seen twice; every message of the reply came by the API
    assert len(review) == 2 and len(person.seen) - before == len(set(review)) == 2
    assert all(s.how == "api" for s in person.seen[before:])
    assert sum("检查：已答" in m for m in review) == 1


async def test_a_lost_passive_reply_is_given_again_and_applied_once(wx: FakeWeChat) -> None:
    person = wx.user("oLOST" + secrets.token_hex(6))
    await person.say("开始 1")
    person.lose_next()
    got = await person.say("1")
    assert len(person.exchanges[-1].tries) == 2
    assert len(got) == 1 and "企业名称" in got[0] and "进度 1/7" in got[0]
    got = await person.say("检查")
    assert "检查：已答 1/7" in got[0]


async def test_a_wrong_signature_gets_403_and_changes_nothing(wx: FakeWeChat, aes_key: str | None) -> None:
    person = wx.user("oFORGED" + secrets.token_hex(6))
    await person.say("开始 1")
    xml = (f"<xml><ToUserName><![CDATA[{wx.account}]]></ToUserName><FromUserName><![CDATA[{person.openid}]]>"
           f"</FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           f"<Content><![CDATA[1]]></Content><MsgId>{next(wx.msg_ids)}</MsgId></xml>")
    signed, _ = wx.signed_query(xml)
    forged = {**signed, "signature": "0" * 40}
    status, answer = await wx.post(xml, query=forged)
    assert status == 403 and "<xml>" not in answer
    if aes_key:  # safe mode: a right signature but a wrong msg_signature
        status, _ = await wx.post(xml, query={**signed, "msg_signature": "0" * 40})
        assert status == 403
    got = await person.say("检查")
    assert "检查：已答 0/7" in got[0]


def test_the_url_check_echoes_only_when_signed(service: Service) -> None:
    query = f"timestamp=1700000000&nonce=abc&echostr=hello&signature={sign(TOKEN, '1700000000', 'abc')}"
    assert fetch(f"{service.url}/wechat?{query}")[1] == b"hello"
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(f"{service.url}/wechat?timestamp=1700000000&nonce=abc&echostr=hello&signature={'1' * 40}")
    with refused.value:
        assert refused.value.code == 403
        assert refused.value.headers.get("Set-Cookie") is None  # the web's middleware left it alone
