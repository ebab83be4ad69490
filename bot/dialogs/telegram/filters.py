"""Cheap message filters for the hot path.

aiogram runs a filter that is a plain function, a lambda or a magic filter (`F.text`) in a worker thread
(`asyncio.to_thread`), one thread hop per check.  Every typed answer passes several routers' filters, so these are
`Filter` subclasses, which aiogram awaits in the event loop.
"""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import Message


class IsCommand(Filter):
    """Text that starts with "/": put on a whole router, typed answers skip all of its Command handlers at once."""

    async def __call__(self, message: Message) -> bool:
        return message.text is not None and message.text.startswith("/")


class PlainText(Filter):
    """Text that is no command: what a person types as an answer."""

    async def __call__(self, message: Message) -> bool:
        return message.text is not None and not message.text.startswith("/")


class HasText(Filter):
    async def __call__(self, message: Message) -> bool:
        return message.text is not None


class HasFile(Filter):
    """A document or a photo."""

    async def __call__(self, message: Message) -> bool:
        return message.document is not None or bool(message.photo)
