import uuid

import pytest

from fleet.localhost import free_port
from fleet.registration import register_locker
from locker.phone_inbox import PhoneInbox
from protocol.layout import parse_layout
from simulator.virtual_locker import VirtualLocker
from simulator.wasm_board import node_ready, provision_wasm_board
from tests.support.cloud_stack import LoggedInStack
from tests.support.databases import pg_schema, reachable_pg_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    """(url, schema) of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield "sqlite:///%s" % (tmp_path / "locker.db"), None
        return
    url, why = reachable_pg_url()
    if url is None:
        pytest.skip("PostgreSQL unreachable (%s); the SQLite variant still runs" % why)
    with pg_schema(url) as schema:
        yield url, schema


@pytest.fixture
def cloud(broker, database):
    """API, bridge and notification loop on a real broker and database."""
    url, schema = database
    stack = LoggedInStack(
        broker.url, url, PhoneInbox(), api_port=free_port(), schema=schema
    ).start()
    yield stack
    stack.stop()


@pytest.fixture
def provision(cloud, broker):
    """Provision a locker through the API and start its simulated board; stopped afterwards."""
    boards = []

    def make(layout="S4,M4,L4", state_file=None):
        locker_id = "T-" + uuid.uuid4().hex[:10]
        compartments = parse_layout(layout)
        key = bytes.fromhex(
            register_locker(
                cloud.api.url, locker_id, compartments, headers=cloud.admin_headers, timeout=10
            )
        )
        board = VirtualLocker(
            locker_id, key, compartments, broker.url, state_file=state_file
        ).start()
        boards.append(board)
        board.wait_until(lambda c: c.is_online(), 15, "board online")
        return board, key

    yield make
    for board in boards:
        board.stop()


@pytest.fixture
def start_wasm_board(cloud, mosquitto, tmp_path):
    """Provision a locker and start the firmware bundle on MicroPython (WebAssembly in Node.js)
    on the plain Mosquitto; stopped afterwards."""
    if not node_ready():
        pytest.fail("Node.js and simulator/wasm/node_modules are missing: run `make test`")
    boards = []

    def start(locker_id, layout):
        board = provision_wasm_board(
            cloud.api.url,
            cloud.admin_headers,
            locker_id,
            layout,
            ("127.0.0.1", mosquitto.port),
            tmp_path,
        )
        boards.append(board)
        return board

    yield start
    for board in boards:
        board.stop()
