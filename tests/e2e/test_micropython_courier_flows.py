"""Courier and return flows with the firmware bundle on a real MicroPython interpreter (the
WebAssembly port in Node.js) against the real Mosquitto, bridge, cloud and database: a bulk
deposit with one "too small", a return drop-off by return code, and the courier collecting it.
The CPython simulator's version is tests/e2e/test_courier_flows.py."""
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import Session, select

from cloud.models import Compartment, DeviceEvent, Parcel
from simulator.wasm_board import node_ready, provision_wasm_board

pytestmark = pytest.mark.e2e
COURIER = "4711"
WAIT_S = 30  # the interpreter runs a good deal slower than CPython on a shared machine


@pytest.fixture
def wasm_board(cloud, mosquitto, tmp_path):
    if not node_ready():
        pytest.fail("Node.js and simulator/wasm/node_modules are missing: run `make test`")
    board = provision_wasm_board(cloud.api.url, cloud.admin_headers, "MPY-C1", "S2,M2,L2",
                                 ("127.0.0.1", mosquitto.port), tmp_path)
    yield board
    board.stop()


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


def _pulse(board, after):
    try:
        return board.wait_for_pulse(after, WAIT_S)
    except TimeoutError:
        raise AssertionError("no door opened; the display said %r" % board.panel.lines[-5:]) from None


def _through_door(board, after):
    """Wait for the next door the board opens, open and shut it; its number."""
    cmp = _pulse(board, after)
    assert board.open_door(cmp)
    board.close_door(cmp)
    return cmp


def _bulk_deposit_with_too_small(api, board):
    """Two parcels in one session, the first too small for its door; (bigger, second)."""
    first, second = _preadvise(api, board, "300400501"), _preadvise(api, board, "300400502")
    board.wait_until(lambda c: c.has_reservation("300400501") and c.has_reservation("300400502"),
                     WAIT_S, "reservations on the board")
    board.press(COURIER + "#300400501#")
    assert _pulse(board, 0) == first
    assert board.open_door(first)
    board.scan("300400502")  # scanned while the first door is open: it waits its turn
    board.press("*1")  # too small: the board gives a bigger door
    bigger = _pulse(board, 1)
    assert bigger not in (first, second) and board.controller.compartment(bigger).size == "M"
    board.close_door(first)  # shut empty
    assert board.open_door(bigger)
    board.close_door(bigger)
    assert _through_door(board, 2) == second  # the queued parcel's door opens next
    board.press("*")  # the courier leaves
    board.wait_until(lambda c: not c.pending_events(), WAIT_S, "the deposits applied")
    assert board.controller.compartment(first).state == "free"
    return bigger, second


def _return_dropped_off(api, board):
    issued = api.post("/returns", json={"locker_id": board.locker_id, "carrier": "acme",
                                        "size": "S", "contact": {"name": "Bo", "phone": "+4915100000009"}})
    assert issued.status_code == 201, issued.text
    ret = issued.json()
    board.wait_until(lambda c: c.has_return_code_for(ret["tracking_code"]), WAIT_S, "return code on board")
    board.press(ret["return_code"] + "#")
    assert _through_door(board, 3) == ret["compartment"]
    board.wait_until(lambda c: c.parcels_to_collect() == [(ret["compartment"], ret["tracking_code"])],
                     WAIT_S, "the cloud's collect command")
    return ret


def _cloud_state(cloud, locker_id):
    with Session(cloud.engine) as session:
        parcels = {p.tracking_code: p for p in session.exec(
            select(Parcel).where(Parcel.locker_id == locker_id)).all()}
        numbers = {c.id: c.number for c in session.exec(
            select(Compartment).where(Compartment.locker_id == locker_id)).all()}
        events = session.exec(select(DeviceEvent).where(DeviceEvent.locker_id == locker_id)
                              .order_by(DeviceEvent.seq)).all()
        return parcels, numbers, [(e.type, e.outcome) for e in events]


@pytest.mark.parametrize("broker", ["mosquitto"], indirect=True)
def test_the_micropython_board_takes_a_bulk_deposit_and_a_return(wasm_board, cloud):
    board, api = wasm_board, _api(cloud)
    board.wait_until(lambda c: c.is_online(), WAIT_S, "board online")
    _courier_routed(api, board)
    bigger, second = _bulk_deposit_with_too_small(api, board)

    parcels, numbers, _ = _cloud_state(cloud, board.locker_id)
    assert parcels["300400501"].state == parcels["300400502"].state == "deposited"
    assert numbers[parcels["300400501"].compartment_id] == bigger
    assert numbers[parcels["300400502"].compartment_id] == second

    ret = _return_dropped_off(api, board)
    parcels, numbers, _ = _cloud_state(cloud, board.locker_id)
    returned = parcels[ret["tracking_code"]]
    assert (returned.kind, returned.state) == ("return", "deposited")
    assert numbers[returned.compartment_id] == ret["compartment"]

    # the courier comes back: the return's door opens first, shutting it confirms the collection
    board.press(COURIER + "#")
    assert _through_door(board, 4) == ret["compartment"]
    board.wait_until(lambda c: not c.pending_events(), WAIT_S, "every event acknowledged")
    parcels, _, events = _cloud_state(cloud, board.locker_id)
    assert (parcels[ret["tracking_code"]].state, parcels[ret["tracking_code"]].compartment_id) == ("returned", None)
    assert events == [(kind, "applied") for kind in ("retargeted", "deposited", "deposited",
                                                      "return_deposited", "courier_collected")]
    assert board.controller.compartment(ret["compartment"]).state == "free"
