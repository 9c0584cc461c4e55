"""The bridge on the fleet's TLS broker, with its own certificate (`locker broker-config`).

It connects as bridge-1 (the name read from its certificate becomes its client id), hears a
board's events, and the commands it relays reach that board and no other."""

import json

import pytest
from sqlmodel import Session

from bridge.identity import BridgeIdentity
from bridge.worker import BridgeWorker
from cloud.core.clock import utcnow
from cloud.core.config import Settings
from cloud.db import migrated_engine
from cloud.models import CompartmentSpec, LockerCreate
from cloud.services import lockers, outbox
from tests.security.test_fleet_broker import BRIDGE_1, Peer


@pytest.fixture
def engine(tmp_path):
    engine = migrated_engine(f"sqlite:///{tmp_path / 'bridge.db'}")
    yield engine
    engine.dispose()


def _provision(engine, locker_id):
    with Session(engine) as session:
        lockers.provision_locker(
            session,
            LockerCreate(
                id=locker_id, name=locker_id, compartments=[CompartmentSpec(number=1, size="M")]
            ),
            utcnow(),
        )
        session.commit()


def test_the_bridge_relays_commands_over_tls_with_its_own_identity(fleet, engine):
    _provision(engine, "A")
    board_a, board_b = Peer(fleet, "A"), Peer(fleet, "B")
    assert board_a.connected.wait(10) and board_b.connected.wait(10)
    board_a.subscribe("lockers/A/commands")
    board_b.subscribe("lockers/+/commands")  # the ACL keeps A's commands from B
    identity = BridgeIdentity(fleet.identity(BRIDGE_1))
    assert identity.name == BRIDGE_1
    worker = BridgeWorker(
        "mqtts://127.0.0.1:%d" % fleet.port,
        engine,
        utcnow,
        settings=Settings(database_url=str(engine.url)),
        identity=identity,
    ).start()
    try:
        assert worker.connected.wait(15), "the bridge did not connect over TLS"
        with Session(engine) as session:
            outbox.queue(session, "A", "open", {"cmp": 1}, utcnow())
            session.commit()
        worker.relay.wake.set()
        deadline_ok = board_a.wait_for_any(
            lambda p: json.loads(p.split(b" ", 1)[1])["type"] == "open", 15
        )
        assert deadline_ok, "the relayed command did not reach board A"
        assert not any(topic.startswith("lockers/A/") for topic, _ in board_b.messages)
    finally:
        worker.stop()
        board_a.close()
        board_b.close()


def test_a_tls_broker_without_an_identity_is_refused_up_front(engine):
    with pytest.raises(ValueError, match="identity"):
        BridgeWorker("mqtts://127.0.0.1:8883", engine, utcnow)


def test_an_incomplete_identity_folder_is_named(tmp_path):
    (tmp_path / "ca.crt").write_text("x")
    with pytest.raises(ValueError, match="client.crt, client.key"):
        BridgeIdentity(tmp_path)
