"""Waiting for an actor from a coroutine without blocking the event loop.

pykka's futures block when awaited; instead an actor gets a plain callback that
resolves an asyncio future on the loop's own thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def reply_future(loop: asyncio.AbstractEventLoop) -> tuple[asyncio.Future[T], Callable[[T], None]]:
    future: asyncio.Future[T] = loop.create_future()

    def resolve(value: T) -> None:
        if not future.done():
            future.set_result(value)

    def reply(value: T) -> None:
        if not loop.is_closed():
            loop.call_soon_threadsafe(resolve, value)

    return future, reply
