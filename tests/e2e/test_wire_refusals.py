"""Bad input on the wire, end to end: refused, logged, and nothing changes."""
import json
import uuid

import httpx
import pytest
from sqlmodel import Session, func, select

from cloud.models import DeviceEvent, Parcel, PickupCredential
from firmware.core import wire
from tests.support.spy import MqttSpy

pytestmark = pytest.mark.e2e


def _preadvise(cloud, board, code):
    response = httpx.post(cloud.api.url + "/api/v1/parcels", timeout=10, headers=cloud.admin_headers, json={
        "carrier": "acme", "tracking_code": code, "locker_id": board.locker_id, "width_mm": 100,
        "height_mm": 50, "depth_mm": 100, "recipient": {"name": "Ada", "phone": "+4915100000001"}})
    assert response.status_code == 201, response.text
    board.wait_until(lambda c: c.has_reservation(code), 15, "reservation of " + code)
    return response.json()


def _deposit(board, courier_code, parcel):
    pulses = len(board.pulsed)
    board.press(courier_code + "#" + parcel["tracking_code"] + "#")
    door = board.wait_for_pulse(after=pulses)
    assert board.open_door(door)
    board.close_door(door)


def _inbox_count(cloud, locker_id):
    with Session(cloud.engine) as session:
        return session.exec(select(func.count()).select_from(DeviceEvent)
                            .where(DeviceEvent.locker_id == locker_id)).one()


def _type(key, payload):
    return wire.open_signed(key, payload)["type"]


def _register_courier(cloud, board, code="4711"):
    httpx.post(cloud.api.url + "/api/v1/couriers", json={"name": "Sam", "code": code}, timeout=10, headers=cloud.admin_headers)
    board.wait_until(lambda c: c.courier_count() > 0, 15, "courier codes")
    return code


def test_malformed_and_forged_events_are_dropped_and_the_bridge_carries_on(cloud, provision, broker):
    board, key = provision()
    courier = _register_courier(cloud, board)
    parcel = _preadvise(cloud, board, "1001")
    events = wire.topic(board.locker_id, "events")
    forged = {"lkr": board.locker_id, "seq": 1, "t": 0, "type": "deposited", "parcel": "1001", "cmp": 1}
    spy = MqttSpy(broker.url)
    for payload in [b"", b"\xff\x00garbage", b"{}", b"x" * 10000,
                    wire.sign(bytes(32), forged),  # another key: a compromised broker's forgery
                    wire.sign(key, dict(forged, lkr="SOMEONE-ELSE")),
                    wire.sign(key, dict(forged, cmp="one"))]:
        spy.publish(events, payload)
    spy.publish(wire.topic("NO-SUCH-LOCKER", "events"), wire.sign(key, forged))
    spy.close()

    _deposit(board, courier, parcel)  # a real deposit after the junk is still applied
    board.wait_until(lambda c: not c.pending_events(), 15, "the deposit acknowledged")
    assert _inbox_count(cloud, board.locker_id) == 1
    with Session(cloud.engine) as session:
        assert session.get(Parcel, uuid.UUID(parcel["id"])).state == "deposited"


def test_a_repeated_event_is_acknowledged_again_but_applied_once(cloud, provision, broker):
    board, key = provision()
    courier = _register_courier(cloud, board)
    parcel = _preadvise(cloud, board, "1002")
    spy = MqttSpy(broker.url, wire.topic(board.locker_id, "events"), wire.topic(board.locker_id, "commands"))
    _deposit(board, courier, parcel)
    _, deposited = spy.wait_for(lambda t, p: t.endswith("/events"), what="the deposited event")

    spy.publish(wire.topic(board.locker_id, "events"), deposited)  # a QoS 1 duplicate
    acks = lambda t, p: t == wire.topic(board.locker_id, "commands") and wire.open_signed(key, p)["type"] == "ack"
    spy.wait_for(lambda t, p: acks(t, p) and len([m for m in spy.messages if acks(*m)]) >= 2,
                 what="a second ack")
    spy.close()
    assert _inbox_count(cloud, board.locker_id) == 1
    with Session(cloud.engine) as session:
        credentials = session.exec(select(PickupCredential).where(PickupCredential.parcel_id == uuid.UUID(parcel["id"]))).all()
        assert len(credentials) == 1


def test_forged_and_replayed_commands_are_refused_by_the_board(cloud, provision, broker):
    board, key = provision()
    commands = wire.topic(board.locker_id, "commands")
    spy = MqttSpy(broker.url, commands)
    first = _preadvise(cloud, board, "1003")
    _, reserve = spy.wait_for(lambda t, p: t == commands and _type(key, p) == "reserve", what="a reserve")
    httpx.post(cloud.api.url + "/api/v1/parcels/%s/cancel" % first["id"], timeout=10, headers=cloud.admin_headers).raise_for_status()
    board.wait_until(lambda c: not c.has_reservation("1003"), 15, "the revoke")
    counter = board.controller.last_counter

    spy.publish(commands, reserve)  # replayed: an old counter
    body = json.loads(reserve[65:])
    spy.publish(commands, wire.sign(bytes(32), dict(body, ctr=counter + 100)))  # forged: wrong key
    spy.publish(commands, reserve[:65] + json.dumps(dict(body, ctr=counter + 100)).encode())  # altered
    spy.publish(commands, wire.sign(key, dict(body, ctr=counter + 100, exp=1)))  # expired
    spy.close()
    _preadvise(cloud, board, "1004")  # a genuine command after them proves they were processed

    assert not board.controller.has_reservation("1003")
    assert board.controller.last_counter < counter + 100
