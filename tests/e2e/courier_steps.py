"""Steps the courier-flow tests share, on the CPython simulator and on the MicroPython board
alike (tests/e2e/test_courier_flows.py, tests/e2e/test_micropython_courier_flows.py)."""

import httpx

from tests.support.couriers import register_routed_courier


def api_client(cloud):
    return httpx.Client(base_url=cloud.api.url + "/api/v1", timeout=10, headers=cloud.admin_headers)


def courier_routed(cloud, board, wait_s):
    """The code of a courier routed to `board` today, once the board has it."""
    _, code = register_routed_courier(cloud.api.url, cloud.admin_headers, [board.locker_id])
    board.wait_until(lambda c: c.courier_count() > 0, wait_s, "courier code on the board")
    return code


def preadvise(api, board, code):
    """Pre-advise parcel `code` for `board`; the compartment the cloud reserved."""
    parcel = {
        "carrier": "acme",
        "tracking_code": code,
        "locker_id": board.locker_id,
        "width_mm": 200,
        "height_mm": 60,
        "depth_mm": 150,
        "recipient": {"name": "Ada", "phone": "+4915100000001"},
    }
    response = api.post("/parcels", json=parcel)
    assert response.status_code == 201, response.text
    return response.json()["compartment"]


def pulse(board, after, wait_s):
    """The next door the board opens, or a failure that shows what the display said."""
    try:
        return board.wait_for_pulse(after, wait_s)
    except TimeoutError:
        raise AssertionError(
            "no door opened; the display said %r" % board.panel.lines[-5:]
        ) from None


def through_door(board, after, wait_s):
    """Wait for the next door the board opens, open and shut it; its number."""
    cmp = pulse(board, after, wait_s)
    assert board.open_door(cmp)
    board.close_door(cmp)
    return cmp


def bulk_deposit_with_too_small(api, board, courier, wait_s):
    """Two parcels in one session, the first too small for its door; (bigger, second)."""
    first, second = preadvise(api, board, "300400501"), preadvise(api, board, "300400502")
    board.wait_until(
        lambda c: c.has_reservation("300400501") and c.has_reservation("300400502"),
        wait_s,
        "reservations on the board",
    )
    board.press(courier + "#300400501#")
    assert pulse(board, 0, wait_s) == first
    assert board.open_door(first)
    board.scan("300400502")  # scanned while the first door is open: it waits its turn
    board.press("*1")  # too small: the board gives a bigger door
    bigger = pulse(board, 1, wait_s)
    assert bigger not in (first, second) and board.controller.compartment(bigger).size == "M"
    board.close_door(first)  # shut empty
    assert board.open_door(bigger)
    board.close_door(bigger)
    assert through_door(board, 2, wait_s) == second  # the queued parcel's door opens next
    board.press("*")  # the courier leaves
    board.wait_until(lambda c: not c.pending_events(), wait_s, "the deposits applied")
    assert board.controller.compartment(first).state == "free"
    return bigger, second


def return_dropped_off(api, board, wait_s):
    """A return dropped off with the code the retailer got for the customer; the return as
    issued."""
    issued = api.post(
        "/returns",
        json={
            "locker_id": board.locker_id,
            "carrier": "acme",
            "size": "S",
            "contact": {"name": "Bo", "phone": "+4915100000009"},
        },
    )
    assert issued.status_code == 201, issued.text
    ret = issued.json()
    board.wait_until(
        lambda c: c.has_return_code_for(ret["tracking_code"]), wait_s, "return code on board"
    )
    board.press(ret["return_code"] + "#")
    assert through_door(board, 3, wait_s) == ret["compartment"]
    board.wait_until(
        lambda c: c.parcels_to_collect() == [(ret["compartment"], ret["tracking_code"])],
        wait_s,
        "the cloud's collect command",
    )
    return ret
