"""A German recipient's pickup, end to end: the pre-advice names the language, the cloud sends
it with the credential over MQTT, and the simulated board's display speaks German once the
PIN matches (and the locker's English before that)."""

import httpx
import pytest

from tests.support.couriers import register_routed_courier

pytestmark = pytest.mark.e2e


def test_a_german_recipients_pickup_shows_german_on_the_display(cloud, provision):
    board, _ = provision("S2,M2")
    _, courier = register_routed_courier(cloud.api.url, cloud.admin_headers, [board.locker_id])
    board.wait_until(lambda c: c.courier_count() > 0, 20, "courier list")
    api = httpx.Client(base_url=cloud.api.url + "/api/v1", headers=cloud.admin_headers)
    recipient = {"name": "Grete", "phone": "+4915100000042", "language": "de"}
    parcel = {"carrier": "acme", "tracking_code": "4242", "locker_id": board.locker_id}
    parcel |= {"width_mm": 100, "height_mm": 50, "depth_mm": 100, "recipient": recipient}
    assert api.post("/parcels", json=parcel, timeout=10).status_code == 201
    board.wait_until(lambda c: c.has_reservation("4242"), 20, "reservation")

    pulses = len(board.pulsed)
    board.press(courier + "#4242#")
    door = board.wait_for_pulse(after=pulses, timeout=5)
    assert board.panel.text == "Door %d open" % door  # the courier's: English
    assert board.open_door(door)
    board.close_door(door)
    board.press("*")
    pin = cloud.notifications.notifier.wait_for_pin("+4915100000042", "4242")
    board.wait_until(lambda c: c.has_credential_for("4242"), 20, "the PIN on the board")

    board.press("0000#")  # before a code matches: the locker's language
    assert board.panel.text == "Wrong code"
    pulses = len(board.pulsed)
    board.press(pin + "#")
    assert board.wait_for_pulse(after=pulses, timeout=5) == door
    assert board.panel.text == "Tuer %d offen" % door
    api.close()
