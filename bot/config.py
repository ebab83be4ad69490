"""Settings from the environment or a .env file."""

from __future__ import annotations

import base64
from typing import Annotated

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.db.engine import DEFAULT_URL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    #: the Bot API base URL (tests point it at a fake server on 127.0.0.1)
    telegram_api_url: str = "https://api.telegram.org"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8081
    #: the web chat (and the staff desk): where it listens; WEB_PORT=0 serves no web chat
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    #: the address people reach it by (behind a reverse proxy: https://…); printed with a QR code at start and
    #: used in links sent on other channels.  Default: http://WEB_HOST:WEB_PORT
    public_url: str | None = None
    #: requests a browser may make (per 10 seconds) and an address (per minute): beyond them a page says to wait
    web_rate_per_visitor: int = 40
    web_rate_per_address: int = 600
    #: Telegram updates a chat may send per second, and in one burst: beyond them one polite notice, then nothing
    #: is handled until the chat slows down (a person tapping is far below; a script flooding is not)
    telegram_rate_per_chat: float = 5.0
    telegram_burst_per_chat: float = 10.0
    #: the address of a request is taken from X-Forwarded-For when the service runs behind a reverse proxy
    trust_proxy: bool = False
    #: WeChat Official Account (服务号): the token set as the server's 令牌 in the platform (without it no WeChat
    #: endpoint is served), the account's AppID and AppSecret (for the customer-service messages), its
    #: EncodingAESKey (safe mode, optional), the API's base URL (tests point it at a fake server on 127.0.0.1),
    #: the path WeChat posts to, and how long a reply may take before it is sent as customer-service messages
    #: instead (WeChat waits 5 seconds)
    wechat_token: SecretStr | None = None
    wechat_app_id: str = ""
    wechat_app_secret: SecretStr | None = None
    wechat_aes_key: SecretStr | None = None
    wechat_api_url: str = "https://api.weixin.qq.com"
    wechat_path: str = "/wechat"
    wechat_reply_budget: float = 4.0
    database_url: str = DEFAULT_URL
    staff_ids: Annotated[tuple[int, ...], NoDecode] = ()
    default_lang: str = "zh"

    @field_validator("wechat_aes_key")
    @classmethod
    def _aes_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        key = value.get_secret_value()
        try:
            valid = len(key) == 43 and len(base64.b64decode(key + "=", validate=True)) == 32
        except ValueError:
            valid = False
        if not valid:
            raise ValueError("WECHAT_AES_KEY is the account's EncodingAESKey: 43 letters and digits")
        return value

    @field_validator("staff_ids", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(" ", "").split(",") if part)
        return value
