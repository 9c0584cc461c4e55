"""A pickup QR code kept after its parcel was collected, tried on the next parcel that comes
with the same tracking code (another carrier's) into the same compartment, end to end: the real
cloud, bridge, Mosquitto and database, a simulated board (the firmware core under CPython, and
the firmware bundle on the real MicroPython, WebAssembly port in Node.js) and its scanner, the
codes taken from the emails the cloud sent. Each code opens the one stay it was made for."""

import re
import threading
import time
import uuid

import httpx
import pytest
from sqlmodel import Session, select

from cloud.models import Locker, Parcel, PickupCredential
from fleet.localhost import free_port
from protocol.layout import parse_layout
from protocol.qr_tokens import mac_matches, read_qr_token
from simulator.virtual_locker import VirtualLocker
from simulator.wasm_board import node_ready, provision_wasm_board
from tests.e2e.courier_steps import courier_routed, through_door
from tests.support.cloud_stack import LoggedInStack

pytestmark = pytest.mark.e2e
WAIT_S = 30  # the MicroPython board runs a good deal slower than CPython on a shared machine
CODE = "JJD000777"  # the tracking code both carriers use
PIN = re.compile(r"PIN (\d+)")


class Mailbox:
    """Recipients' inboxes: every message the cloud delivered, with the QR code an email shows
    (a notifier the notification loop hands each Outgoing to)."""

    def __init__(self):
        self.delivered = []
        self._arrived = threading.Condition()

    def deliver(self, outgoing):
        with self._arrived:
            self.delivered.append(outgoing)
            self._arrived.notify_all()

    def pickup_mail(self, recipient, timeout=WAIT_S):
        """(PIN, QR token) of the pickup email to `recipient`."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for outgoing in self.delivered:
                    found = PIN.search(outgoing.text)
                    if outgoing.recipient == recipient and found and outgoing.qr_token:
                        return found.group(1), outgoing.qr_token
                if not self._arrived.wait(deadline - time.monotonic()):
                    raise TimeoutError("no pickup email reached %s" % recipient)


@pytest.fixture
def mailbox():
    return Mailbox()


@pytest.fixture
def cloud(broker, database, mailbox):
    """API, bridge and notification loop on a real broker and database, mailing to `mailbox`."""
    url, schema = database
    stack = LoggedInStack(broker.url, url, mailbox, api_port=free_port(), schema=schema).start()
    yield stack
    stack.stop()


@pytest.fixture(params=["cpython", "micropython"])
def board(request, cloud, mosquitto, tmp_path):
    """A one-compartment locker (so both parcels land behind door 1), online."""
    locker_id = (
        "QR-" + uuid.uuid4().hex[:10]
    )  # the broker is shared: no retained status of another test
    if request.param == "micropython":
        if not node_ready():
            pytest.fail("Node.js and simulator/wasm/node_modules are missing: run `make test`")
        board = provision_wasm_board(
            cloud.api.url,
            cloud.admin_headers,
            locker_id,
            "S1",
            ("127.0.0.1", mosquitto.port),
            tmp_path,
        )
    else:
        board = _virtual_board(cloud, locker_id, mosquitto)
    yield board
    board.stop()


def _virtual_board(cloud, locker_id, mosquitto):
    compartments = parse_layout("S1")
    response = httpx.post(
        cloud.api.url + "/api/v1/lockers",
        timeout=10,
        headers=cloud.admin_headers,
        json={
            "id": locker_id,
            "name": locker_id,
            "compartments": [{"number": n, "size": s} for n, s in compartments],
        },
    )
    assert response.status_code == 201, response.text
    return VirtualLocker(
        locker_id, bytes.fromhex(response.json()["device_key"]), compartments, mosquitto.url
    ).start()


@pytest.mark.parametrize("broker", ["mosquitto"], indirect=True)
def test_a_collected_parcels_qr_codes_do_not_open_the_next_parcel_with_its_tracking_code(
    cloud, board, mailbox
):
    api = httpx.Client(base_url=cloud.api.url + "/api/v1", timeout=10, headers=cloud.admin_headers)
    board.wait_until(lambda c: c.is_online(), WAIT_S, "board online")
    courier = courier_routed(cloud, board, WAIT_S)
    first = _deposited(api, board, courier, "acme", "ada@example.org")
    pin, recipients_code = mailbox.pickup_mail("ada@example.org")  # mailed once the deposit is in
    response = api.post(
        "/parcels/%s/delegate" % first["id"],
        json={"name": "Dan", "email": "dan@example.org", "reason": "the recipient asked by phone"},
    )
    assert response.status_code == 200, response.text
    _, delegates_code = mailbox.pickup_mail("dan@example.org")
    assert _genuine(cloud, board, recipients_code, "recipient") and _genuine(
        cloud, board, delegates_code, "delegate"
    )

    board.press(pin + "#")  # the recipient collects by PIN; both QR codes stay in the mailboxes
    assert through_door(board, 1, WAIT_S) == 1
    _wait_for_state(cloud, first["id"], "collected")

    second = _deposited(
        api, board, courier, "bolt", "bea@example.org", after=2
    )  # another carrier, same code
    assert second["compartment"] == 1
    _, own_code = mailbox.pickup_mail("bea@example.org")
    board.wait_until(
        lambda c: c.has_credential_for(CODE), WAIT_S, "the new parcel's PIN on the board"
    )
    for old_code in (recipients_code, delegates_code):
        board.scan(old_code)
        assert board.panel.text == "Wrong code", (old_code, board.panel.lines[-4:])
    board.scan(own_code)
    assert board.wait_for_pulse(after=3, timeout=WAIT_S) == 1  # the new parcel's own code opens
    assert board.pulsed == [1, 1, 1, 1]  # two deposits, one pickup, this one: nothing else
    assert delegates_code != recipients_code  # each credential has its own code


def _deposited(api, board, courier, carrier, email, after=0):
    """Parcel CODE of `carrier` pre-advised for `email` and deposited by the courier; the parcel."""
    response = api.post(
        "/parcels",
        json={
            "carrier": carrier,
            "tracking_code": CODE,
            "locker_id": board.locker_id,
            "width_mm": 100,
            "height_mm": 50,
            "depth_mm": 100,
            "recipient": {"name": "R", "email": email},
        },
    )
    assert response.status_code == 201, response.text
    board.wait_until(lambda c: c.has_reservation(CODE), WAIT_S, "reservation of " + CODE)
    board.press(courier + "#")
    board.scan(CODE)
    assert through_door(board, after, WAIT_S) == 1
    board.press("*")  # the courier leaves
    return response.json()


def _genuine(cloud, board, token, holder):
    """True when `token` is the one for the `holder`'s credential (so a refusal is no dud)."""
    with Session(cloud.engine) as session:
        credential = session.exec(
            select(PickupCredential)
            .where(PickupCredential.holder == holder)
            .order_by(PickupCredential.id.desc())
        ).first()
        key = bytes.fromhex(session.get(Locker, board.locker_id).device_key)
    cmp, expires_s, mac = read_qr_token(token)
    return mac_matches(key, credential.board_verifier, cmp, CODE, expires_s, mac)


def _wait_for_state(cloud, parcel_id, state):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        with Session(cloud.engine) as session:
            if (
                session.exec(select(Parcel.state).where(Parcel.id == uuid.UUID(parcel_id))).one()
                == state
            ):
                return
        time.sleep(0.2)
    raise TimeoutError("parcel %s never %s" % (parcel_id, state))
