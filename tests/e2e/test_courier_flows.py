"""Courier and return flows over the real broker, bridge, cloud and a virtual board: a bulk
deposit with one "too small", a return drop-off, and the courier collecting the return."""
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import Session, select

from cloud.models import Compartment, DeviceEvent, Parcel

pytestmark = pytest.mark.e2e
COURIER = "4711"
WAIT_S = 20


def _api(cloud):
    return httpx.Client(base_url=cloud.api.url + "/api/v1", timeout=10, headers=cloud.admin_headers)


def _courier_routed(api, board):
    courier = api.post("/couriers", json={"name": "Sam", "code": COURIER})
    assert courier.status_code == 201, courier.text
    route = {"day": datetime.now(UTC).date().isoformat(), "locker_ids": [board.locker_id]}
    assert api.put("/couriers/%s/route" % courier.json()["id"], json=route).status_code == 200
    board.wait_until(lambda c: c.courier_count() > 0, WAIT_S, "courier code on the board")


def _preadvise(api, board, code):
    parcel = {"carrier": "acme", "tracking_code": code, "locker_id": board.locker_id,
              "width_mm": 200, "height_mm": 60, "depth_mm": 150,
              "recipient": {"name": "Ada", "phone": "+4915100000001"}}
    response = api.post("/parcels", json=parcel)
    assert response.status_code == 201, response.text
    return response.json()["compartment"]


def _through_door(board, after):
    """Wait for the next door the board opens, open and shut it; its number."""
    try:
        cmp = board.wait_for_pulse(after, WAIT_S)
    except TimeoutError:
        raise AssertionError("no door opened; the display said %r" % board.panel.lines) from None
    assert board.open_door(cmp)
    board.close_door(cmp)
    return cmp


def test_bulk_deposit_with_too_small_then_a_return_collected_by_the_courier(cloud, provision):
    board, _ = provision(layout="S2,M2,L2")
    api = _api(cloud)
    _courier_routed(api, board)
    first, second = _preadvise(api, board, "300400501"), _preadvise(api, board, "300400502")
    board.wait_until(lambda c: c.has_reservation("300400501") and c.has_reservation("300400502"),
                     WAIT_S, "reservations on the board")

    # bulk deposit: one typed, one scanned while the first door is open (it waits its turn)
    board.press(COURIER + "#300400501#")
    assert board.wait_for_pulse(0, WAIT_S) == first
    assert board.open_door(first)
    board.scan("300400502")
    board.press("*1")  # too small: the board gives a bigger door
    bigger = board.wait_for_pulse(1, WAIT_S)
    assert bigger not in (first, second) and board.controller.compartment(bigger).size == "M"
    board.close_door(first)  # shut empty
    assert board.open_door(bigger)
    board.close_door(bigger)
    assert _through_door(board, 2) == second  # the queued parcel's door opens next
    board.press("*")  # the courier leaves
    board.wait_until(lambda c: not c.pending_events(), WAIT_S, "the deposits applied")

    # a return drop-off with the code the retailer got for the customer
    issued = api.post("/returns", json={"locker_id": board.locker_id, "carrier": "acme",
                                        "size": "S", "contact": {"name": "Bo", "phone": "+4915100000009"}})
    assert issued.status_code == 201, issued.text
    ret = issued.json()
    board.wait_until(lambda c: c.has_return_code_for(ret["tracking_code"]), WAIT_S, "return code on board")
    board.press(ret["return_code"] + "#")
    assert _through_door(board, 3) == ret["compartment"]
    board.wait_until(lambda c: c.parcels_to_collect() == [(ret["compartment"], ret["tracking_code"])],
                     WAIT_S, "the cloud's collect command")

    # the courier comes back: the return's door opens first, shutting it confirms the collection
    board.press(COURIER + "#")
    assert _through_door(board, 4) == ret["compartment"]
    board.wait_until(lambda c: not c.pending_events(), WAIT_S, "every event acknowledged")

    with Session(cloud.engine) as session:
        parcels = {p.tracking_code: p for p in session.exec(
            select(Parcel).where(Parcel.locker_id == board.locker_id)).all()}
        compartments = {c.id: c for c in session.exec(
            select(Compartment).where(Compartment.locker_id == board.locker_id)).all()}
        assert parcels["300400501"].state == "deposited"
        assert compartments[parcels["300400501"].compartment_id].number == bigger
        assert compartments[parcels["300400502"].compartment_id].number == second
        returned = parcels[ret["tracking_code"]]
        assert (returned.kind, returned.state, returned.compartment_id) == ("return", "returned", None)
        events = session.exec(select(DeviceEvent).where(DeviceEvent.locker_id == board.locker_id)
                              .order_by(DeviceEvent.seq)).all()
        assert [e.type for e in events] == ["retargeted", "deposited", "deposited",
                                            "return_deposited", "courier_collected"]
        assert {e.outcome for e in events} == {"applied"}
    assert board.controller.compartment(first).state == "free"
    assert board.controller.compartment(ret["compartment"]).state == "free"
