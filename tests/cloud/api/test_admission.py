"""More requests at once than the database pool has connections: they queue, none fails.

Over real HTTP (uvicorn) with a pool of one connection and a short pool timeout: without the
admission limit, authenticated sync routes (a dependency and the route on separate threads,
one connection held between them) starve each other and fail with the pool's timeout."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from cloud.api.admission import (
    RESERVED_CONNECTIONS,
    UNBOUNDED_POOL_LIMIT,
    AdmissionLimit,
    limit_for,
)
from cloud.app import create_app
from cloud.core.config import Settings
from cloud.db import make_engine, migrate
from cloud.runtime.api_server import ApiServer
from fleet.localhost import free_port
from tests.conftest import Credentials

CALLERS = 40  # as many as uvicorn's thread pool has threads


@pytest.fixture
def one_connection_api(tmp_path):
    url = f"sqlite:///{tmp_path / 'admission.db'}"
    engine = make_engine(url, pool_size=1, max_overflow=0, pool_timeout=2)
    migrate(engine)
    settings = Settings(database_url=url)
    server = ApiServer(create_app(settings, engine=engine), port=free_port()).start()
    yield server, Credentials(engine, settings)
    server.stop()
    engine.dispose()


def test_a_crowd_of_callers_queues_for_one_connection(one_connection_api):
    server, credentials = one_connection_api
    headers = credentials.operator("viewer")

    def call(_):
        return httpx.get(server.url + "/api/v1/lockers", headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(CALLERS) as pool:
        statuses = list(pool.map(call, range(CALLERS * 3)))
    assert statuses == [200] * (CALLERS * 3)


def test_the_limit_follows_the_pool(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}", pool_size=7, max_overflow=5)
    assert limit_for(engine) == 12 - RESERVED_CONNECTIONS
    tiny = make_engine(f"sqlite:///{tmp_path / 'b.db'}", pool_size=1, max_overflow=0)
    assert limit_for(tiny) == 1
    unbounded = make_engine(f"sqlite:///{tmp_path / 'c.db'}", pool_size=1, max_overflow=-1)
    assert limit_for(unbounded) == UNBOUNDED_POOL_LIMIT


def test_a_caller_that_waits_too_long_is_told_to_come_back():
    sent = []

    async def slow_app(scope, receive, send):
        await asyncio.sleep(0.5)

    async def record(message):
        sent.append(message)

    async def scenario():
        gate = AdmissionLimit(slow_app, limit=1, wait_s=0.05)
        scope = {"type": "http", "headers": []}
        await asyncio.gather(gate(scope, None, record), gate(scope, None, record))

    asyncio.run(scenario())
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 503
    assert dict(start["headers"])[b"retry-after"] == b"1"
    assert b'"busy"' in next(m for m in sent if m["type"] == "http.response.body")["body"]


def test_streams_do_not_take_a_slot():
    entered = []

    async def app(scope, receive, send):
        entered.append(scope["path"])
        await asyncio.sleep(0.2)

    async def scenario():
        gate = AdmissionLimit(app, limit=1, wait_s=0.05)
        stream = {"type": "http", "path": "/events", "headers": [(b"accept", b"text/event-stream")]}
        plain = {"type": "http", "path": "/lockers", "headers": []}
        await asyncio.gather(gate(stream, None, None), gate(plain, None, None))

    asyncio.run(scenario())
    assert sorted(entered) == ["/events", "/lockers"]
