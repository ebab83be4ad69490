"""Webhook mode over HTTP: the bot serves updates on 127.0.0.1, registers the webhook with a secret token, and
refuses requests that do not carry it."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bot_process import START_TIMEOUT, BotProcess, api, visible
from fake_bot_api import FakeBotAPI

from bot.i18n import Translator

pytestmark = pytest.mark.slow
__all__ = ["api"]  # the fake Bot API fixture


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WebhookBot(BotProcess):
    def __init__(self, api: FakeBotAPI, workdir: Path, port: int) -> None:
        super().__init__(api, workdir)
        self.port = port

    def env(self) -> dict[str, str]:
        return {**super().env(), "WEBHOOK_URL": f"http://127.0.0.1:{self.port}/tg/hook",
                "WEBHOOK_HOST": "127.0.0.1", "WEBHOOK_PORT": str(self.port)}

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=self.workdir, env=self.env(),
                stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=asyncio.subprocess.STDOUT)
        try:
            await self.api.wait_call("setWebhook", timeout=START_TIMEOUT)
        except AssertionError:
            raise AssertionError(f"the bot did not register its webhook:\n{self.output()}") from None


async def test_webhook_checks_the_secret_and_answers(api: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    person = api.user(3001, "赵六", language_code="zh-hans")
    async with WebhookBot(api, tmp_path, port) as bot:
        await bot.start()
        registered = api.calls_of("setWebhook")[-1]
        secret = registered["secret_token"]
        assert registered["url"] == f"http://127.0.0.1:{port}/tg/hook" and len(secret) >= 32
        update = {"update_id": 555, "message": {
            "message_id": 1, "date": 1_700_000_000, "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "chat": {"id": 3001, "type": "private", "first_name": "赵六"},
            "from": {"id": 3001, "is_bot": False, "first_name": "赵六", "language_code": "zh-hans"}}}
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/tg/hook"
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as resp:
                assert resp.status == 401
            async with http.post(url, json=update) as resp:
                assert resp.status == 401
            assert not person.messages
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as resp:
                assert resp.status == 200
        reply = await person.wait_message()
        assert Translator("zh").ui("Choose an interview:") in visible(reply)
        assert await bot.stop() == 0
