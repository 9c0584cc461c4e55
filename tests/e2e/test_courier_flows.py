"""Courier and return flows over the real broker, bridge, cloud and a virtual board: a bulk
deposit with one "too small", a return drop-off, and the courier collecting the return."""

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
WAIT_S = 20


def test_bulk_deposit_with_too_small_then_a_return_collected_by_the_courier(cloud, provision):
    board, _ = provision(layout="S2,M2,L2")
    api = api_client(cloud)
    courier = courier_routed(cloud, board, WAIT_S)
    bigger, second = bulk_deposit_with_too_small(api, board, courier, WAIT_S)
    ret = return_dropped_off(api, board, WAIT_S)

    # the courier comes back: the return's door opens first, shutting it confirms the collection
    board.press(courier + "#")
    assert through_door(board, 4, WAIT_S) == ret["compartment"]
    board.wait_until(lambda c: not c.pending_events(), WAIT_S, "every event acknowledged")

    with Session(cloud.engine) as session:
        parcels = {
            p.tracking_code: p
            for p in session.exec(select(Parcel).where(Parcel.locker_id == board.locker_id)).all()
        }
        compartments = {
            c.id: c
            for c in session.exec(
                select(Compartment).where(Compartment.locker_id == board.locker_id)
            ).all()
        }
        assert parcels["300400501"].state == "deposited"
        assert compartments[parcels["300400501"].compartment_id].number == bigger
        assert compartments[parcels["300400502"].compartment_id].number == second
        returned = parcels[ret["tracking_code"]]
        assert (returned.kind, returned.state, returned.compartment_id) == (
            "return",
            "returned",
            None,
        )
        events = session.exec(
            select(DeviceEvent)
            .where(DeviceEvent.locker_id == board.locker_id)
            .order_by(DeviceEvent.seq)
        ).all()
        assert [e.type for e in events] == [
            "retargeted",
            "deposited",
            "deposited",
            "return_deposited",
            "courier_collected",
        ]
        assert {e.outcome for e in events} == {"applied"}
    assert board.controller.compartment(ret["compartment"]).state == "free"
