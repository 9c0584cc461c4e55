"""Guessing courier codes (issue 10): a courier session opens every door waiting to be
collected, so a courier code must be as hard to guess as a PIN. The cloud draws the code (a
chosen one is refused), long enough that one keypad guess opens a courier session at any locker
with a chance of at most 1 in 100,000 whatever the routes do; and guessing at a board is backed
off like PIN guessing and raises an alarm of its own, `courier_guessing`. Through the API, the
firmware core with the bridge's event handler, and end to end on a real broker and database
with a simulated board and with the firmware on MicroPython.

(The unit tests of each piece: tests/cloud/services/test_couriers.py, test_courier_routes.py,
tests/firmware/core/test_keypad_lockout.py.)"""

import json
from datetime import UTC, datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlmodel import Session, select

from bridge.inbound import handle_event
from cloud.admin.auth import SESSION_COOKIE
from cloud.core.config import Settings
from cloud.models import Alarm, OutboxMessage
from cloud.services.courier_codes import code_length_for
from cloud.services.credentials import GUESS_ODDS, pin_length_for
from firmware.core.actions import PUBLISH, SHOW
from firmware.core.controller import Controller
from firmware.core.events import Connected
from firmware.core.keypad import COURIER_PROMPT
from firmware.core.lockout import Lockout
from protocol.verifiers import courier_verifier
from protocol.wire import COURIER_CODE_MIN
from tests.firmware.core.builders import NOW, Cloud, type_keys
from tests.support.couriers import register_routed_courier

TODAY = datetime.now(UTC).date().isoformat()  # the API's clock is the real one
WRONG_GUESSES = ("1234567890", "5555555555", "9876543210")


def within_the_bound(codes):
    """True when, for every length, these codes are at most 1 in GUESS_ODDS of all codes of
    that length: one guess (of any length) hits one of them with at most that chance."""
    lengths = [len(code) for code in codes]
    return all(lengths.count(n) * GUESS_ODDS <= 10**n for n in set(lengths))


# --- the cloud draws the code ----------------------------------------------------------------


@pytest.mark.parametrize("code", ["4711", "0000", "9999999999", "482913074211", None])
def test_a_code_of_the_callers_choosing_is_refused_and_changes_nothing(client, row_counts, code):
    before = row_counts()
    response = client.post("/api/v1/couriers", json={"name": "Mallory's mule", "code": code})
    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "courier_code_not_accepted"
    assert row_counts() == before


def test_the_drawn_code_is_shown_once_and_never_again(client):
    courier = client.post("/api/v1/couriers", json={"name": "Sam"}).json()
    code = courier["code"]
    assert code.isdigit() and len(code) >= COURIER_CODE_MIN
    client.post(
        "/api/v1/lockers",
        json={"id": "A", "name": "A", "compartments": [{"number": 1, "size": "S"}]},
    )
    answers = [
        client.get("/api/v1/couriers"),
        client.put(
            f"/api/v1/couriers/{courier['id']}/route", json={"day": TODAY, "locker_ids": ["A"]}
        ),
        client.get(f"/api/v1/couriers/{courier['id']}/route"),
        client.get("/api/v1/audit"),
        client.post(f"/api/v1/couriers/{courier['id']}/revoke"),
    ]
    assert all(answer.status_code == 200 for answer in answers)
    assert not [answer.request.url for answer in answers if code in answer.text]


# --- the bound, at every number of live codes and whatever the routes ------------------------


def test_at_any_number_of_live_codes_one_guess_opens_a_courier_session_with_at_most_1_in_100000():
    """Computed over every number of live codes up to 200,000 (a board holds at most
    wire.MAX_LIST = 500 anyway) and far beyond."""
    for live in list(range(1, 200_001)) + [10**k + d for k in range(6, 10) for d in (-1, 0, 1)]:
        length = code_length_for(live)
        assert length >= COURIER_CODE_MIN and live * GUESS_ODDS <= 10**length, (live, length)


def test_a_pin_is_always_shorter_than_a_courier_code():
    """So a guess tries PINs or courier codes, never both, and each kind keeps the bound on its
    own: no configured minimum reaches a courier code's length, no occupancy up to 10,000 live
    PINs does either, and beyond that the cloud issues none (pins_exhausted:
    tests/cloud/board_events/test_inbox.py)."""
    for minimum in range(COURIER_CODE_MIN, COURIER_CODE_MIN + 3):
        with pytest.raises(ValidationError):
            Settings(pin_length=minimum)
    for minimum in range(4, COURIER_CODE_MIN):
        Settings(pin_length=minimum)
        assert all(pin_length_for(live, minimum) < COURIER_CODE_MIN for live in range(1, 10_001))


class Fleet:
    """The issuing rule played out: couriers come, go, get new codes and change routes. It is
    the cloud's rule with a lower minimum, so that lengths grow within a short run (the rule,
    and the argument, are the same for the minimum of 10)."""

    def __init__(self, minimum, lockers=3):
        self.minimum, self.lockers = minimum, range(lockers)
        self.lengths, self.routes, self.registered = {}, {}, 0  # courier -> length, lockers

    def apply(self, op, which, lockers):
        if op == "register":
            self.registered += 1
            self.lengths[self.registered] = self.length_for(len(self.lengths) + 1)
        elif self.lengths:
            courier = sorted(self.lengths)[which % len(self.lengths)]
            if op == "revoke":
                del self.lengths[courier]
            elif op == "new_code":
                self.lengths[courier] = self.length_for(len(self.lengths))  # without its old one
            else:
                self.routes[courier] = {n for n in self.lockers if lockers >> n & 1}

    def length_for(self, live_after):
        return pin_length_for(live_after, self.minimum)

    def on_locker(self, n):
        """Codes (as long as theirs) on locker n's list: its routed couriers still live."""
        return [
            "0" * self.lengths[c]
            for c, stops in self.routes.items()
            if n in stops and c in self.lengths
        ]


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 3),
    st.lists(
        st.tuples(
            st.sampled_from(["register"] * 6 + ["revoke", "new_code", "route", "route"]),
            st.integers(0, 10**6),
            st.integers(0, 7),
        ),
        max_size=400,
    ),
)
def test_whatever_couriers_and_routes_do_every_locker_stays_within_the_bound(minimum, ops):
    assert code_length_for(7) == pin_length_for(7, COURIER_CODE_MIN)  # the rule played here
    fleet = Fleet(minimum)
    for op, courier, pick in ops:
        fleet.apply(op, courier, pick)
        assert within_the_bound(["0" * n for n in fleet.lengths.values()])
        assert all(within_the_bound(fleet.on_locker(n)) for n in fleet.lockers)


def latest_lists(engine, locker_ids):
    """Each locker's newest `couriers` list (verifiers), [] if it never had one."""
    with Session(engine) as session:
        messages = session.exec(
            select(OutboxMessage).where(OutboxMessage.type == "couriers").order_by(OutboxMessage.id)
        ).all()
    lists = {locker_id: [] for locker_id in locker_ids}
    for message in messages:
        lists[message.locker_id] = json.loads(message.body)["v"]
    return lists


def test_as_routes_change_and_codes_are_renewed_each_board_holds_only_live_drawn_codes(
    client, engine
):
    keys = {}
    for locker_id in ("A", "B", "C"):
        body = {"id": locker_id, "name": locker_id, "compartments": [{"number": 1, "size": "S"}]}
        keys[locker_id] = bytes.fromhex(
            client.post("/api/v1/lockers", json=body).json()["device_key"]
        )
    live, dead = {}, set()  # courier id -> code; codes that must be on no board

    def route(name, *locker_ids):
        client.put(
            f"/api/v1/couriers/{live[name][0]}/route",
            json={"day": TODAY, "locker_ids": list(locker_ids)},
        )

    def check():
        for locker_id, verifiers in latest_lists(engine, keys).items():
            by_verifier = {
                courier_verifier(keys[locker_id], code): code for _, code in live.values()
            }
            assert not {courier_verifier(keys[locker_id], code) for code in dead} & set(verifiers)
            assert set(verifiers) <= set(by_verifier)  # only codes live now
            assert within_the_bound([by_verifier[v] for v in verifiers])

    for name in ("ann", "bob", "cem", "dan"):
        answer = client.post("/api/v1/couriers", json={"name": name}).json()
        live[name] = (answer["id"], answer["code"])
    steps = [
        lambda: route("ann", "A", "B"),
        lambda: route("bob", "B", "C"),
        lambda: route("cem", "A", "C"),
        lambda: route("ann", "C"),
        lambda: _renew(client, live, dead, "bob"),
        lambda: route("dan", "A", "B", "C"),
        lambda: _revoke(client, live, dead, "cem"),
        lambda: route("bob", "A"),
        lambda: _renew(client, live, dead, "bob"),
    ]
    for step in steps:
        step()
        check()
    assert all(len(code) >= COURIER_CODE_MIN for _, code in live.values())


def _renew(client, live, dead, name):
    dead.add(live[name][1])
    answer = client.post(f"/api/v1/couriers/{live[name][0]}/code")
    assert answer.status_code == 200
    live[name] = (live[name][0], answer.json()["code"])


def _revoke(client, live, dead, name):
    assert client.post(f"/api/v1/couriers/{live[name][0]}/revoke").status_code == 200
    dead.add(live.pop(name)[1])


# --- guessing at the keypad -------------------------------------------------------------------


def guess_courier_codes(ctl, right_code, now=NOW):
    """Wrong courier codes as fast as the keypad takes them, then the right one at once: the
    events published, and whether the right one opened a session."""
    actions = []
    for guess in WRONG_GUESSES:
        actions += type_keys(ctl, guess + "#", now)
    actions += type_keys(ctl, right_code + "#", now)
    return [a[2] for a in actions if a[0] == PUBLISH and a[1].endswith("/events")]


def test_guessing_courier_codes_at_a_board_is_backed_off_and_alarms_the_operator(
    engine, session, make_locker, settings, now, app, credentials
):
    _, key = make_locker()
    session.commit()
    session.close()
    code = "3141592653"
    ctl = Controller("L1", bytes.fromhex(key), [(1, "S"), (2, "M"), (3, "L")])
    ctl.handle(Connected(), NOW)
    ctl.handle(
        Cloud(bytes.fromhex(key), "L1").command(
            "couriers", v=[courier_verifier(bytes.fromhex(key), code)]
        ),
        NOW,
    )
    reports = guess_courier_codes(ctl, code)
    assert not ctl.courier_session_active() and ctl.keypad_wait_ms(NOW) == Lockout.first_wait_ms
    assert [handle_event(engine, "L1", report, now, settings) for report in reports] == [True]
    with Session(engine) as fresh:
        assert [(a.kind, a.locker_id, a.compartment) for a in fresh.exec(select(Alarm)).all()] == [
            ("courier_guessing", "L1", None)
        ]
    page = _admin_alarms(app, credentials)
    assert "courier_guessing" in page and "wrong courier codes" in page
    assert COURIER_PROMPT in [
        a[1] if a[0] == SHOW else None for a in type_keys(ctl, code + "#", NOW + 2000)
    ]


def _admin_alarms(app, credentials):
    from fastapi.testclient import TestClient

    token = credentials.operator("viewer")["Authorization"].removeprefix("Bearer ")
    with TestClient(app) as browser:
        browser.cookies.set(SESSION_COOKIE, token)
        return browser.get("/admin/alarms").text


def open_alarms(cloud, locker_id):
    alarms = httpx.get(
        cloud.api.url + "/api/v1/alarms",
        params={"open": "true"},
        timeout=10,
        headers=cloud.admin_headers,
    ).json()
    return sorted(a["kind"] for a in alarms if a["locker_id"] == locker_id)


def wait_for_alarm(cloud, locker_id, board, wait_s):
    board.wait_until(lambda c: not c.pending_events(), wait_s, "the report acknowledged")
    assert open_alarms(cloud, locker_id) == ["courier_guessing"]


@pytest.mark.e2e
def test_on_a_real_broker_a_board_locks_out_a_courier_code_guesser_and_the_cloud_alarms(
    cloud, provision
):
    board, _ = provision()
    _, code = register_routed_courier(cloud.api.url, cloud.admin_headers, [board.locker_id])
    board.wait_until(lambda c: c.courier_count() == 1, 15, "the courier list")
    for guess in WRONG_GUESSES + (code,):
        board.press(guess + "#")
    assert (
        board.panel.text.startswith("Too many attempts")
        and not board.controller.courier_session_active()
    )
    wait_for_alarm(cloud, board.locker_id, board, 15)


@pytest.mark.e2e
@pytest.mark.parametrize("broker", ["mosquitto"], indirect=True)
def test_on_micropython_a_board_backs_off_a_courier_code_guesser_and_the_cloud_alarms(
    start_wasm_board, cloud
):
    """Typing takes the interpreter a few seconds a code here, longer than the first windows:
    the guesser keeps on, as one would, and runs into the back-off."""
    board = start_wasm_board("MPY-G1", "S2")
    board.wait_until(lambda c: c.is_online(), 30, "board online")
    _, code = register_routed_courier(cloud.api.url, cloud.admin_headers, [board.locker_id])
    board.wait_until(lambda c: c.courier_count() == 1, 30, "the courier list")
    for guess in WRONG_GUESSES * 2:
        board.press(guess + "#")
    assert [line for line in board.panel.lines if line.startswith("Too many attempts")], (
        board.panel.lines
    )
    wait_for_alarm(cloud, board.locker_id, board, 30)
