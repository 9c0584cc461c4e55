"""Admission: no more requests inside the app than the database pool has connections for.

FastAPI runs a sync route and each of its sync dependencies on separate trips to the thread
pool (40 threads), and a request's session keeps its connection between those trips. With more
requests in flight than connections, every thread can end up waiting for a connection held by a
request that is itself waiting for a thread: nothing moves until the pool's timeout (30 s)
fails them all. `locker chaos` with 200 lockers found this (43 transactions in 10 minutes).
Queueing requests here, before they take a thread or a connection, keeps both below their
limits; one that waits too long is told to come back (503, Retry-After) instead of hanging.

Streams (server-sent events) are let through: they live for minutes and must not hold a slot.
"""

import asyncio
import json
from typing import Any

from sqlalchemy import Engine

RESERVED_CONNECTIONS = 2  # for the background loops sharing the engine (notifications, ...)
UNBOUNDED_POOL_LIMIT = 32  # a pool without a cap (SQLite's static pools): stay under 40 threads


class AdmissionLimit:
    """ASGI middleware: at most `limit` HTTP requests inside `app` at once, the rest queue."""

    def __init__(self, app: Any, limit: int, wait_s: float = 20.0):
        self.app, self.limit, self.wait_s = app, max(1, limit), wait_s
        self._slots = asyncio.Semaphore(self.limit)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or _is_stream(scope):
            await self.app(scope, receive, send)
            return
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait_s)
        except asyncio.TimeoutError:
            await _busy(send, self.wait_s)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()


def limit_for(engine: Engine) -> int:
    """How many requests may hold a connection of `engine`'s pool at once."""
    pool = engine.pool
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", -1)
    if not callable(size) or overflow < 0:
        return UNBOUNDED_POOL_LIMIT
    return max(1, size() + overflow - RESERVED_CONNECTIONS)


def _is_stream(scope: dict) -> bool:
    accept = dict(scope.get("headers") or ()).get(b"accept", b"")
    return b"text/event-stream" in accept


async def _busy(send: Any, wait_s: float) -> None:
    body = json.dumps(
        {"detail": {"code": "busy", "message": "the service is busy; try again shortly"}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(max(1, int(wait_s / 4))).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
