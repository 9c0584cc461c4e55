"""The demo's scripted day at one locker bank, played through the real API, broker and board."""

import time
from datetime import UTC, datetime

import httpx

from locker.board_steps import ScenarioFailed, open_take_close

LAYOUT = "S4,M4,L4"
COURIER = "Sam (ParcelCo courier)"
# (carrier, tracking code, width, height, depth mm, recipient, phone, what it is)
PARCELS = [
    ("acme", "100200301", 200, 60, 150, "Ada", "+4915100000001", "a book"),
    ("acme", "100200302", 330, 130, 360, "Grace", "+4915100000002", "a shoe box"),
    ("parcelco", "200300401", 360, 380, 600, "Linus", "+4915100000003", "a monitor"),
    ("parcelco", "200300402", 120, 80, 90, "Margaret", "+4915100000004", "headphones"),
]
TOO_BIG = ("acme", "100200399", 500, 500, 900, "Alan", "+4915100000005", "a bicycle")
WAIT_S = 20.0


class Scenario:
    """Each step prints what happened; an unexpected outcome raises ScenarioFailed."""

    def __init__(self, api_url, board, phones, say=print, headers=None):
        """`headers`: an operator's (operator or admin) credentials; carriers get keys of their
        own."""
        self.api = httpx.Client(base_url=api_url + "/api/v1", timeout=10, headers=headers)
        self.board, self.phones, self.say = board, phones, say
        self.parcels = {}  # tracking code -> (parcel id, compartment, recipient phone)
        self.carrier_keys = {}  # carrier -> its X-API-Key headers
        self.courier_code = None  # drawn by the cloud when the courier is registered

    def run(self):
        self.board_comes_online()
        self.courier_is_registered()
        self.carriers_get_keys()
        self.carriers_preadvise()
        self.courier_deposits()
        self.a_stranger_guesses()
        self.recipients_collect()
        self.a_used_pin_stays_used()
        self.say("\nAll %d parcels deposited and collected." % len(self.parcels))

    def board_comes_online(self):
        self.board.wait_until(lambda c: c.is_online(), WAIT_S, "board online")
        self._wait_api(
            lambda: self.api.get("/lockers/" + self.board.locker_id).json()["online"],
            "the cloud to see the board online",
        )
        self.say("[board]   %s is online" % self.board.locker_id)

    def courier_is_registered(self):
        courier = self._expect(
            self.api.post("/couriers", json={"name": COURIER}), 201, "register courier"
        )
        self.courier_code = courier["code"]  # shown once: the courier keeps it
        route = {"day": datetime.now(UTC).date().isoformat(), "locker_ids": [self.board.locker_id]}
        self._expect(
            self.api.put("/couriers/%s/route" % courier["id"], json=route), 200, "route the courier"
        )
        self.board.wait_until(lambda c: c.courier_count() > 0, WAIT_S, "courier codes on the board")
        self.say(
            "[cloud]   courier %s registered with code %s (drawn by the cloud, shown once) and "
            "routed to %s today; the board knows the code until midnight UTC"
            % (COURIER, self.courier_code, self.board.locker_id)
        )

    def carriers_get_keys(self):
        for carrier in sorted({spec[0] for spec in PARCELS + [TOO_BIG]}):
            response = self.api.post("/carriers", json={"name": carrier})
            if response.status_code != 409:  # known from an earlier run: a new key will do
                self._expect(response, 201, "register carrier " + carrier)
            key = self._expect(
                self.api.post("/carriers/%s/keys" % carrier), 201, "key for " + carrier
            )
            self.carrier_keys[carrier] = {"X-API-Key": key["key"]}
            self.say(
                "[cloud]   carrier %s registered; API key %s... issued" % (carrier, key["prefix"])
            )

    def carriers_preadvise(self):
        for spec in PARCELS:
            parcel = self._expect(
                self.api.post(
                    "/parcels",
                    json=_preadvice(spec, self.board.locker_id),
                    headers=self.carrier_keys[spec[0]],
                ),
                201,
                "pre-advise " + spec[1],
            )
            self.parcels[spec[1]] = (parcel["id"], parcel["compartment"], spec[6])
            self.say(
                "[%s] pre-advised %s (%s) for %s -> compartment %d (%s)"
                % (spec[0], spec[1], spec[7], spec[5], parcel["compartment"], parcel["size"])
            )
        refusal = self._expect(
            self.api.post(
                "/parcels",
                json=_preadvice(TOO_BIG, self.board.locker_id),
                headers=self.carrier_keys[TOO_BIG[0]],
            ),
            409,
            "refuse a parcel too big",
        )
        self.say(
            "[acme]    pre-advised %s (%s): refused, %s"
            % (TOO_BIG[1], TOO_BIG[7], refusal["detail"]["message"])
        )
        for code in self.parcels:
            self.board.wait_until(
                lambda c, code=code: c.has_reservation(code),
                WAIT_S,
                "reservation of %s on the board" % code,
            )
        self.say("[board]   %d reservations received" % len(self.parcels))

    def courier_deposits(self):
        self._press(self.courier_code + "#", "courier code")
        for code, (_, compartment, _) in self.parcels.items():
            self._open_take_close(code + "#", compartment, "deposits " + code)
        self.board.press("*")  # ends the courier session
        for code, (parcel_id, _, _) in self.parcels.items():
            self._wait_state(parcel_id, "deposited")
        self.say("[cloud]   all parcels deposited; recipients notified")

    def a_stranger_guesses(self):
        pulses = len(self.board.pulsed)
        self._press("000000#", "a wrong PIN")
        if len(self.board.pulsed) != pulses:
            raise ScenarioFailed("a wrong PIN opened a door")

    def recipients_collect(self):
        for code, (parcel_id, compartment, phone) in self.parcels.items():
            pin = self.phones.wait_for_pin(phone, code, WAIT_S)
            # The SMS and the board's `credential` leave together; a recipient walks up minutes
            # later, a script at once: wait for the board as the walk would.
            self.board.wait_until(
                lambda c, code=code: c.has_credential_for(code),
                WAIT_S,
                "the PIN of %s on the board" % code,
            )
            self._open_take_close(
                pin + "#", compartment, "recipient %s collects %s" % (phone, code)
            )
            self._wait_state(parcel_id, "collected")
        self.say("[cloud]   all parcels collected")

    def a_used_pin_stays_used(self):
        code, (_, _, phone) = next(iter(self.parcels.items()))
        pulses = len(self.board.pulsed)
        self._press(self.phones.wait_for_pin(phone, code) + "#", "a PIN used a second time")
        if len(self.board.pulsed) != pulses:
            raise ScenarioFailed("a used PIN opened a door again")

    # --- helpers ------------------------------------------------------------------------------
    def _press(self, keys, what):
        self.board.press(keys)
        self.say("[keypad]  %-28s -> display: %s" % (what, self.board.panel.text))

    def _open_take_close(self, keys, compartment, who):
        opened = open_take_close(self.board, keys, compartment, who, WAIT_S)
        self.say("[keypad]  %-28s -> door %d opened and closed" % (who, opened))

    def _wait_state(self, parcel_id, state):
        self._wait_api(
            lambda: self.api.get("/parcels/" + parcel_id).json()["state"] == state,
            "parcel %s %s" % (parcel_id, state),
        )

    def _wait_api(self, condition, what):
        deadline = time.monotonic() + WAIT_S
        while not condition():
            if time.monotonic() > deadline:
                raise ScenarioFailed("timed out waiting for " + what)
            time.sleep(0.1)

    def _expect(self, response, status, what):
        if response.status_code != status:
            raise ScenarioFailed("%s: HTTP %d %s" % (what, response.status_code, response.text))
        return response.json()


def _preadvice(spec, locker_id):
    carrier, code, width, height, depth, name, phone, _ = spec
    return {
        "carrier": carrier,
        "tracking_code": code,
        "locker_id": locker_id,
        "width_mm": width,
        "height_mm": height,
        "depth_mm": depth,
        "recipient": {"name": name, "phone": phone},
    }
