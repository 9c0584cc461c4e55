"""People at the one simulated board of the demo's city: a courier keying in a stop's parcels,
a recipient typing a PIN. Everything goes through the board's firmware, keypad and doors."""

import time

from locker.board_steps import ScenarioFailed, open_take_close

WAIT_S = 20.0
SIGN_IN_TRIES = 5  # a re-plan may move the route to another courier: their code comes shortly


class BoardCourier:
    def __init__(self, board):
        self.board = board

    @property
    def locker_id(self):
        return self.board.locker_id

    def stop(self):
        self.board.stop()

    def comes_online(self, api):
        self.board.wait_until(lambda c: c.is_online(), WAIT_S, "board online")
        deadline = time.monotonic() + WAIT_S
        while not api.get("/lockers/" + self.locker_id).json()["online"]:
            if time.monotonic() > deadline:
                raise ScenarioFailed("the cloud never saw %s online" % self.locker_id)
            time.sleep(0.1)

    def has_reservations(self, codes):
        for code in codes:
            self.board.wait_until(
                lambda c, code=code: c.has_reservation(code), WAIT_S, "reservation of " + code
            )

    def deposits(self, courier_code, parcels):
        """The courier signs in and drops each (tracking code, compartment) in turn."""
        self._sign_in(courier_code)
        for code, compartment in parcels:
            self._open_take_close(code + "#", compartment, "courier deposits " + code)
        self.board.press("*")  # ends the courier session

    def recipient_collects(self, phones, phone, code, compartment):
        pin = phones.wait_for_pin(phone, code, WAIT_S)
        # The SMS and the board's `credential` leave together; a recipient walks up minutes
        # later, a script at once: wait for the board as the walk would.
        self.board.wait_until(
            lambda c: c.has_credential_for(code), WAIT_S, "the PIN of %s on the board" % code
        )
        self._open_take_close(pin + "#", compartment, "recipient collects " + code)

    def _sign_in(self, courier_code):
        self.board.wait_until(lambda c: c.courier_count() > 0, WAIT_S, "courier codes")
        for _ in range(SIGN_IN_TRIES):
            self.board.press(courier_code + "#")
            if self.board.controller.courier_session_active():
                return
            time.sleep(1.0)
        raise ScenarioFailed("%s never took the courier's code" % self.locker_id)

    def _open_take_close(self, keys, compartment, who):
        open_take_close(self.board, keys, compartment, who, WAIT_S)
