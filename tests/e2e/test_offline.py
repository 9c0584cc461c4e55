"""The network fails: deposits and pickups go on at the board, the cloud catches up later."""

import httpx
import pytest
from sqlmodel import Session, select

from cloud.models import DeviceEvent
from fleet.localhost import free_port
from locker.phone_inbox import PhoneInbox
from protocol.layout import parse_layout
from simulator.virtual_locker import VirtualLocker
from tests.support.brokers import MosquittoProcess
from tests.support.cloud_stack import LoggedInStack
from tests.support.couriers import register_routed_courier

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(tmp_path):
    """A broker of this test's own (it gets stopped), the cloud on SQLite, one board."""
    (tmp_path / "broker").mkdir()
    broker = MosquittoProcess(tmp_path / "broker").start()
    cloud = LoggedInStack(
        broker.url, "sqlite:///%s" % (tmp_path / "locker.db"), PhoneInbox(), api_port=free_port()
    ).start()
    api = httpx.Client(base_url=cloud.api.url + "/api/v1", headers=cloud.admin_headers)
    compartments = parse_layout("S2,M2")
    key = api.post(
        "/lockers",
        timeout=10,
        json={
            "id": "OFF-1",
            "name": "Offline St",
            "compartments": [{"number": n, "size": s} for n, s in compartments],
        },
    ).json()["device_key"]
    board = VirtualLocker(
        "OFF-1",
        bytes.fromhex(key),
        compartments,
        broker.url,
        state_file=str(tmp_path / "board.json"),
    ).start()
    _, courier = register_routed_courier(cloud.api.url, cloud.admin_headers, ["OFF-1"])
    board.wait_until(lambda c: c.is_online() and c.courier_count() > 0, 20, "online with couriers")
    yield broker, cloud, board, api, courier
    board.stop()
    cloud.stop()
    broker.stop()


def _preadvise(api, board, code, phone):
    parcel = api.post(
        "/parcels",
        timeout=10,
        json={
            "carrier": "acme",
            "tracking_code": code,
            "locker_id": "OFF-1",
            "width_mm": 100,
            "height_mm": 50,
            "depth_mm": 100,
            "recipient": {"name": "Ada", "phone": phone},
        },
    ).json()
    board.wait_until(lambda c: c.has_reservation(code), 20, "reservation of " + code)
    return parcel


def _open_take_close(board, keys):
    pulses = len(board.pulsed)
    board.press(keys)
    door = board.wait_for_pulse(after=pulses, timeout=5)
    assert board.open_door(door)
    board.close_door(door)


def _state(api, parcel):
    return api.get("/parcels/" + parcel["id"], timeout=10).json()["state"]


def test_deposits_and_pickups_go_on_while_the_broker_is_down_and_reach_the_cloud_after(world):
    broker, cloud, board, api, courier = world
    inside = _preadvise(api, board, "5001", "+4915100000001")
    _open_take_close(board, courier + "#5001#*")
    pin = cloud.notifications.notifier.wait_for_pin("+4915100000001", "5001")
    board.wait_until(
        lambda c: c.has_credential_for("5001") and not c.pending_events(), 20, "credential"
    )
    waiting = _preadvise(api, board, "5002", "+4915100000002")

    broker.stop()  # the network is gone
    board.wait_until(lambda c: not c.is_online(), 20, "the board to notice")
    _open_take_close(board, pin + "#")  # offline pickup: checked on the board
    _open_take_close(board, courier + "#5002#*")  # offline deposit: the reservation was pushed
    assert len(board.controller.pending_events()) == 2
    assert (_state(api, inside), _state(api, waiting)) == (
        "deposited",
        "reserved",
    )  # cloud can't know yet

    broker.start()
    board.wait_until(
        lambda c: c.is_online() and not c.pending_events(), 30, "journal replayed and acknowledged"
    )
    assert (_state(api, inside), _state(api, waiting)) == ("collected", "deposited")
    assert cloud.notifications.notifier.wait_for_pin(
        "+4915100000002", "5002"
    )  # notified after the fact
    with Session(cloud.engine) as session:
        seqs = sorted(
            e.seq for e in session.exec(select(DeviceEvent).where(DeviceEvent.locker_id == "OFF-1"))
        )
    assert seqs == [1, 2, 3]  # each event once, none lost
