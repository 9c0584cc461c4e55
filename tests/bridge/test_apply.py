"""Device messages through a bridge worker's apply(): applied once, or dropped; never a crash."""
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from bridge.worker import BridgeWorker
from cloud.models import DeviceEvent, Locker
from firmware.core import wire

any_topic = st.one_of(st.text(max_size=60), st.sampled_from(
    ["lockers/L1/events", "lockers/L1/status", "lockers/L2/events", "lockers/L1/commands"]))


@pytest.fixture
def worker(engine, session, make_locker, now):
    _, key = make_locker("L1")
    session.commit()
    return BridgeWorker("mqtt://127.0.0.1:1", engine, lambda: now), bytes.fromhex(key)


def _inbox(engine):
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(DeviceEvent)).one()


@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60,
                     deadline=None)
@given(topic=any_topic, payload=st.binary(max_size=300))
def test_arbitrary_messages_are_dropped_without_a_crash_or_a_change(worker, engine, topic, payload):
    bridge, _ = worker
    bridge.apply(topic, payload)
    assert _inbox(engine) == 0


def test_a_verified_event_is_applied_once(worker, engine, now):
    bridge, key = worker
    body = {"lkr": "L1", "seq": 1, "t": 0, "type": "jammed", "cmp": 2}
    for _ in range(2):
        bridge.apply("lockers/L1/events", wire.sign(key, body))
    assert _inbox(engine) == 1


@pytest.mark.parametrize("payload, online", [(b'{"online": true}', True), (b'{"online": false}', False)])
def test_status_marks_the_locker_online_or_offline(worker, engine, payload, online):
    bridge, _ = worker
    bridge.apply("lockers/L1/status", payload)
    with Session(engine) as session:
        assert session.get(Locker, "L1").online is online


@pytest.mark.parametrize("payload", [b"online", b'{"online": "yes"}', b"[]", b"\xff"])
def test_a_malformed_status_changes_nothing(worker, engine, payload):
    bridge, _ = worker
    bridge.apply("lockers/L1/status", b'{"online": true}')
    bridge.apply("lockers/L1/status", payload)
    with Session(engine) as session:
        assert session.get(Locker, "L1").online is True
