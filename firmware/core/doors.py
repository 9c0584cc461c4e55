# Doors the board has opened and is waiting on: pulse the lock, watch for the door sensor,
# retry once, declare a jam (protocol.md), and settle the compartment when the door closes.
from firmware.core import compartments as states
from firmware.core.actions import Pulse, Show

DEPOSIT = "deposit"
PICKUP = "pickup"
REMOTE = "remote"


class Opening:
    """One door the board pulsed open, until it closes again or is declared jammed."""
    __slots__ = ("cmp", "purpose", "parcel", "before", "pulsed_ms", "retried", "seen_open")

    def __init__(self, cmp, purpose, parcel, before, now_ms):
        self.cmp = cmp
        self.purpose = purpose
        self.parcel = parcel
        self.before = before  # the compartment's state before the pulse
        self.pulsed_ms = now_ms
        self.retried = False
        self.seen_open = False


class Doors:
    pulse_ms = 300  # the solenoid's rated pulse
    jam_ms = 5000  # a pulsed door not seen open by then is pulsed again, then jammed

    def __init__(self, compartments, credentials, uplink, pulse_ms=None):
        self._compartments = compartments
        self._credentials = credentials
        self._uplink = uplink
        self._openings = {}  # cmp -> Opening
        if pulse_ms is not None:
            self.pulse_ms = pulse_ms

    def in_flight(self):
        """How many opened doors may still journal an event (one each at most)."""
        return len(self._openings)

    def open(self, cmp, purpose, parcel, now_ms):
        compartment = self._compartments.get(cmp)
        self._openings[cmp] = Opening(cmp, purpose, parcel, compartment.state, now_ms)
        compartment.state = states.OPEN
        return [Pulse(cmp, self.pulse_ms), Show("Door %d open" % cmp)]

    def opened(self, cmp):
        opening = self._opening(cmp)
        if opening is not None:
            opening.seen_open = True  # stops the jam timer
        return []

    def closed(self, cmp, now_ms):
        opening = self._opening(cmp)
        if opening is None or not opening.seen_open:
            return []  # not a door we opened (tamper alarms are a later issue)
        del self._openings[cmp]
        return _SETTLE[opening.purpose](self, opening, now_ms)

    def _opening(self, cmp):
        if self._compartments.get(cmp) is None:
            return None  # a driver fault: not one of our doors, maybe not even a number
        return self._openings.get(cmp)

    def check_jams(self, now_ms):
        actions = []
        for opening in list(self._openings.values()):
            if not opening.seen_open and now_ms - opening.pulsed_ms >= self.jam_ms:
                actions += self._retry_or_jam(opening, now_ms)
        return actions

    def _retry_or_jam(self, opening, now_ms):
        if not opening.retried:
            opening.retried = True
            opening.pulsed_ms = now_ms
            return [Pulse(opening.cmp, self.pulse_ms)]
        del self._openings[opening.cmp]
        self._compartments.get(opening.cmp).state = states.JAMMED
        actions = self._uplink.record("jammed", {"cmp": opening.cmp}, now_ms)
        return actions + [Show("Door %d jammed" % opening.cmp)]

    def _deposited(self, opening, now_ms):
        compartment = self._compartments.get(opening.cmp)
        compartment.state = states.OCCUPIED
        compartment.parcel = opening.parcel
        self._credentials.unreserve(opening.parcel)
        return self._uplink.record("deposited", _fields(opening), now_ms)

    def _collected(self, opening, now_ms):
        compartment = self._compartments.get(opening.cmp)
        compartment.parcel = None
        compartment.state = self.empty_state(opening.cmp)
        return self._uplink.record("collected", _fields(opening), now_ms)

    def _remote_closed(self, opening, now_ms):
        compartment = self._compartments.get(opening.cmp)
        compartment.state = self._state_after_remote(opening, compartment)
        return []

    def _state_after_remote(self, opening, compartment):
        if opening.before == states.OUT_OF_SERVICE:
            return opening.before
        if compartment.parcel is not None:
            return states.OCCUPIED
        # the state it had, re-derived: a door that just opened and closed is not jammed, and
        # a reservation may have been revoked meanwhile
        return self.empty_state(opening.cmp)

    def empty_state(self, cmp):
        """The state of an empty compartment: reserved if a reservation targets it."""
        return states.RESERVED if self._credentials.is_reserved(cmp) else states.FREE


def _fields(opening):
    return {"parcel": opening.parcel, "cmp": opening.cmp}


_SETTLE = {
    DEPOSIT: Doors._deposited,
    PICKUP: Doors._collected,
    REMOTE: Doors._remote_closed,
}
