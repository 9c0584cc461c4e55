"""Courier and return flows with the firmware bundle on a real MicroPython interpreter (the
WebAssembly port in Node.js) against the real Mosquitto, bridge, cloud and database: a bulk
deposit with one "too small", a return drop-off by return code, and the courier collecting it.
The CPython simulator's version is tests/e2e/test_courier_flows.py."""

import pytest
from sqlmodel import Session, select

from cloud.models import Compartment, DeviceEvent, Parcel
from tests.e2e.courier_steps import (
    api_client,
    bulk_deposit_with_too_small,
    courier_routed,
    return_dropped_off,
    through_door,
)

pytestmark = pytest.mark.e2e
WAIT_S = 30  # the interpreter runs a good deal slower than CPython on a shared machine


def _cloud_state(cloud, locker_id):
    with Session(cloud.engine) as session:
        parcels = {
            p.tracking_code: p
            for p in session.exec(select(Parcel).where(Parcel.locker_id == locker_id)).all()
        }
        numbers = {
            c.id: c.number
            for c in session.exec(
                select(Compartment).where(Compartment.locker_id == locker_id)
            ).all()
        }
        events = session.exec(
            select(DeviceEvent).where(DeviceEvent.locker_id == locker_id).order_by(DeviceEvent.seq)
        ).all()
        return parcels, numbers, [(e.type, e.outcome) for e in events]


@pytest.mark.parametrize("broker", ["mosquitto"], indirect=True)
def test_the_micropython_board_takes_a_bulk_deposit_and_a_return(start_wasm_board, cloud):
    board, api = start_wasm_board("MPY-C1", "S2,M2,L2"), api_client(cloud)
    board.wait_until(lambda c: c.is_online(), WAIT_S, "board online")
    courier = courier_routed(cloud, board, WAIT_S)
    bigger, second = bulk_deposit_with_too_small(api, board, courier, WAIT_S)

    parcels, numbers, _ = _cloud_state(cloud, board.locker_id)
    assert parcels["300400501"].state == parcels["300400502"].state == "deposited"
    assert numbers[parcels["300400501"].compartment_id] == bigger
    assert numbers[parcels["300400502"].compartment_id] == second

    ret = return_dropped_off(api, board, WAIT_S)
    parcels, numbers, _ = _cloud_state(cloud, board.locker_id)
    returned = parcels[ret["tracking_code"]]
    assert (returned.kind, returned.state) == ("return", "deposited")
    assert numbers[returned.compartment_id] == ret["compartment"]

    # the courier comes back: the return's door opens first, shutting it confirms the collection
    board.press(courier + "#")
    assert through_door(board, 4, WAIT_S) == ret["compartment"]
    board.wait_until(lambda c: not c.pending_events(), WAIT_S, "every event acknowledged")
    parcels, _, events = _cloud_state(cloud, board.locker_id)
    assert (parcels[ret["tracking_code"]].state, parcels[ret["tracking_code"]].compartment_id) == (
        "returned",
        None,
    )
    assert events == [
        (kind, "applied")
        for kind in (
            "retargeted",
            "deposited",
            "deposited",
            "return_deposited",
            "courier_collected",
        )
    ]
    assert board.controller.compartment(ret["compartment"]).state == "free"
