"""The firmware bundle on a real MicroPython interpreter (WebAssembly port in Node.js) against
the real Mosquitto, bridge, cloud and database: the same scenario as the CPython simulator."""

import httpx
import pytest
from sqlmodel import Session, select

from cloud.models import Parcel
from locker.scenario import PARCELS, Scenario

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("broker", ["mosquitto"], indirect=True)
def test_the_micropython_board_deposits_and_hands_out_every_parcel(start_wasm_board, cloud):
    wasm_board = start_wasm_board("MPY-1", "S4,M4,L4")
    Scenario(
        cloud.api.url,
        wasm_board,
        cloud.notifications.notifier,
        say=print,
        headers=cloud.admin_headers,
    ).run()
    wasm_board.wait_until(lambda c: not c.pending_events(), 20, "every event acknowledged")
    with Session(cloud.engine) as session:
        states = [
            p.state for p in session.exec(select(Parcel).where(Parcel.locker_id == "MPY-1")).all()
        ]
    assert states == ["collected"] * len(PARCELS)
    health = httpx.get(
        cloud.api.url + "/api/v1/lockers/MPY-1", timeout=10, headers=cloud.admin_headers
    ).json()
    assert (health["firmware_version"], health["board_mode"]) == ("0.1.0", "normal")
    assert health["free_heap"] > 0 and health["telemetry_at"]
