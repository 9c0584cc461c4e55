"""A board that restarts goes on from its flash: no sequence number or command counter reused."""

import httpx
import pytest
from sqlmodel import Session, select

from cloud.models import DeviceEvent
from protocol.layout import parse_layout
from simulator.virtual_locker import VirtualLocker
from tests.support.couriers import register_routed_courier

pytestmark = pytest.mark.e2e


def _deposit(board, courier, parcel):
    pulses = len(board.pulsed)
    board.press("%s#%s#*" % (courier, parcel))
    door = board.wait_for_pulse(after=pulses)
    assert board.open_door(door)
    board.close_door(door)
    board.wait_until(lambda c: not c.pending_events(), 15, "the deposit acknowledged")


def test_events_after_a_restart_are_applied_not_mistaken_for_repeats(
    cloud, provision, broker, tmp_path
):
    flash = str(tmp_path / "board.json")
    board, key = provision(state_file=flash)
    api = cloud.api.url + "/api/v1"
    _, courier = register_routed_courier(cloud.api.url, cloud.admin_headers, [board.locker_id])
    parcels = {}
    for code in ("2001", "2002"):
        response = httpx.post(
            api + "/parcels",
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
        parcels[code] = response.json()["id"]
        board.wait_until(lambda c, code=code: c.has_reservation(code), 15, "reservation")
    board.wait_until(lambda c: c.courier_count() > 0, 15, "courier codes")
    _deposit(board, courier, "2001")
    counter = board.controller.last_counter
    board.stop()

    again = VirtualLocker(
        board.locker_id, key, parse_layout("S4,M4,L4"), broker.url, state_file=flash
    ).start()
    try:
        assert again.controller.last_counter == counter
        again.wait_until(lambda c: c.is_online(), 15, "online again")
        _deposit(again, courier, "2002")
    finally:
        again.stop()
    for code, parcel_id in parcels.items():
        assert (
            httpx.get(
                api + "/parcels/" + parcel_id, timeout=10, headers=cloud.admin_headers
            ).json()["state"]
            == "deposited"
        ), code
    with Session(cloud.engine) as session:
        events = session.exec(
            select(DeviceEvent).where(DeviceEvent.locker_id == board.locker_id)
        ).all()
        assert sorted(e.seq for e in events) == [1, 2] and {e.outcome for e in events} == {
            "applied"
        }
