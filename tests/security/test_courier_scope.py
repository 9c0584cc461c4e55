"""Courier codes are scoped to the day's route: a courier's code works only at the lockers on
that courier's route for today, a revoked courier is refused at the board as soon as the new
list arrives, and a board that hears nothing more after midnight (offline, say) drops the list
at its `until` by itself. End to end: real API, broker, bridge and simulated boards."""

import httpx
import pytest

from protocol.layout import parse_layout
from simulator.virtual_locker import VirtualLocker, wall_clock_ms
from tests.support.couriers import register_routed_courier

pytestmark = pytest.mark.e2e
DAY_MS = 24 * 3600 * 1000


def courier_login(board, code):
    """Type the courier code; whether it opened a courier session (then end it again)."""
    board.press(code + "#")
    accepted = board.controller.courier_session_active()
    if accepted:
        board.press("*")
    else:
        assert board.panel.text == "Wrong code"  # the locker's language: English
    return accepted


def test_the_code_works_only_at_lockers_on_todays_route_and_dies_when_revoked(cloud, provision):
    on_route, _ = provision()
    elsewhere, _ = provision()
    courier, code = register_routed_courier(
        cloud.api.url, cloud.admin_headers, [on_route.locker_id]
    )
    on_route.wait_until(lambda c: c.courier_count() == 1, 15, "the courier list")
    assert courier_login(on_route, code)
    assert not courier_login(elsewhere, code)  # never sent the code: just a wrong one there

    counter = on_route.controller.last_counter
    httpx.post(
        cloud.api.url + "/api/v1/couriers/%s/revoke" % courier,
        timeout=10,
        headers=cloud.admin_headers,
    ).raise_for_status()
    on_route.wait_until(
        lambda c: c.last_counter > counter and c.courier_count() == 0,
        15,
        "the list without the revoked courier",
    )
    assert not courier_login(on_route, code)


def test_a_board_that_gets_no_new_list_drops_the_code_at_midnight_utc(cloud, broker):
    """The board's clock is moved on to the end of the day the list was for: the code that
    worked a moment before is refused, though no command told the board so."""
    shift = {"ms": 0}
    layout = parse_layout("S2")
    response = httpx.post(
        cloud.api.url + "/api/v1/lockers",
        timeout=10,
        headers=cloud.admin_headers,
        json={
            "id": "MIDNIGHT-1",
            "name": "Midnight",
            "compartments": [{"number": n, "size": s} for n, s in layout],
        },
    )
    response.raise_for_status()
    board = VirtualLocker(
        "MIDNIGHT-1",
        bytes.fromhex(response.json()["device_key"]),
        layout,
        broker.url,
        clock=lambda: wall_clock_ms() + shift["ms"],
    ).start()
    try:
        board.wait_until(lambda c: c.is_online(), 15, "board online")
        _, code = register_routed_courier(cloud.api.url, cloud.admin_headers, ["MIDNIGHT-1"])
        board.wait_until(lambda c: c.courier_count() == 1, 15, "the courier list")
        assert courier_login(board, code)
        now = wall_clock_ms()
        shift["ms"] = (now // DAY_MS + 1) * DAY_MS - now  # the board's clock reads midnight UTC
        assert not courier_login(board, code)
        assert board.controller.courier_count() == 1  # the list is still there, just over
    finally:
        board.stop()
