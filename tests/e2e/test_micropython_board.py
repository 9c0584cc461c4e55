"""The firmware bundle on a real MicroPython interpreter (WebAssembly port in Node.js) against
the real Mosquitto, bridge, cloud and database: the same scenario as the CPython simulator."""
import httpx
import pytest
from sqlmodel import Session, select

from cloud.models import Parcel
from locker.firmware_build import board_config, build
from locker.scenario import PARCELS, Scenario
from simulator.layout import parse_layout
from simulator.wasm_board import WasmBoard, node_ready

pytestmark = pytest.mark.e2e


@pytest.fixture
def wasm_board(cloud, mosquitto, tmp_path):
    if not node_ready():
        pytest.fail("Node.js and simulator/wasm/node_modules are missing: run `make test`")
    compartments = parse_layout("S4,M4,L4")
    response = httpx.post(cloud.api.url + "/api/v1/lockers", timeout=10, headers=cloud.admin_headers, json={
        "id": "MPY-1", "name": "MicroPython St",
        "compartments": [{"number": n, "size": s} for n, s in compartments]})
    assert response.status_code == 201, response.text
    config = board_config("MPY-1", response.json()["device_key"], compartments, "127.0.0.1", mosquitto.port)
    build("esp32", tmp_path / "bundle", config)
    board = WasmBoard(tmp_path / "bundle", tmp_path)
    yield board
    board.stop()


@pytest.mark.parametrize("broker", ["mosquitto"], indirect=True)
def test_the_micropython_board_deposits_and_hands_out_every_parcel(wasm_board, cloud):
    Scenario(cloud.api.url, wasm_board, cloud.notifications.notifier, say=print,
             headers=cloud.admin_headers).run()
    wasm_board.wait_until(lambda c: not c.pending_events(), 20, "every event acknowledged")
    with Session(cloud.engine) as session:
        states = [p.state for p in session.exec(select(Parcel).where(Parcel.locker_id == "MPY-1")).all()]
    assert states == ["collected"] * len(PARCELS)
    health = httpx.get(cloud.api.url + "/api/v1/lockers/MPY-1", timeout=10, headers=cloud.admin_headers).json()
    assert (health["firmware_version"], health["board_mode"]) == ("0.1.0", "normal")
    assert health["free_heap"] > 0 and health["telemetry_at"]
