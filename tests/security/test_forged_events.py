"""Events from boards (deposits, pickups, alarms): a compromised broker or a listener cannot
forge, alter or replay one, and events are applied once each, in order. Over a real broker and
bridge at the end; at the bridge's door (bridge/inbound.py) with hypothesis first."""

import json
import uuid

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from bridge.inbound import Rejected, handle_event
from cloud.board_events import OutOfOrder, apply_device_event
from cloud.models import Compartment, DeviceEvent, Locker, Parcel, PickupCredential
from cloud.services import parcels
from protocol import wire
from tests.security import e2e_steps
from tests.security.test_forged_commands import altered
from tests.support.spy import MqttSpy


def _deposited_body(locker_id, parcel, cmp, seq=1):
    return {"lkr": locker_id, "seq": seq, "t": 0, "type": "deposited", "parcel": parcel, "cmp": cmp}


class Reserved:
    """What an attacker aims at: parcel JJD0001 reserved in locker L1, and L1's board key."""

    def __init__(self, key, parcel):
        self.key, self.id, self.code = bytes.fromhex(key), parcel.id, parcel.tracking_code


@pytest.fixture
def reserved(session, make_locker, parcel_data, settings, now):
    _, key = make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    target = Reserved(key, parcel)
    target.cmp = session.get(Compartment, parcel.compartment_id).number
    session.commit()
    session.close()  # SQLite: a session left open would hold the write lock the bridge needs
    return target


def _events(engine):
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(DeviceEvent)).one()


def _state(engine, parcel_id):
    with Session(engine) as session:
        return session.get(Parcel, parcel_id).state


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_an_altered_event_is_rejected_and_applies_nothing(engine, settings, now, reserved, data):
    key, parcel, cmp = reserved.key, reserved, reserved.cmp
    genuine = wire.sign(key, _deposited_body("L1", parcel.code, cmp))
    tampered = data.draw(altered(genuine))
    if tampered.lower() == genuine.lower():
        return
    with pytest.raises(Rejected):
        handle_event(engine, "L1", tampered, now, settings)
    assert _events(engine) == 0 and _state(engine, parcel.id) == "reserved"


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(other_key=st.binary(min_size=32, max_size=32))
def test_an_event_signed_with_any_other_key_is_rejected(engine, settings, now, reserved, other_key):
    key, parcel, cmp = reserved.key, reserved, reserved.cmp
    if other_key == key:
        return
    with pytest.raises(Rejected):
        handle_event(
            engine,
            "L1",
            wire.sign(other_key, _deposited_body("L1", parcel.code, cmp)),
            now,
            settings,
        )
    assert _events(engine) == 0 and _state(engine, parcel.id) == "reserved"


def test_an_event_of_one_board_on_another_boards_topic_is_rejected(
    engine, settings, now, reserved, make_locker, session
):
    key, parcel, cmp = reserved.key, reserved, reserved.cmp
    _, other_key = make_locker("L2")
    session.commit()
    for payload in (
        wire.sign(key, _deposited_body("L1", parcel.code, cmp)),  # L1's, on L2's topic
        wire.sign(bytes.fromhex(other_key), _deposited_body("L1", parcel.code, cmp)),
    ):
        with pytest.raises(Rejected):
            handle_event(engine, "L2", payload, now, settings)
    assert _events(engine) == 0 and _state(engine, parcel.id) == "reserved"


def test_a_replayed_event_is_applied_once(engine, settings, now, reserved):
    key, parcel, cmp = reserved.key, reserved, reserved.cmp
    payload = wire.sign(key, _deposited_body("L1", parcel.code, cmp))
    assert [handle_event(engine, "L1", payload, now, settings) for _ in range(3)] == [
        True,
        False,
        False,
    ]
    assert _events(engine) == 1
    with Session(engine) as session:
        found = (
            select(func.count())
            .select_from(PickupCredential)
            .where(PickupCredential.parcel_id == parcel.id)
        )
        assert session.exec(found).one() == 1  # one PIN, not three


def test_an_event_after_a_gap_is_held_back_and_nothing_is_applied(
    session, engine, settings, now, reserved
):
    parcel, cmp = reserved, reserved.cmp
    with pytest.raises(OutOfOrder):
        apply_device_event(
            session,
            session.get(Locker, "L1"),
            _deposited_body("L1", parcel.code, cmp, seq=2),
            now,
            settings=settings,
        )
    session.rollback()
    assert _events(engine) == 0 and _state(engine, parcel.id) == "reserved"


def test_a_reused_seq_with_another_body_is_not_applied(engine, settings, now, reserved):
    key, parcel, cmp = reserved.key, reserved, reserved.cmp
    handle_event(
        engine, "L1", wire.sign(key, _deposited_body("L1", parcel.code, cmp)), now, settings
    )
    collected = dict(_deposited_body("L1", parcel.code, cmp), type="collected")  # seq 1 again
    assert handle_event(engine, "L1", wire.sign(key, collected), now, settings) is False
    assert _events(engine) == 1 and _state(engine, parcel.id) == "deposited"


# --- over a real broker and bridge (moved from tests/e2e/test_wire_refusals.py) --------------


@pytest.mark.e2e
def test_malformed_and_forged_events_are_dropped_and_the_bridge_carries_on(
    cloud, provision, broker
):
    board, key = provision()
    courier = e2e_steps.register_courier(cloud, board)
    parcel = e2e_steps.preadvise(cloud, board, "1001")
    events = wire.topic(board.locker_id, "events")
    forged = {
        "lkr": board.locker_id,
        "seq": 1,
        "t": 0,
        "type": "deposited",
        "parcel": "1001",
        "cmp": 1,
    }
    spy = MqttSpy(broker.url)
    for payload in [
        b"",
        b"\xff\x00garbage",
        b"{}",
        b"x" * 10000,
        wire.sign(bytes(32), forged),  # another key: a compromised broker's forgery
        wire.sign(key, dict(forged, lkr="SOMEONE-ELSE")),
        wire.sign(key, dict(forged, cmp="one")),
    ]:
        spy.publish(events, payload)
    spy.publish(wire.topic("NO-SUCH-LOCKER", "events"), wire.sign(key, forged))
    spy.close()

    e2e_steps.deposit(board, courier, parcel)  # a real deposit after the junk is still applied
    board.wait_until(lambda c: not c.pending_events(), 15, "the deposit acknowledged")
    assert e2e_steps.inbox_count(cloud, board.locker_id) == 1
    with Session(cloud.engine) as session:
        assert session.get(Parcel, uuid.UUID(parcel["id"])).state == "deposited"


@pytest.mark.e2e
def test_a_compromised_broker_cannot_forge_a_pickup_and_a_repeat_is_applied_once(
    cloud, provision, broker
):
    board, key = provision()
    courier = e2e_steps.register_courier(cloud, board)
    parcel = e2e_steps.preadvise(cloud, board, "1002")
    topics = wire.topic(board.locker_id, "events"), wire.topic(board.locker_id, "commands")
    spy = MqttSpy(broker.url, *topics)
    e2e_steps.deposit(board, courier, parcel)
    _, deposited = spy.wait_for(lambda t, p: t == topics[0], what="the deposited event")
    body = json.loads(deposited[wire.MAC_HEX + 1 :])
    pickup = dict(body, seq=body["seq"] + 1, type="collected")
    spy.publish(topics[0], wire.sign(bytes(32), pickup))  # forged: not the board's key
    spy.publish(topics[0], deposited[: wire.MAC_HEX + 1] + json.dumps(pickup).encode())  # altered
    spy.publish(topics[0], deposited)  # replayed (a QoS 1 duplicate looks the same)

    def acks(t, p):
        return t == topics[1] and wire.open_signed(key, p)["type"] == "ack"

    spy.wait_for(
        lambda t, p: acks(t, p) and len([m for m in spy.messages if acks(*m)]) >= 2,
        what="a second ack: the replay, and so everything before it, was handled",
    )
    spy.close()
    assert e2e_steps.inbox_count(cloud, board.locker_id) == 1
    with Session(cloud.engine) as session:
        assert session.get(Parcel, uuid.UUID(parcel["id"])).state == "deposited"
        credentials = session.exec(
            select(PickupCredential).where(PickupCredential.parcel_id == uuid.UUID(parcel["id"]))
        ).all()
        assert len(credentials) == 1
    assert (
        httpx.get(
            cloud.api.url + "/api/v1/parcels/" + parcel["id"],
            timeout=10,
            headers=cloud.admin_headers,
        ).json()["state"]
        == "deposited"
    )
