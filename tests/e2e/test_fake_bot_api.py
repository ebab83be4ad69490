"""Proves tests/e2e/fake_bot_api.py against the real aiogram client, in-process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from tests.e2e.fake_bot_api import FakeBotAPI

pytestmark = pytest.mark.asyncio

POLLING_TIMEOUT = 10  # seconds; the server parks getUpdates up to this long


def make_router(seen_updates: list[int]) -> Router:
    router = Router()

    @router.message(F.text)
    async def echo(message: Message, event_update: Update) -> None:
        seen_updates.append(event_update.update_id)
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="Upper", callback_data="upper"),
                    InlineKeyboardButton(text="Done", callback_data="done"),
                ]
            ]
        )
        await message.answer(message.text or "", reply_markup=keyboard)

    @router.callback_query()
    async def on_callback(callback: CallbackQuery) -> None:
        await callback.answer(f"got {callback.data}")
        assert isinstance(callback.message, Message)
        await callback.message.edit_text(f"{callback.message.text} [{callback.data}]")

    return router


def make_bot(api: FakeBotAPI) -> Bot:
    return Bot(api.token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    """A bot that is not polling (for direct method calls)."""
    instance = make_bot(api)
    try:
        yield instance
    finally:
        await instance.session.close()


@pytest_asyncio.fixture
async def polling(api: FakeBotAPI) -> AsyncIterator[dict[str, Any]]:
    """A real Dispatcher polling the fake API with the echo router."""
    seen: list[int] = []
    instance = make_bot(api)
    dp = Dispatcher()
    dp.include_router(make_router(seen))
    task = asyncio.create_task(
        dp.start_polling(instance, handle_signals=False, polling_timeout=POLLING_TIMEOUT)
    )
    try:
        await api.wait_polling(timeout=10)
        yield {"bot": instance, "dp": dp, "seen": seen}
    finally:
        if not task.done():
            await dp.stop_polling()
        await task
        await instance.session.close()


async def test_echo_round_trip_is_prompt(api: FakeBotAPI, polling: dict[str, Any]) -> None:
    user = api.user(user_id=1001, first_name="张三", language_code="zh-hans")
    await api.wait_polling()  # the bot is parked in a long poll right now

    started = time.monotonic()
    update_id = await user.send("你好")
    message = await user.wait_message(contains="你好", timeout=5)
    elapsed = time.monotonic() - started

    assert elapsed < 1.0, f"long poll did not return promptly ({elapsed:.2f}s)"
    assert elapsed < POLLING_TIMEOUT / 5
    assert polling["seen"] == [update_id]
    assert message["text"] == "你好"
    assert message["edited"] is False
    assert message["method"] == "sendMessage"
    assert message["message"]["from"]["is_bot"] is True
    assert message["message"]["chat"] == {"id": 1001, "type": "private", "first_name": "张三"}
    assert message["message_id"] == 2  # 1 was the user's own message
    assert user.current_markup() == [
        [{"text": "Upper", "callback_data": "upper"}, {"text": "Done", "callback_data": "done"}]
    ]
    assert [name for name, _ in api.calls] == ["getMe", "sendMessage"]
    assert api.calls_of("sendMessage")[0]["chat_id"] == 1001


async def test_command_entity(api: FakeBotAPI, polling: dict[str, Any]) -> None:
    user = api.user(user_id=1002, first_name="Ann")
    update_id = await user.send("/start payload")
    update = api.state().history[update_id]
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert update["message"]["from"]["language_code"] == "en"
    await user.wait_message(contains="/start payload")


async def test_press_button_edits_and_answers(api: FakeBotAPI, polling: dict[str, Any]) -> None:
    user = api.user(user_id=1003, first_name="Bob")
    await user.send("hello")
    sent = await user.wait_message(contains="hello")

    with pytest.raises(AssertionError, match=r"available .*'Upper', 'upper'.*'Done', 'done'"):
        await user.press("Nope")

    await user.press("Upper")
    edited = await user.wait_message(edited=True)
    assert edited["message_id"] == sent["message_id"]
    assert edited["text"] == "hello [upper]"
    assert edited["method"] == "editMessageText"
    answer = await user.wait_callback_answer()
    assert answer["text"] == "got upper"
    assert answer["show_alert"] is False
    assert user.callback_answers == [answer]
    assert user.current_markup() == []  # edit without reply_markup removes the keyboard
    assert [m["edited"] for m in user.messages] == [False, True]

    # pressing by callback_data on an explicit message
    await user.send("again")
    second = await user.wait_message(contains="again")
    await user.press("done", message=second)
    edited = await user.wait_message(contains="again [done]")
    assert edited["edited"] is True


async def test_send_document_and_download(api: FakeBotAPI, bot: Bot) -> None:
    user = api.user(user_id=1004, first_name="Doc")
    payload = b"%PDF-1.4\n\x00\x01binary\xff"
    sent = await bot.send_document(
        user.id, BufferedInputFile(payload, filename="r.pdf"), caption="Your report"
    )
    assert sent.document is not None
    assert sent.document.file_name == "r.pdf"
    assert sent.document.file_size == len(payload)
    assert sent.caption == "Your report"

    assert len(user.documents) == 1
    document = user.documents[0]
    assert document["filename"] == "r.pdf"
    assert document["content"] == payload
    assert document["caption"] == "Your report"
    assert document["mime_type"] == "application/pdf"
    entry = await user.wait_message(contains="Your report", timeout=1)
    assert entry["document"]["file_name"] == "r.pdf"
    assert api.calls_of("sendDocument")[0]["document"].startswith("attach://")

    downloaded = await bot.download(sent.document.file_id)
    assert downloaded is not None
    assert downloaded.read() == payload


async def test_my_commands_per_language(api: FakeBotAPI, bot: Bot) -> None:
    assert await bot.set_my_commands([BotCommand(command="start", description="Start")])
    assert await bot.set_my_commands(
        [BotCommand(command="start", description="开始"), BotCommand(command="help", description="帮助")],
        language_code="zh",
    )
    assert api.commands[""] == [{"command": "start", "description": "Start"}]
    assert [c["description"] for c in api.commands["zh"]] == ["开始", "帮助"]

    got = await bot.get_my_commands(language_code="zh")
    assert [c.command for c in got] == ["start", "help"]

    with pytest.raises(TelegramBadRequest, match="invalid language code"):
        await bot.set_my_commands([BotCommand(command="start", description="x")], language_code="zh-hans")
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start", description="x")])

    assert await bot.delete_my_commands(language_code="zh")
    assert "zh" not in api.commands
    assert await bot.get_my_commands(language_code="zh") == []


async def test_redelivered_update_keeps_update_id(api: FakeBotAPI, polling: dict[str, Any]) -> None:
    user = api.user(user_id=1005, first_name="Re")
    update_id = await user.send("once")
    await user.wait_message(contains="once")
    api.redeliver(update_id)
    await user.wait_message(contains="once")
    assert polling["seen"] == [update_id, update_id]

    # normal traffic continues afterwards and is not re-delivered again
    next_id = await user.send("twice")
    await user.wait_message(contains="twice")
    await user.assert_no_message(timeout=0.3)
    assert polling["seen"] == [update_id, update_id, next_id]


async def test_telegram_errors(api: FakeBotAPI, bot: Bot) -> None:
    user = api.user(user_id=1006, first_name="Err")
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]])
    sent = await bot.send_message(user.id, "text", reply_markup=keyboard)
    assert sent.reply_markup is not None
    assert sent.reply_markup.model_dump() == keyboard.model_dump()

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(chat_id=user.id, message_id=sent.message_id, text="text", reply_markup=keyboard)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=user.id, message_id=sent.message_id, reply_markup=keyboard)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(chat_id=user.id, message_id=999, text="x")
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(chat_id=user.id, message_id=999)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("no-such-query")

    # a real press answered twice
    await user.press("A")
    query_id = user.last_callback_id
    assert query_id is not None
    assert await bot.answer_callback_query(query_id, text="ok", show_alert=True)
    assert user.callback_answers[-1]["show_alert"] is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)

    assert await bot.delete_message(chat_id=user.id, message_id=sent.message_id)
    assert user.deleted == [sent.message_id]
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(chat_id=user.id, message_id=sent.message_id)

    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(user.id, "<b>unclosed", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(user.id, "1 < 2", parse_mode="HTML")
    assert (await bot.send_message(user.id, "<b>1 &lt; 2</b>", parse_mode="HTML")).text == "<b>1 &lt; 2</b>"
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(user.id, "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(
            user.id,
            "x",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="long", callback_data="d" * 65)]]
            ),
        )

    api.fail_next("sendMessage", status=429, retry_after=1)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(user.id, "throttled")
    assert retry.value.retry_after == 1
    api.fail_next("sendMessage", times=2, status=500)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(user.id, "boom")
    assert (await bot.send_message(user.id, "fine")).text == "fine"

    assert await bot.send_chat_action(user.id, "typing")
    assert user.chat_actions == ["typing"]
    assert ("sendMessage", 429, "Too Many Requests: retry after 1") in api.errors


async def test_unknown_method_and_raw_http(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(TelegramNotFound):
        await bot.get_chat(chat_id=1)
    assert api.unknown_methods[0][0] == "getChat"

    user = api.user(user_id=1007, first_name="Raw")
    async with aiohttp.ClientSession() as session:
        url = f"{api.base_url}/bot{api.token}"
        async with session.post(f"{url}/noSuchMethod", json={}) as resp:
            assert resp.status == 404
            assert await resp.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        # JSON body
        async with session.post(
            f"{url}/sendMessage",
            json={
                "chat_id": user.id,
                "text": "123",
                "reply_markup": {"inline_keyboard": [[{"text": "k", "callback_data": "k"}]]},
            },
        ) as resp:
            body = await resp.json()
            assert body["ok"] is True
            assert body["result"]["text"] == "123"
            assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "k"
        # urlencoded form with JSON-string fields, like aiogram sends
        async with session.post(
            f"{url}/sendMessage",
            data={"chat_id": str(user.id), "text": "[1]", "reply_markup": '{"keyboard": [[{"text": "Menu"}]]}'},
        ) as resp:
            body = await resp.json()
            assert body["result"]["text"] == "[1]"
            assert "reply_markup" not in body["result"]  # reply keyboards are not echoed
        assert user.messages[-1]["reply_markup"] == {"keyboard": [[{"text": "Menu"}]]}
        # webhook recorded and info reported
        async with session.post(f"{url}/setWebhook", data={"url": "https://example.com/hook"}) as resp:
            assert (await resp.json())["result"] is True
        async with session.get(f"{url}/getWebhookInfo") as resp:
            assert (await resp.json())["result"]["url"] == "https://example.com/hook"
        async with session.post(f"{url}/getUpdates", json={"timeout": 0}) as resp:
            assert resp.status == 409
        async with session.post(f"{url}/deleteWebhook", json={}) as resp:
            assert (await resp.json())["result"] is True


async def test_get_updates_semantics(api: FakeBotAPI) -> None:
    user = api.user(user_id=1008, first_name="Poll")
    url = f"{api.base_url}/bot{api.token}/getUpdates"

    async def get_updates(**params: Any) -> Any:
        async with session.post(url, json=params) as resp:
            body = await resp.json()
            assert body["ok"] is True, body
            return body["result"]

    async with aiohttp.ClientSession() as session:
        assert await get_updates(timeout=0) == []

        started = time.monotonic()
        assert await get_updates(timeout=1) == []
        assert 0.9 <= time.monotonic() - started < 2

        first = await user.send("a")
        second = await user.send("b")
        third = await user.send("c")
        batch = await get_updates(timeout=5, limit=2)
        assert [u["update_id"] for u in batch] == [first, second]
        batch = await get_updates(offset=second + 1, timeout=5)
        assert [u["update_id"] for u in batch] == [third]
        assert await get_updates(offset=third + 1, timeout=0) == []

        # a parked long poll returns as soon as something is queued
        poll = asyncio.create_task(get_updates(offset=third + 1, timeout=5))
        await api.wait_polling()
        started = time.monotonic()
        fourth = await user.send("d")
        batch = await poll
        assert time.monotonic() - started < 0.5
        assert [u["update_id"] for u in batch] == [fourth]

        # re-delivery ignores the offset, then is confirmed by the next offset
        api.redeliver(first)
        batch = await get_updates(offset=fourth + 1, timeout=0)
        assert [u["update_id"] for u in batch] == [first]
        assert batch[0]["message"]["text"] == "a"
        assert await get_updates(offset=first + 1, timeout=0) == []

        # a second concurrent poll terminates the first with 409 Conflict
        parked = asyncio.create_task(session.post(url, json={"offset": fourth + 1, "timeout": 5}))
        await api.wait_polling()
        assert await get_updates(offset=fourth + 1, timeout=0) == []
        async with await parked as resp:
            assert resp.status == 409
            assert "terminated by other getUpdates request" in (await resp.json())["description"]
