"""Device messages through a bridge worker's apply(): applied once, or dropped; never a crash."""

import json
import threading
import time

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from bridge import worker as worker_module
from bridge.worker import BridgeWorker
from cloud.models import DeviceEvent, Locker
from cloud.services import courier_routes, couriers, outbox, parcels
from protocol import wire
from protocol.verifiers import courier_verifier
from tests.support.couriers import registered
from tests.support.status import BoardStatus

any_topic = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["lockers/L1/events", "lockers/L1/status", "lockers/L2/events", "lockers/L1/commands"]
    ),
)


@pytest.fixture
def worker(engine, session, make_locker, now, settings):
    _, key = make_locker("L1")
    session.commit()
    return BridgeWorker(
        "mqtt://127.0.0.1:1", engine, lambda: now, settings=settings
    ), bytes.fromhex(key)


def _inbox(engine):
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(DeviceEvent)).one()


@hypothesis_settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60, deadline=None
)
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


def _online(engine):
    with Session(engine) as session:
        return session.get(Locker, "L1").online


def test_signed_status_marks_the_locker_online_then_offline(worker, engine):
    bridge, key = worker
    board = BoardStatus("L1", key)
    bridge.apply("lockers/L1/status", board.online())
    assert _online(engine) is True
    bridge.apply("lockers/L1/status", board.offline())
    assert _online(engine) is False


def test_the_same_status_again_changes_nothing_and_queues_nothing(worker, engine):
    bridge, key = worker
    online = BoardStatus("L1", key).online()
    bridge.apply("lockers/L1/status", online)
    queued = len(_pending(engine))
    bridge.apply("lockers/L1/status", online)  # retained: a worker reconnecting hears it again
    assert _online(engine) is True and len(_pending(engine)) == queued


@pytest.mark.parametrize(
    "payload", [b"online", b'{"online": "yes"}', b"[]", b"\xff", b'{"online": false}']
)
def test_a_malformed_or_unsigned_status_changes_nothing(worker, engine, payload):
    bridge, key = worker
    bridge.apply("lockers/L1/status", BoardStatus("L1", key).online())
    bridge.apply("lockers/L1/status", payload)
    assert _online(engine) is True


@pytest.mark.parametrize(
    "body", [{"online": "no"}, {"online": 0}, {"conn": 0}, {"type": "telemetry"}, {"lkr": "L2"}]
)
def test_a_signed_status_of_the_wrong_shape_changes_nothing(worker, engine, body):
    bridge, key = worker
    bridge.apply("lockers/L1/status", BoardStatus("L1", key).online())
    status = {"lkr": "L1", "t": 0, "type": "status", "online": False, "conn": 2}
    status.update(body)
    bridge.apply("lockers/L1/status", wire.sign(key, status))
    assert _online(engine) is True


def _pending(engine):
    with Session(engine) as session:
        return [(m.type, json.loads(m.body)) for m in outbox.pending(session, "L1")]


def _mark_all_sent(engine, now):
    with Session(engine) as session:
        for message in outbox.pending(session, "L1"):
            message.sent_at = now
        session.commit()


def test_a_board_coming_online_is_sent_its_state_again(
    worker, engine, session, parcel_data, now, settings
):
    bridge, key = worker
    bob = registered(session, "Bob", now, settings, "4711471147")
    courier_routes.set_route(
        session, bob.id, now.date(), ["L1"], now, actor="system", settings=settings
    )
    parcels.preadvise(session, parcel_data(tracking_code="WAITING"), now, settings=settings)
    parcels.preadvise(session, parcel_data(tracking_code="INSIDE"), now, settings=settings)
    session.commit()
    bridge.apply(
        "lockers/L1/events",
        wire.sign(
            key, {"lkr": "L1", "seq": 1, "t": 0, "type": "deposited", "parcel": "INSIDE", "cmp": 2}
        ),
    )
    [credential] = [body for type, body in _pending(engine) if type == "credential"]
    _mark_all_sent(engine, now)  # and lost: the board was never connected, or away too long
    bridge.apply("lockers/L1/status", BoardStatus("L1", key).online())
    until = couriers.day_end_ms(now.date())
    assert _pending(engine) == [
        ("couriers", {"v": [courier_verifier(key, "4711471147")], "until": until}),
        ("reserve", {"parcel": "WAITING", "cmp": 1, "asof": 1}),
        ("credential", credential),
    ]


def _telemetry(**overrides):
    body = {
        "lkr": "L1",
        "t": 0,
        "type": "telemetry",
        "fw": "0.1.0",
        "up": 90_500,
        "reset": "watchdog",
        "heap": 61_000,
        "rssi": -67,
        "reconn": 3,
        "mode": "normal",
    }
    body.update(overrides)
    return body


def test_signed_telemetry_is_kept_for_the_operators(worker, engine):
    bridge, key = worker
    bridge.apply("lockers/L1/telemetry", wire.sign(key, _telemetry()))
    with Session(engine) as session:
        locker = session.get(Locker, "L1")
        assert (
            locker.firmware_version,
            locker.reset_cause,
            locker.uptime_s,
            locker.free_heap,
            locker.wifi_rssi,
            locker.reconnects,
            locker.board_mode,
        ) == ("0.1.0", "watchdog", 90, 61_000, -67, 3, "normal")


@pytest.mark.parametrize(
    "payload",
    [
        wire.sign(bytes(32), _telemetry()),  # another key
        wire.sign(b"k" * 32, _telemetry(heap=-1)),
        b"garbage",
    ],
)
def test_forged_or_malformed_telemetry_changes_nothing(worker, engine, payload):
    bridge, key = worker
    bridge.apply("lockers/L1/telemetry", payload)
    bridge.apply(
        "lockers/L1/telemetry", wire.sign(key, _telemetry(lkr="L2"))
    )  # names another board
    with Session(engine) as session:
        assert session.get(Locker, "L1").telemetry_at is None


def _event(key, seq, type="jammed", **fields):
    return wire.sign(
        key, {"lkr": "L1", "seq": seq, "t": 0, "type": type, **(fields or {"cmp": seq})}
    )


def _applied(engine):
    with Session(engine) as session:
        seqs = [e.seq for e in session.exec(select(DeviceEvent).order_by(DeviceEvent.id)).all()]
        return seqs, session.get(Locker, "L1").applied_seq


def test_an_event_that_overtook_its_predecessor_is_applied_after_it_without_a_resend(
    worker, engine
):
    """Two workers of a share group: this one gets #2 while #1 is still on its way."""
    bridge, key = worker
    loop = threading.Thread(target=bridge._apply_loop, daemon=True)
    loop.start()
    bridge.inbox.put(("lockers/L1/events", _event(key, 2)))
    deadline = time.monotonic() + 5
    while bridge.deferred() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert bridge.deferred() == 1 and _applied(engine) == ([], 0)  # refused: not stored, not acked
    assert _pending(engine) == []
    bridge.inbox.put(("lockers/L1/events", _event(key, 1)))
    while _applied(engine)[1] < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    bridge.inbox.put(None)
    loop.join(timeout=5)
    assert _applied(engine) == ([1, 2], 2) and bridge.deferred() == 0
    assert [body for type, body in _pending(engine) if type == "ack"] == [
        {"seqs": [1]},
        {"seqs": [2]},
    ]


def test_an_event_whose_predecessor_never_comes_is_dropped_after_a_few_seconds(
    worker, engine, caplog
):
    bridge, key = worker
    clock = [100.0]
    bridge.monotonic = lambda: clock[0]
    bridge.apply("lockers/L1/events", _event(key, 3))
    for _ in range(40):  # every RETRY_EVERY_S until RETRY_FOR_S
        clock[0] += worker_module.RETRY_EVERY_S
        bridge.retry_due()
    assert bridge.deferred() == 0 and _applied(engine) == ([], 0) and _pending(engine) == []
    assert "dropped out-of-order message" in caplog.text


def test_deferred_events_do_not_hold_up_other_lockers(worker, engine, make_locker, session):
    bridge, key = worker
    _, other_key = make_locker("L2")
    session.commit()
    bridge.apply("lockers/L1/events", _event(key, 2))
    bridge.apply(
        "lockers/L2/events",
        wire.sign(
            bytes.fromhex(other_key), {"lkr": "L2", "seq": 1, "t": 0, "type": "jammed", "cmp": 1}
        ),
    )
    with Session(engine) as check:
        assert check.get(Locker, "L2").applied_seq == 1
    assert bridge.deferred() == 1
