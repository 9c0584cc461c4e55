"""The end-to-end fixtures (a cloud stack on a real broker and database, simulated boards) for
the attacks that go over the wire."""

import pytest

from fleet.localhost import mosquitto_binary
from tests.e2e.conftest import cloud, database, provision, start_wasm_board  # noqa: F401  (pytest fixtures)
from tests.security.site_world import two_sites  # noqa: F401  (a pytest fixture)
from tests.security.test_fleet_broker import FleetBroker


@pytest.fixture
def fleet(tmp_path):
    """The fleet's TLS Mosquitto (`locker broker-config`), with its CA and peer certificates."""
    if mosquitto_binary() is None:
        pytest.fail("mosquitto is not installed: run `make test`")
    broker = FleetBroker(tmp_path).start()
    yield broker
    broker.stop()
