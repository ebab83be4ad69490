"""A fake Telegram Bot API server for end-to-end tests.

The server runs on the test's event loop (aiohttp.web on 127.0.0.1, random
free port).  A real aiogram bot -- in-process or as a subprocess -- is pointed
at it with ``TelegramAPIServer.from_base(api.base_url)``.  Tests play one or
several humans through :class:`FakeUser` objects::

    async with FakeBotAPI() as api:
        user = api.user(user_id=1001, first_name="张三", language_code="zh-hans")
        ...start the bot against api.base_url / api.token...
        await user.send("/start")
        msg = await user.wait_message(contains="Hello")
        await user.press("Yes")
        edited = await user.wait_message(edited=True)

Everything is plain asyncio on one loop; the bot only talks HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import mimetypes
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

__all__ = ["FakeBotAPI", "FakeUser"]

T = TypeVar("T")

DEFAULT_TOKEN = "123456:TEST"

# Fields that are always strings: never JSON-decode them even if they look
# like numbers ("123") or JSON ("[1]").
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "language_code",
        "action",
        "secret_token",
        "ip_address",
        "message_effect_id",
        "business_connection_id",
        "document",
        "photo",
        "audio",
        "video",
        "voice",
        "animation",
        "sticker",
        "thumbnail",
        "file_id",
        "description",
        "short_description",
        "name",
        "title",
        "certificate",
        "emoji",
        "data",
    }
)

# Structured fields that may arrive as JSON strings even inside a JSON body.
_STRUCTURED_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "menu_button",
    }
)

_ALLOWED_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)

_INLINE_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

MESSAGE_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)
MESSAGE_TO_EDIT_NOT_FOUND = "Bad Request: message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "Bad Request: message to delete not found"
QUERY_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class ApiError(Exception):
    """Raised inside method handlers; becomes an ``{"ok": false}`` response."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _check_html(text: str) -> str | None:
    """Very small validator for Telegram's HTML parse mode.

    Returns Telegram-like error text (without the "Bad Request: " prefix) or
    None.  Only '<' is checked: bare '>' and '&' are tolerated like Telegram
    does.
    """
    stack: list[str] = []
    pos = 0
    while True:
        start = text.find("<", pos)
        if start < 0:
            break
        offset = len(text[:start].encode())
        end = text.find(">", start)
        if end < 0:
            return f"can't parse entities: Can't find end of the tag starting at byte offset {offset}"
        inner = text[start + 1 : end]
        if inner.startswith("/"):
            name = inner[1:].strip().lower()
            if not stack:
                return f'can\'t parse entities: Unexpected end tag "{name}" at byte offset {offset}'
            if stack[-1] != name:
                return (
                    f"can't parse entities: Unmatched end tag at byte offset {offset}, "
                    f'expected "</{stack[-1]}>", found "</{name}>"'
                )
            stack.pop()
        else:
            match = re.match(r"[a-zA-Z][a-zA-Z0-9-]*", inner)
            name = match.group(0).lower() if match else ""
            if name not in _ALLOWED_HTML_TAGS:
                return f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {offset}'
            if name == "span" and "tg-spoiler" not in inner:
                return 'can\'t parse entities: Tag "span" must have class "tg-spoiler"'
            stack.append(name)
        pos = end + 1
    if stack:
        return f'can\'t parse entities: Can\'t find end tag corresponding to start tag "{stack[-1]}"'
    return None


def _visible_text(text: str, parse_mode: str | None) -> str:
    if parse_mode and parse_mode.lower() == "html":
        return html.unescape(re.sub(r"<[^>]*>", "", text))
    return text


class _Signal:
    """'Something changed' broadcast; waiters re-check their condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def current(self) -> asyncio.Event:
        return self._event


@dataclass
class _Upload:
    filename: str | None
    content_type: str | None
    content: bytes


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    filename: str | None
    mime_type: str | None
    content: bytes | None


@dataclass
class _StoredMessage:
    api: dict[str, Any]  # the Bot API Message object as returned to the bot
    parse_mode: str | None = None
    markup: Any = None  # reply_markup exactly as given (any keyboard type)
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        return bool(self.api.get("from", {}).get("is_bot"))


@dataclass
class _Forced:
    update: dict[str, Any]
    delivered: bool = False


@dataclass
class _Fault:
    token: str | None
    method: str
    remaining: int
    status: int
    retry_after: int
    description: str | None


@dataclass
class _BotState:
    token: str
    bot_user: dict[str, Any]
    update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100_001))
    pending: list[dict[str, Any]] = field(default_factory=list)
    forced: list[_Forced] = field(default_factory=list)
    history: dict[int, dict[str, Any]] = field(default_factory=dict)
    delivered_ids: set[int] = field(default_factory=set)
    allowed_updates: list[str] | None = None
    webhook: dict[str, Any] | None = None
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    scoped_commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    menu_buttons: dict[int | None, Any] = field(default_factory=dict)
    callback_queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    poll_seq: int = 0
    polls_waiting: int = 0
    poll_count: int = 0


class FakeUser:
    """A simulated human with a private chat to the bot (chat id == user id)."""

    def __init__(
        self,
        api: FakeBotAPI,
        state: _BotState,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        chat_type: str = "private",
    ) -> None:
        self.api = api
        self._state = state
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.chat_type = chat_type
        #: if True, every bot call to this chat fails with 403 "bot was blocked by the user"
        self.blocked = False
        #: log of everything the bot sent or edited in this chat, in order
        self.messages: list[dict[str, Any]] = []
        #: documents sent by the bot: dicts with filename, content, caption, ...
        self.documents: list[dict[str, Any]] = []
        #: answerCallbackQuery calls for this user's presses
        self.callback_answers: list[dict[str, Any]] = []
        #: sendChatAction actions
        self.chat_actions: list[str] = []
        #: message ids deleted by the bot
        self.deleted: list[int] = []
        self._cursor = 0
        self._store: dict[int, _StoredMessage] = {}
        self._message_ids = itertools.count(1)
        self.last_callback_id: str | None = None

    # -- Bot API object views ---------------------------------------------------
    @property
    def chat_id(self) -> int:
        return self.id

    def user_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat_dict(self) -> dict[str, Any]:
        if self.chat_type != "private":
            return {"id": self.id, "type": self.chat_type, "title": self.first_name}
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    def _new_message(self, sender: dict[str, Any], **fields: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "from": copy.deepcopy(sender),
            "chat": self.chat_dict(),
            "date": int(time.time()),
        }
        message.update({k: v for k, v in fields.items() if v is not None})
        return message

    # -- acting as the human ------------------------------------------------------
    async def send(self, text: str, *, entities: list[dict[str, Any]] | None = None) -> int:
        """Queue a text message from this user; returns its update_id."""
        if entities is None and text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            entities = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
        message = self._new_message(self.user_dict(), text=text, entities=entities or None)
        self._store[message["message_id"]] = _StoredMessage(api=message)
        update_id = self.api._queue(self._state, {"message": message})
        await asyncio.sleep(0)
        return update_id

    async def send_document(
        self,
        content: bytes,
        filename: str,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> int:
        """Queue a document message from this user (downloadable via getFile)."""
        stored = self.api._store_file(content, filename, mime_type)
        document = self.api._document_dict(stored)
        message = self._new_message(self.user_dict(), document=document, caption=caption)
        self._store[message["message_id"]] = _StoredMessage(api=message)
        update_id = self.api._queue(self._state, {"message": message})
        await asyncio.sleep(0)
        return update_id

    def _find_keyboard_message(self, message: Any = None) -> _StoredMessage:
        if message is not None:
            message_id = message["message_id"] if isinstance(message, dict) else int(message)
            stored = self._store.get(message_id)
            if stored is None or stored.deleted:
                raise AssertionError(f"message {message_id} does not exist in chat {self.id}")
            return stored
        for message_id in sorted(self._store, reverse=True):
            stored = self._store[message_id]
            if stored.from_bot and not stored.deleted and stored.api.get("reply_markup"):
                return stored
        raise AssertionError(
            f"no bot message with an inline keyboard in chat {self.id}; "
            f"messages so far: {[m.get('text') or m.get('caption') for m in self.messages]}"
        )

    async def press(self, button: str, message: Any = None) -> int:
        """Press an inline button (by exact text, else by callback_data).

        Looks at the latest bot message in this chat that has an inline
        keyboard, or at ``message`` (a message dict or message_id).  Queues a
        callback_query update and returns its update_id.
        """
        stored = self._find_keyboard_message(message)
        rows = (stored.api.get("reply_markup") or {}).get("inline_keyboard") or []
        buttons = [b for row in rows for b in row]
        chosen = next((b for b in buttons if b.get("text") == button), None)
        if chosen is None:
            chosen = next((b for b in buttons if b.get("callback_data") == button), None)
        if chosen is None:
            available = [(b.get("text"), b.get("callback_data")) for b in buttons]
            raise AssertionError(
                f"button {button!r} not found on message {stored.api['message_id']} "
                f"in chat {self.id}; available (text, callback_data): {available}"
            )
        if chosen.get("callback_data") is None:
            raise AssertionError(
                f"button {button!r} has no callback_data (it is {chosen}); cannot press it"
            )
        return await self._callback(stored, chosen["callback_data"])

    async def press_data(self, data: str, message: Any = None) -> int:
        """A forged press: a callback_query with any ``data`` (as a modified client can send), on the latest
        bot message with an inline keyboard (or ``message``).  Returns its update_id."""
        return await self._callback(self._find_keyboard_message(message), data)

    async def _callback(self, stored: _StoredMessage, data: str) -> int:
        query_id = self.api._new_callback_id(self._state)
        self._state.callback_queries[query_id] = {"user": self, "answered": False}
        self.last_callback_id = query_id
        callback = {
            "id": query_id,
            "from": self.user_dict(),
            "message": copy.deepcopy(stored.api),
            "chat_instance": str(-(self.id * 7919 + 4242)),
            "data": data,
        }
        update_id = self.api._queue(self._state, {"callback_query": callback})
        await asyncio.sleep(0)
        return update_id

    # -- observing the bot ----------------------------------------------------------
    async def wait_message(
        self,
        contains: str | None = None,
        timeout: float = 10.0,
        *,
        edited: bool | None = None,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        """Wait for the next bot message (send or edit) in this chat.

        Only log entries after the last consumed one are considered; entries
        that don't match are skipped (consumed) up to the matching one.
        ``contains`` is searched in text or caption.  Returns the log entry.
        """

        def check() -> dict[str, Any] | None:
            for index in range(self._cursor, len(self.messages)):
                entry = self.messages[index]
                if contains is not None and contains not in (entry.get("text") or entry.get("caption") or ""):
                    continue
                if edited is not None and entry["edited"] != edited:
                    continue
                if predicate is not None and not predicate(entry):
                    continue
                self._cursor = index + 1
                return entry
            return None

        entry = await self.api._wait_for(check, timeout)
        if entry is None:
            unseen = [
                ("edit" if e["edited"] else "send", e.get("text") or e.get("caption"))
                for e in self.messages[self._cursor :]
            ]
            raise AssertionError(
                f"no bot message for chat {self.id} matching contains={contains!r} "
                f"edited={edited!r} within {timeout}s; unconsumed messages: {unseen}; "
                f"API errors so far: {self.api.errors}"
            )
        return entry

    async def assert_no_message(self, timeout: float = 0.5) -> None:
        """Fail if the bot sends/edits anything in this chat within ``timeout``."""
        start = len(self.messages)
        await asyncio.sleep(timeout)
        if len(self.messages) > max(start, self._cursor):
            raise AssertionError(f"unexpected bot messages: {self.messages[max(start, self._cursor):]}")

    async def wait_callback_answer(self, timeout: float = 10.0) -> dict[str, Any]:
        """Wait until the last pressed button's callback query is answered."""
        query_id = self.last_callback_id
        if query_id is None:
            raise AssertionError("no button was pressed yet")

        def check() -> dict[str, Any] | None:
            return next((a for a in self.callback_answers if a["callback_query_id"] == query_id), None)

        answer = await self.api._wait_for(check, timeout)
        if answer is None:
            raise AssertionError(f"callback query {query_id} not answered within {timeout}s")
        return answer

    def skip_pending(self) -> None:
        """Mark every message logged so far as consumed."""
        self._cursor = len(self.messages)

    @property
    def last_message(self) -> dict[str, Any] | None:
        return self.messages[-1] if self.messages else None

    def current_markup(self) -> list[list[dict[str, Any]]]:
        """Latest inline keyboard in the chat as rows of {text, callback_data}.

        Returns [] when no live bot message has an inline keyboard.
        """
        try:
            stored = self._find_keyboard_message()
        except AssertionError:
            return []
        rows = stored.api["reply_markup"].get("inline_keyboard") or []
        result = []
        for row in rows:
            out_row = []
            for button in row:
                item = {"text": button.get("text"), "callback_data": button.get("callback_data")}
                item.update({k: v for k, v in button.items() if k not in item})
                out_row.append(item)
            result.append(out_row)
        return result

    def message(self, message_id: int) -> dict[str, Any] | None:
        """Current Bot API state of a message in this chat (None if unknown/deleted)."""
        stored = self._store.get(message_id)
        if stored is None or stored.deleted:
            return None
        return copy.deepcopy(stored.api)

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"


class FakeBotAPI:
    """Fake Telegram Bot API server; use as ``async with FakeBotAPI() as api``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_first_name: str = "Test Bot",
        bot_username: str = "test_bot",
        strict_chats: bool = False,
        validate_html: bool = True,
        host: str = "127.0.0.1",
    ) -> None:
        self.token = token
        self.host = host
        self.port: int | None = None
        self.bot_first_name = bot_first_name
        self.bot_username = bot_username
        #: if True, sending to a chat without api.user(...) gives 400 "chat not found"
        self.strict_chats = strict_chats
        #: if True, parse_mode=HTML texts with bad tags give 400 "can't parse entities"
        self.validate_html = validate_html
        #: every call except getUpdates: (method, params)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        #: every call except getUpdates with its token: (token, method, params)
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        #: unknown methods that were called: (method, params)
        self.unknown_methods: list[tuple[str, dict[str, Any]]] = []
        #: every error response sent: (method, status, description)
        self.errors: list[tuple[str, int, str]] = []
        self._states: dict[str, _BotState] = {}
        self._users: dict[tuple[str, int], FakeUser] = {}
        self._user_ids = itertools.count(1001)
        self._faults: list[_Fault] = []
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._file_seq = itertools.count(1)
        self._callback_seq = itertools.count(1)
        self._signal = _Signal()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._sock: socket.socket | None = None
        self._methods: dict[str, Callable[..., Any]] = {
            "getme": self._m_get_me,
            "getupdates": self._m_get_updates,
            "deletewebhook": self._m_delete_webhook,
            "setwebhook": self._m_set_webhook,
            "getwebhookinfo": self._m_get_webhook_info,
            "setmycommands": self._m_set_my_commands,
            "getmycommands": self._m_get_my_commands,
            "deletemycommands": self._m_delete_my_commands,
            "sendmessage": self._m_send_message,
            "editmessagetext": self._m_edit_message_text,
            "editmessagecaption": self._m_edit_message_caption,
            "editmessagereplymarkup": self._m_edit_message_reply_markup,
            "deletemessage": self._m_delete_message,
            "answercallbackquery": self._m_answer_callback_query,
            "senddocument": self._m_send_document,
            "getfile": self._m_get_file,
            "sendchataction": self._m_send_chat_action,
            "setchatmenubutton": self._m_set_chat_menu_button,
            "getchatmenubutton": self._m_get_chat_menu_button,
            "close": self._m_true,
            "logout": self._m_true,
        }

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self) -> FakeBotAPI:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(
            app, handle_signals=False, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((self.host, 0))
        self.port = self._sock.getsockname()[1]
        site = web.SockSite(self._runner, self._sock)
        await site.start()
        return self

    async def close(self) -> None:
        self._closing = True
        self._signal.notify()  # release long polls
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    async def __aenter__(self) -> FakeBotAPI:
        try:
            return await self.start()
        except BaseException:
            await self.close()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeBotAPI is not started")
        return f"http://{self.host}:{self.port}"

    # -- test-side API -------------------------------------------------------------------
    def state(self, token: str | None = None) -> _BotState:
        token = token or self.token
        state = self._states.get(token)
        if state is None:
            prefix = token.split(":", 1)[0]
            bot_id = int(prefix) if prefix.isdigit() else 123456
            bot_user = {
                "id": bot_id,
                "is_bot": True,
                "first_name": self.bot_first_name,
                "username": self.bot_username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
            state = self._states[token] = _BotState(token=token, bot_user=bot_user)
        return state

    def user(
        self,
        user_id: int | None = None,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        *,
        token: str | None = None,
    ) -> FakeUser:
        """Get or create a simulated person with a private chat (chat id == user id)."""
        state = self.state(token)
        if user_id is None:
            user_id = next(self._user_ids)
            while (state.token, user_id) in self._users:
                user_id = next(self._user_ids)
        key = (state.token, user_id)
        existing = self._users.get(key)
        if existing is not None:
            return existing
        user = FakeUser(self, state, user_id, first_name, last_name, username, language_code)
        self._users[key] = user
        return user

    @property
    def users(self) -> list[FakeUser]:
        return [u for (token, _), u in self._users.items() if token == self.token]

    @property
    def commands(self) -> dict[str, list[dict[str, Any]]]:
        """Default-scope setMyCommands per language_code ('' = no language)."""
        return self.state().commands

    @property
    def scoped_commands(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """All setMyCommands keyed by (canonical scope JSON, language_code)."""
        return self.state().scoped_commands

    @property
    def webhook(self) -> dict[str, Any] | None:
        return self.state().webhook

    @property
    def menu_buttons(self) -> dict[int | None, Any]:
        return self.state().menu_buttons

    @property
    def poll_count(self) -> int:
        """Number of getUpdates requests received for the default token."""
        return self.state().poll_count

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """Params of every call of ``method`` (case-insensitive)."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    def queue_update(self, update: dict[str, Any], token: str | None = None) -> int:
        """Queue a raw update (update_id is assigned); returns the update_id."""
        update = {k: v for k, v in update.items() if k != "update_id"}
        return self._queue(self.state(token), update)

    def redeliver(self, update_id: int, token: str | None = None) -> None:
        """Deliver an already queued update again, with the same update_id."""
        state = self.state(token)
        update = state.history.get(update_id)
        if update is None:
            raise KeyError(f"unknown update_id {update_id}")
        state.forced.append(_Forced(update=copy.deepcopy(update)))
        self._signal.notify()

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
        token: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``status``.

        429 responses carry ``parameters.retry_after``; 500 is "Internal Server
        Error"; other statuses use ``description`` (default "Bad Request: injected").
        """
        self._faults.append(_Fault(token, method.lower(), times, status, retry_after, description))

    async def wait_polling(self, timeout: float = 10.0, token: str | None = None) -> None:
        """Wait until a getUpdates long poll is parked on the server."""
        state = self.state(token)
        ok = await self._wait_for(lambda: True if state.polls_waiting > 0 else None, timeout)
        if ok is None:
            raise AssertionError(f"bot did not start long polling within {timeout}s")

    async def wait_call(
        self, method: str, timeout: float = 10.0, predicate: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any]:
        """Wait until ``method`` has been called (optionally matching ``predicate``)."""
        def check() -> dict[str, Any] | None:
            for params in self.calls_of(method):
                if predicate is None or predicate(params):
                    return params
            return None

        params = await self._wait_for(check, timeout)
        if params is None:
            raise AssertionError(f"{method} was not called within {timeout}s")
        return params

    # -- internals: waiting & queueing -----------------------------------------------------
    async def _wait_for(self, check: Callable[[], T | None], timeout: float) -> T | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._signal.current()
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _queue(self, state: _BotState, update: dict[str, Any]) -> int:
        update_id: int = next(state.update_ids)
        full = {"update_id": update_id, **update}
        state.history[update_id] = full
        state.pending.append(full)
        self._signal.notify()
        return update_id

    def _new_callback_id(self, state: _BotState) -> str:
        return f"{state.bot_user['id']}{next(self._callback_seq):08d}"

    def _store_file(self, content: bytes | None, filename: str | None, mime_type: str | None) -> _StoredFile:
        number = next(self._file_seq)
        if mime_type is None and filename:
            mime_type = mimetypes.guess_type(filename)[0]
        ext = ""
        if filename and "." in filename:
            ext = "." + filename.rsplit(".", 1)[1]
        stored = _StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:06d}",
            file_unique_id=f"AgAD{number:06d}",
            file_path=f"documents/file_{number}{ext}",
            filename=filename,
            mime_type=mime_type,
            content=content,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    @staticmethod
    def _document_dict(stored: _StoredFile) -> dict[str, Any]:
        doc: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if stored.filename:
            doc["file_name"] = stored.filename
        if stored.mime_type:
            doc["mime_type"] = stored.mime_type
        if stored.content is not None:
            doc["file_size"] = len(stored.content)
        return doc

    def _take_fault(self, token: str, method: str) -> web.Response | None:
        lname = method.lower()
        for fault in self._faults:
            if fault.method == lname and fault.remaining > 0 and fault.token in (None, token):
                fault.remaining -= 1
                if fault.status == 429:
                    description = fault.description or f"Too Many Requests: retry after {fault.retry_after}"
                    params: dict[str, Any] | None = {"retry_after": fault.retry_after}
                elif fault.status == 500:
                    description = fault.description or "Internal Server Error"
                    params = None
                else:
                    description = fault.description or "Bad Request: injected"
                    params = None
                self._faults = [f for f in self._faults if f.remaining > 0]
                return self._error_response(method, fault.status, description, params)
        return None

    def _error_response(
        self, method: str, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> web.Response:
        self.errors.append((method, status, description))
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    # -- HTTP handlers ---------------------------------------------------------------------------
    async def _handle_method(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        lname = method.lower()
        try:
            params, uploads = await self._read_params(request)
        except ApiError as exc:
            return self._error_response(method, exc.status, exc.description)
        state = self.state(token)
        if lname != "getupdates":
            self.calls.append((method, params))
            self.requests.append((token, method, params))
            self._signal.notify()
        fault = self._take_fault(token, method)
        if fault is not None:
            return fault
        handler = self._methods.get(lname)
        if handler is None:
            self.unknown_methods.append((method, params))
            return self._error_response(method, 404, "Not Found: method not found")
        try:
            result = handler(state, params, uploads)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as exc:
            self._signal.notify()
            return self._error_response(method, exc.status, exc.description, exc.parameters)
        self._signal.notify()
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None or stored.content is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")

    @staticmethod
    async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, _Upload]]:
        raw: dict[str, Any] = dict(request.query)
        uploads: dict[str, _Upload] = {}
        typed: dict[str, Any] = {}
        if request.content_type == "application/json" and request.body_exists:
            try:
                body = await request.json()
            except ValueError as exc:
                raise ApiError(400, "Bad Request: can't parse JSON object") from exc
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: can't parse JSON object")
            for key, value in body.items():
                if key in _STRUCTURED_FIELDS and isinstance(value, str):
                    with contextlib.suppress(ValueError):
                        value = json.loads(value)
                typed[key] = value
        elif request.body_exists and request.content_type in (
            "multipart/form-data",
            "application/x-www-form-urlencoded",
        ):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    try:
                        content = value.file.read()
                    finally:
                        value.file.close()
                    uploads[key] = _Upload(value.filename, value.content_type, content)
                else:
                    raw[key] = value
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if isinstance(value, str) and key not in _STRING_FIELDS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            params[key] = value
        params.update(typed)
        return params, uploads

    # -- helpers for methods ---------------------------------------------------------------------
    def _chat(self, state: _BotState, params: dict[str, Any]) -> FakeUser:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise _bad_request("chat_id is empty")
        user: FakeUser | None = None
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        if isinstance(chat_id, str):
            name = chat_id.lstrip("@").lower()
            user = next(
                (u for (tok, _), u in self._users.items() if tok == state.token and (u.username or "").lower() == name),
                None,
            )
        elif isinstance(chat_id, int):
            user = self._users.get((state.token, chat_id))
            if user is None and not self.strict_chats:
                chat_type = "private" if chat_id > 0 else ("supergroup" if str(chat_id).startswith("-100") else "group")
                user = FakeUser(self, state, chat_id, f"User {chat_id}", chat_type=chat_type)
                self._users[(state.token, chat_id)] = user
        if user is None:
            raise _bad_request("chat not found")
        if user.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return user

    def _check_text(self, text: Any, parse_mode: str | None, *, caption: bool = False) -> None:
        if text is None:
            return
        if not isinstance(text, str):
            raise _bad_request("can't parse message text: expected a string")
        if parse_mode and parse_mode.lower() == "html" and self.validate_html:
            problem = _check_html(text)
            if problem:
                raise _bad_request(problem)
        visible = _visible_text(text, parse_mode)
        if caption:
            if _utf16_len(visible) > MAX_CAPTION_LENGTH:
                raise _bad_request("message caption is too long")
        else:
            if not visible.strip():
                raise _bad_request("message text is empty")
            if _utf16_len(visible) > MAX_TEXT_LENGTH:
                raise _bad_request("message is too long")

    @staticmethod
    def _inline_markup(markup: Any) -> dict[str, Any] | None:
        """Validate reply_markup; return it if it is a (non-empty) inline keyboard."""
        if markup in (None, ""):
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or any(not isinstance(row, list) for row in rows):
            raise _bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad_request("can't parse inline keyboard button: Text must be non-empty")
                if not _INLINE_BUTTON_ACTIONS & button.keys():
                    raise _bad_request(
                        "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and not (1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES):
                    raise _bad_request("BUTTON_DATA_INVALID")
        if not any(rows):
            return None
        return markup

    @staticmethod
    def _message_id(params: dict[str, Any]) -> int:
        if params.get("inline_message_id"):
            raise _bad_request("inline messages are not supported by the fake API")
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise _bad_request("message identifier is not specified")
        return message_id

    def _log(self, user: FakeUser, stored: _StoredMessage, method: str, edited: bool) -> dict[str, Any]:
        api = stored.api
        entry = {
            "message_id": api["message_id"],
            "chat_id": user.id,
            "text": api.get("text"),
            "caption": api.get("caption"),
            "parse_mode": stored.parse_mode,
            "reply_markup": copy.deepcopy(stored.markup),
            "document": copy.deepcopy(api.get("document")),
            "edited": edited,
            "method": method,
            "date": api.get("date"),
            "message": copy.deepcopy(api),
        }
        user.messages.append(entry)
        return entry

    def _send(
        self,
        state: _BotState,
        user: FakeUser,
        params: dict[str, Any],
        method: str,
        **content: Any,
    ) -> dict[str, Any]:
        markup = params.get("reply_markup")
        inline = self._inline_markup(markup)
        reply_to = None
        reply_parameters = params.get("reply_parameters")
        reply_to_id = params.get("reply_to_message_id")
        if isinstance(reply_parameters, dict):
            reply_to_id = reply_parameters.get("message_id")
        if isinstance(reply_to_id, int):
            target = user._store.get(reply_to_id)
            if target is not None and not target.deleted:
                reply_to = copy.deepcopy(target.api)
        message = user._new_message(state.bot_user, **content, reply_to_message=reply_to)
        if inline is not None:
            message["reply_markup"] = copy.deepcopy(inline)
        stored = _StoredMessage(api=message, parse_mode=params.get("parse_mode"), markup=markup)
        user._store[message["message_id"]] = stored
        self._log(user, stored, method, edited=False)
        return copy.deepcopy(message)

    def _editable(self, user: FakeUser, message_id: int) -> _StoredMessage:
        stored = user._store.get(message_id)
        if stored is None or stored.deleted:
            raise ApiError(400, MESSAGE_TO_EDIT_NOT_FOUND)
        if not stored.from_bot:
            raise _bad_request("message can't be edited")
        return stored

    # -- methods ---------------------------------------------------------------------------------------
    def _m_true(self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]) -> bool:
        return True

    def _m_get_me(self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]) -> dict[str, Any]:
        return dict(state.bot_user)

    async def _m_get_updates(
        self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]
    ) -> Any:
        if state.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = params.get("limit") or 100
        limit = max(1, min(100, int(limit)))
        timeout = max(0.0, float(params.get("timeout") or 0))
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            state.allowed_updates = list(allowed) or None
        state.poll_count += 1
        state.poll_seq += 1
        my_seq = state.poll_seq
        self._signal.notify()  # terminate an older concurrent poll

        def collect() -> list[dict[str, Any]] | str | None:
            if state.poll_seq != my_seq:
                return "conflict"
            if isinstance(offset, int):
                if offset < 0:
                    state.pending = state.pending[offset:]
                else:
                    state.pending = [u for u in state.pending if u["update_id"] >= offset]
                    state.forced = [f for f in state.forced if not (f.delivered and f.update["update_id"] < offset)]
            if state.allowed_updates:
                allowed_set = set(state.allowed_updates)
                state.pending = [u for u in state.pending if allowed_set & (u.keys() - {"update_id"})]
            batch = [f.update for f in state.forced] + state.pending
            batch = sorted(batch, key=lambda u: u["update_id"])[:limit]
            if batch or self._closing:
                for forced in state.forced:
                    if any(forced.update is u for u in batch):
                        forced.delivered = True
                state.delivered_ids.update(u["update_id"] for u in batch)
                return copy.deepcopy(batch)
            return None

        state.polls_waiting += 1
        self._signal.notify()
        try:
            result = await self._wait_for(collect, timeout)
        finally:
            state.polls_waiting -= 1
        if result == "conflict":
            raise ApiError(
                409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
            )
        return result or []

    def _m_set_webhook(self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]) -> bool:
        url = params.get("url")
        if not url:
            state.webhook = None
            return True
        state.webhook = {k: v for k, v in params.items() if k != "certificate"}
        if params.get("drop_pending_updates"):
            state.pending.clear()
        return True

    def _m_delete_webhook(self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]) -> bool:
        state.webhook = None
        if params.get("drop_pending_updates"):
            state.pending.clear()
            state.forced.clear()
        return True

    def _m_get_webhook_info(
        self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]
    ) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": (state.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(state.pending) + len(state.forced),
        }
        if state.webhook and state.webhook.get("max_connections"):
            info["max_connections"] = state.webhook["max_connections"]
        if state.allowed_updates:
            info["allowed_updates"] = state.allowed_updates
        return info

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str, bool]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise _bad_request("can't parse BotCommandScope JSON object")
        language = params.get("language_code") or ""
        if language and not _LANGUAGE_RE.match(language):
            raise _bad_request("invalid language code specified")
        return json.dumps(scope, sort_keys=True), language, scope["type"] == "default"

    def _m_set_my_commands(self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]) -> bool:
        commands = params.get("commands")
        if commands is None:
            commands = []
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or "command" not in command:
                raise _bad_request("can't parse BotCommand: Can't find field \"command\"")
            if "description" not in command:
                raise _bad_request("can't parse BotCommand: Can't find field \"description\"")
            if not _COMMAND_RE.match(str(command["command"])):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command["description"])) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        scope_key, language, is_default = self._commands_key(params)
        if commands:
            state.scoped_commands[(scope_key, language)] = copy.deepcopy(commands)
            if is_default:
                state.commands[language] = copy.deepcopy(commands)
        else:
            state.scoped_commands.pop((scope_key, language), None)
            if is_default:
                state.commands.pop(language, None)
        return True

    def _m_get_my_commands(
        self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]
    ) -> list[dict[str, Any]]:
        scope_key, language, _ = self._commands_key(params)
        return copy.deepcopy(state.scoped_commands.get((scope_key, language), []))

    def _m_delete_my_commands(self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]) -> bool:
        scope_key, language, is_default = self._commands_key(params)
        state.scoped_commands.pop((scope_key, language), None)
        if is_default:
            state.commands.pop(language, None)
        return True

    def _m_send_message(
        self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]
    ) -> dict[str, Any]:
        user = self._chat(state, params)
        text = params.get("text")
        if text in (None, ""):
            raise _bad_request("message text is empty")
        self._check_text(text, params.get("parse_mode"))
        return self._send(state, user, params, "sendMessage", text=text, entities=params.get("entities"))

    def _m_edit_message_text(
        self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]
    ) -> dict[str, Any]:
        user = self._chat(state, params)
        message_id = self._message_id(params)
        text = params.get("text")
        if text in (None, ""):
            raise _bad_request("message text is empty")
        self._check_text(text, params.get("parse_mode"))
        stored = self._editable(user, message_id)
        if "text" not in stored.api:
            raise _bad_request("there is no text in the message to edit")
        markup = params.get("reply_markup")
        inline = self._inline_markup(markup)
        parse_mode = params.get("parse_mode")
        entities = params.get("entities")
        if (
            stored.api.get("text") == text
            and stored.parse_mode == parse_mode
            and stored.api.get("entities") == entities
            and stored.api.get("reply_markup") == inline
        ):
            raise ApiError(400, MESSAGE_NOT_MODIFIED)
        return self._apply_edit(
            user, stored, "editMessageText", inline, markup, parse_mode=parse_mode, text=text, entities=entities
        )

    def _m_edit_message_caption(
        self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]
    ) -> dict[str, Any]:
        user = self._chat(state, params)
        message_id = self._message_id(params)
        caption = params.get("caption")
        self._check_text(caption, params.get("parse_mode"), caption=True)
        stored = self._editable(user, message_id)
        if "text" in stored.api:
            raise _bad_request("there is no caption in the message to edit")
        markup = params.get("reply_markup")
        inline = self._inline_markup(markup)
        parse_mode = params.get("parse_mode")
        entities = params.get("caption_entities")
        if (
            stored.api.get("caption") == caption
            and stored.parse_mode == parse_mode
            and stored.api.get("caption_entities") == entities
            and stored.api.get("reply_markup") == inline
        ):
            raise ApiError(400, MESSAGE_NOT_MODIFIED)
        return self._apply_edit(
            user,
            stored,
            "editMessageCaption",
            inline,
            markup,
            parse_mode=parse_mode,
            caption=caption,
            caption_entities=entities,
        )

    def _m_edit_message_reply_markup(
        self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]
    ) -> dict[str, Any]:
        user = self._chat(state, params)
        message_id = self._message_id(params)
        stored = self._editable(user, message_id)
        markup = params.get("reply_markup")
        inline = self._inline_markup(markup)
        if stored.api.get("reply_markup") == inline:
            raise ApiError(400, MESSAGE_NOT_MODIFIED)
        return self._apply_edit(user, stored, "editMessageReplyMarkup", inline, markup, keep_parse_mode=True)

    def _apply_edit(
        self,
        user: FakeUser,
        stored: _StoredMessage,
        method: str,
        inline: dict[str, Any] | None,
        markup: Any,
        *,
        keep_parse_mode: bool = False,
        parse_mode: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        api = stored.api
        for key, value in fields.items():
            if value is None:
                api.pop(key, None)
            else:
                api[key] = value
        if inline is None:
            api.pop("reply_markup", None)
        else:
            api["reply_markup"] = copy.deepcopy(inline)
        api["edit_date"] = int(time.time())
        if not keep_parse_mode:
            stored.parse_mode = parse_mode
        stored.markup = markup
        self._log(user, stored, method, edited=True)
        return copy.deepcopy(api)

    def _m_delete_message(self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]) -> bool:
        user = self._chat(state, params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise ApiError(400, MESSAGE_TO_DELETE_NOT_FOUND)
        stored = user._store.get(message_id)
        if stored is None or stored.deleted:
            raise ApiError(400, MESSAGE_TO_DELETE_NOT_FOUND)
        stored.deleted = True
        user.deleted.append(message_id)
        return True

    def _m_answer_callback_query(
        self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]
    ) -> bool:
        query_id = params.get("callback_query_id")
        query = state.callback_queries.get(str(query_id)) if query_id is not None else None
        if query is None or query["answered"]:
            raise ApiError(400, QUERY_TOO_OLD)
        query["answered"] = True
        answer = {
            "callback_query_id": str(query_id),
            "text": params.get("text"),
            "show_alert": bool(params.get("show_alert", False)),
            "url": params.get("url"),
            "cache_time": params.get("cache_time"),
        }
        query["user"].callback_answers.append(answer)
        return True

    def _m_send_document(
        self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]
    ) -> dict[str, Any]:
        user = self._chat(state, params)
        document = params.get("document")
        upload: _Upload | None = uploads.get("document")
        stored_file: _StoredFile | None = None
        if upload is None and isinstance(document, str) and document.startswith("attach://"):
            upload = uploads.get(document[len("attach://") :])
            if upload is None:
                raise _bad_request("wrong file identifier/HTTP URL specified")
        if upload is not None:
            if not upload.content:
                raise _bad_request("file must be non-empty")
            content_type = upload.content_type
            if content_type == "application/octet-stream":
                content_type = None
            stored_file = self._store_file(upload.content, upload.filename, content_type)
        elif isinstance(document, str) and document:
            stored_file = self._files.get(document)
            if stored_file is None:
                if document.startswith(("http://", "https://")):
                    name = document.rstrip("/").rsplit("/", 1)[-1] or None
                    stored_file = self._store_file(None, name, None)
                else:
                    raise _bad_request("wrong file identifier/HTTP URL specified")
        else:
            raise _bad_request("there is no document in the request")
        caption = params.get("caption")
        self._check_text(caption, params.get("parse_mode"), caption=True)
        message = self._send(
            state,
            user,
            params,
            "sendDocument",
            document=self._document_dict(stored_file),
            caption=caption,
            caption_entities=params.get("caption_entities"),
        )
        user.documents.append(
            {
                "filename": stored_file.filename,
                "content": stored_file.content,
                "caption": caption,
                "parse_mode": params.get("parse_mode"),
                "mime_type": stored_file.mime_type,
                "file_id": stored_file.file_id,
                "message_id": message["message_id"],
                "reply_markup": params.get("reply_markup"),
            }
        )
        return message

    def _m_get_file(self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]) -> dict[str, Any]:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise _bad_request("invalid file_id")
        info: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if stored.content is not None:
            info["file_size"] = len(stored.content)
            info["file_path"] = stored.file_path
        return info

    def _m_send_chat_action(self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]) -> bool:
        user = self._chat(state, params)
        action = params.get("action")
        if not action:
            raise _bad_request("wrong parameter action in request")
        user.chat_actions.append(str(action))
        return True

    def _m_set_chat_menu_button(
        self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]
    ) -> bool:
        chat_id = params.get("chat_id")
        state.menu_buttons[chat_id if isinstance(chat_id, int) else None] = params.get("menu_button") or {
            "type": "default"
        }
        return True

    def _m_get_chat_menu_button(
        self, state: _BotState, params: dict[str, Any], uploads: dict[str, _Upload]
    ) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        key = chat_id if isinstance(chat_id, int) else None
        button = state.menu_buttons.get(key) or state.menu_buttons.get(None) or {"type": "default"}
        return copy.deepcopy(button)
