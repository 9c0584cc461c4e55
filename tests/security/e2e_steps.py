"""Steps the end-to-end attacks share: a pre-advice, a courier, a deposit (tests/e2e fixtures)."""

import httpx
from sqlmodel import Session, func, select

from cloud.models import DeviceEvent
from protocol import wire
from tests.support.couriers import register_routed_courier


def preadvise(cloud, board, code):
    """Pre-advise parcel `code` for `board` through the API; wait until the board reserved it."""
    response = httpx.post(
        cloud.api.url + "/api/v1/parcels",
        timeout=10,
        headers=cloud.admin_headers,
        json={
            "carrier": "acme",
            "tracking_code": code,
            "locker_id": board.locker_id,
            "width_mm": 100,
            "height_mm": 50,
            "depth_mm": 100,
            "recipient": {"name": "Ada", "phone": "+4915100000001"},
        },
    )
    assert response.status_code == 201, response.text
    board.wait_until(lambda c: c.has_reservation(code), 15, "reservation of " + code)
    return response.json()


def register_courier(cloud, board):
    """The code of a courier routed to `board` for today (without a route no board knows it)."""
    _, code = register_routed_courier(cloud.api.url, cloud.admin_headers, [board.locker_id])
    board.wait_until(lambda c: c.courier_count() > 0, 15, "courier codes")
    return code


def deposit(board, courier_code, parcel):
    pulses = len(board.pulsed)
    board.press(courier_code + "#" + parcel["tracking_code"] + "#")
    door = board.wait_for_pulse(after=pulses)
    assert board.open_door(door)
    board.close_door(door)


def inbox_count(cloud, locker_id):
    """How many of the locker's events the cloud recorded."""
    with Session(cloud.engine) as session:
        return session.exec(
            select(func.count()).select_from(DeviceEvent).where(DeviceEvent.locker_id == locker_id)
        ).one()


def command_type(key, payload):
    return wire.open_signed(key, payload)["type"]
