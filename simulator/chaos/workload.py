"""Couriers and recipients: for each locker, one parcel after another is pre-advised through
the REST API, deposited at the keypad, and collected with the PIN the cloud sent."""

import logging
import random
import threading
import time

import httpx

from firmware.core.keypad import COURIER_PROMPT

log = logging.getLogger(__name__)

PARCEL = {"width_mm": 200, "height_mm": 60, "depth_mm": 150}


class Transaction:
    __slots__ = (
        "code",
        "locker_id",
        "parcel_id",
        "cmp",
        "preadvised_at",
        "deposited",
        "collected",
        "completed_at",
        "retries",
    )

    def __init__(self, code, locker_id):
        self.code, self.locker_id = code, locker_id
        self.parcel_id = self.cmp = self.completed_at = None
        self.preadvised_at = None
        self.deposited = self.collected = False  # what the courier / recipient saw happen
        self.retries = 0


class Workload:
    def __init__(
        self,
        api_url,
        boards,
        pins,
        courier_code,
        run_tag,
        seed,
        carrier_headers,
        stop_new_at,
        hard_stop_at,
    ):
        self.api_url, self.boards, self.pins = api_url, boards, pins
        self.carrier_headers = carrier_headers  # the "chaos" carrier's X-API-Key
        self.courier_code, self.run_tag = courier_code, run_tag
        self.stop_new_at, self.hard_stop_at = stop_new_at, hard_stop_at
        self.seed = seed
        self.transactions = []
        self.power_cycles = []  # (locker_id, down at, up at) monotonic
        self._lock = threading.Lock()
        self._threads = []

    def start(self):
        for index, board in enumerate(self.boards):
            thread = threading.Thread(
                target=self._run_locker,
                args=(index, board),
                name="work-" + board.locker_id,
                daemon=True,
            )
            self._threads.append(thread)
            thread.start()
        return self

    def join(self):
        for thread in self._threads:
            thread.join(max(0.1, self.hard_stop_at - time.monotonic() + 10))

    # --- one locker -------------------------------------------------------------------------
    def _run_locker(self, index, fb):
        rng = random.Random("%s-%d" % (self.seed, index))
        api = httpx.Client(
            base_url=self.api_url + "/api/v1", timeout=15, headers=self.carrier_headers
        )
        number = 0
        time.sleep(rng.uniform(0, 3))  # not every courier arrives at once
        try:
            while time.monotonic() < self.stop_new_at:
                number += 1
                # typed at a keypad: digits only
                tx = Transaction("%s%03d%04d" % (self.run_tag[-4:], index, number), fb.locker_id)
                try:
                    self._transaction(api, fb, tx, rng)
                except _HardStop:
                    return
                except Exception:
                    log.exception("%s: transaction %s failed", fb.locker_id, tx.code)
                    time.sleep(1)
                time.sleep(rng.uniform(0.2, 1.5))
        finally:
            api.close()

    def _transaction(self, api, fb, tx, rng):
        if not self._preadvise(api, fb, tx):
            return
        with self._lock:
            self.transactions.append(tx)
        self._deposit(fb, tx, rng)
        self._pickup(fb, tx, rng)
        tx.completed_at = time.monotonic()

    def _preadvise(self, api, fb, tx):
        body = {
            "carrier": "chaos",
            "tracking_code": tx.code,
            "locker_id": fb.locker_id,
            "recipient": {
                "name": "R " + tx.code,
                "phone": "+49151" + tx.code[-7:].rjust(7, "0")
                if tx.code[-7:].isdigit()
                else "+4915100000000",
            },
            **PARCEL,
        }
        while True:
            self._check_stop(new=True)
            try:
                response = api.post("/parcels", json=body)
            except httpx.HTTPError as error:
                log.warning("pre-advice of %s: %s; again", tx.code, error)
                time.sleep(1)
                found = self._find(api, tx.code)  # it may have gone through all the same
                if found is None:
                    continue
                response = found
            if response.status_code == 409:  # pre-advised already, its answer lost on the way
                response = self._find(api, tx.code) or response
            if response.status_code == 201:
                data = response.json()
                tx.parcel_id, tx.cmp, tx.preadvised_at = (
                    data["id"],
                    data["compartment"],
                    time.monotonic(),
                )
                return True
            time.sleep(1)  # no compartment free yet (the cloud lags behind the board): wait

    def _find(self, api, code):
        try:
            response = api.get("/parcels", params={"carrier": "chaos", "tracking_code": code})
        except httpx.HTTPError:
            return None
        if response.status_code != 200 or not response.json():
            return None
        return _Found(response.json()[0])

    def _deposit(self, fb, tx, rng):
        while True:
            self._check_stop()
            board = fb.board
            if not self._wait(
                fb, lambda c: c.has_reservation(tx.code) and c.courier_count() > 0, 2
            ):
                continue
            board.press("**")  # a fresh entry, and no courier session left over
            board.press(self.courier_code + "#")
            if board.panel.text != COURIER_PROMPT:
                log.info("%s: courier code -> %r", fb.locker_id, board.panel.text)
                tx.retries += 1
                time.sleep(0.5)
                continue
            outcome = self._door_cycle(fb, tx.code + "#", rng)
            if isinstance(outcome, int):
                fb.board.press("*")
                tx.cmp, tx.deposited = outcome, True
                return
            held = self._holds(fb, tx) if outcome == "power" else None
            if held:
                # the door was shut while the board was dark: it settled the deposit at boot
                tx.cmp, tx.deposited = held, True
                return
            self._retry(fb, tx, "deposit", outcome)

    def _pickup(self, fb, tx, rng):
        while True:
            self._check_stop()
            pin = self.pins.wait(tx.code, 2)
            if pin is None:
                continue
            if not self._wait(fb, lambda c: c.has_credential_for(tx.code), 2):
                continue
            fb.board.press("*")
            outcome = self._door_cycle(fb, pin + "#", rng)
            if isinstance(outcome, int):
                tx.collected = True
                return
            if (
                outcome == "power"
                and not self._holds(fb, tx)
                and not fb.board.controller.has_credential_for(tx.code)
            ):
                tx.collected = True  # shut while the board was dark: settled at boot
                return
            self._retry(fb, tx, "pickup", outcome)

    def _retry(self, fb, tx, step, outcome):
        """Count a failed `step` and pause before the next try (none after a power cut: the
        board is booting already)."""
        tx.retries += 1
        log.info("%s: %s of %s -> %r", fb.locker_id, step, tx.code, outcome)
        if outcome != "power":
            time.sleep(1)

    def _door_cycle(self, fb, keys, rng):
        """Type `keys`, pull the door that opens, (maybe lose power now), push it shut.
        The compartment number, or why not."""
        board = fb.board
        pulses = len(board.pulsed)
        board.press(keys)
        try:
            cmp = board.wait_for_pulse(after=pulses, timeout=3)
        except TimeoutError:
            return board.panel.text or "no pulse"
        deadline = time.monotonic() + 8
        while not board.open_door(cmp):
            if time.monotonic() > deadline:
                return "door stayed locked"
            time.sleep(0.2)
        if fb.power_cycle_requested.is_set():  # power dies with the door open, mid-transaction
            fb.power_cycle_requested.clear()
            down = time.monotonic()
            # The person shuts the door while the board is dark (a VirtualLocker boots with
            # its doors shut): protocol.md, "Power loss", seen open / closed at boot.
            fb.power_cycle(rng.uniform(1, 3))
            with self._lock:
                self.power_cycles.append((fb.locker_id, down, time.monotonic()))
            return "power"
        time.sleep(rng.uniform(0.05, 0.4))  # parcel in or out
        board.close_door(cmp)
        return cmp

    def _holds(self, fb, tx):
        """The compartment the board says holds the parcel, or None."""
        board = fb.board
        with board._lock:
            c = board.controller
            for number in c.compartment_numbers():
                compartment = c.compartment(number)
                if compartment.state == "occupied" and compartment.parcel == tx.code:
                    return number
        return None

    def _wait(self, fb, condition, timeout):
        try:
            fb.board.wait_until(condition, timeout)
            return True
        except TimeoutError:
            return False

    def _check_stop(self, new=False):
        now = time.monotonic()
        if now > self.hard_stop_at or (new and now > self.stop_new_at):
            raise _HardStop()


class _HardStop(Exception):
    pass


class _Found:
    """A parcel found by its tracking code, shaped like the pre-advice's response."""

    status_code = 201

    def __init__(self, data):
        self._data = data

    def json(self):
        return self._data
