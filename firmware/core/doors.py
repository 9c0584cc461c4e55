# Doors the board has opened and is waiting on: pulse the lock, watch for the door sensor,
# retry once, declare a jam, raise door_left_open and tamper (protocol.md, "Door faults"), and
# settle the compartment when the door closes.
from firmware.core import compartments as states
from firmware.core import door_restore, phrases
from firmware.core.actions import Pulse, Show
from firmware.core.openings import COLLECT, DEPOSIT, FORCED, PICKUP, REMOTE, RETURN, Opening
from firmware.core.settled import COLLECTED, DEPOSITED, Settled

# What the person at the keypad is told when the door they were given will not open (a
# recipient, PICKUP and RETURN, in the language the door was opened in: phrases.py).
JAMMED_SAY = {
    DEPOSIT: "Door %d jammed - try another code",
    REMOTE: "Door %d jammed",
    COLLECT: "Door %d jammed",
}


class Doors:
    pulse_ms = 300  # the solenoid's rated pulse
    jam_ms = 5000  # a pulsed door not seen open by then is pulsed again, then jammed
    left_open_ms = 120000  # an open door raises door_left_open after this long, once

    def __init__(self, compartments, credentials, uplink, pulse_ms=None, settled=None):
        self._compartments = compartments
        self._credentials = credentials
        self._uplink = uplink
        self.settled = settled if settled is not None else Settled()
        self._openings = {}  # cmp -> Opening
        # Moves whenever an opening starts, is first seen open or is resolved at boot: the
        # flash store writes at once then, before the pulse leaves the board (a consumed PIN
        # and a door in flight must survive a power cut).
        self.revision = 0
        if pulse_ms is not None:
            self.pulse_ms = pulse_ms

    def in_flight(self):
        """How many opened doors may still journal an event (one each at most)."""
        return len(self._openings)

    def busy(self, cmp):
        """True while door `cmp` is open or being opened: it is not opened again meanwhile."""
        return cmp in self._openings

    def open(self, cmp, purpose, parcel, now_ms, lang=0):
        """Pulse door `cmp` open; `lang` (a phrases.LANGUAGES index) is the display's language,
        English for a courier or an operator."""
        compartment = self._compartments.get(cmp)
        opening = Opening(cmp, purpose, parcel, compartment.state, now_ms)
        opening.lang = lang  # not in the snapshot: after a reset a jam is told in English
        self._openings[cmp] = opening
        compartment.state = states.OPEN
        self.revision += 1
        return [Pulse(cmp, self.pulse_ms), Show(phrases.say(lang, "Door %d open") % cmp)]

    def opened(self, cmp, now_ms):
        if self._compartments.get(cmp) is None:
            return []  # a driver fault: not one of our doors, maybe not even a number
        opening = self._openings.get(cmp)
        if opening is None:
            return self._forced(cmp, now_ms)
        if not opening.seen_open:
            opening.saw_open(now_ms)  # stops the jam timer, starts the left-open one
            self.revision += 1
        return []

    def _forced(self, cmp, now_ms):
        # Nobody pulsed this lock: the door was forced, or never latched. One tamper per
        # opening; what is inside is left as the board knew it (the operator checks).
        compartment = self._compartments.get(cmp)
        opening = Opening(cmp, FORCED, compartment.parcel, compartment.state, now_ms)
        opening.saw_open(now_ms)
        self._openings[cmp] = opening
        return self._uplink.record("tamper", {"cmp": cmp}, now_ms)

    def closed(self, cmp, now_ms):
        opening = self._openings.get(cmp) if self._compartments.get(cmp) is not None else None
        if opening is None or not opening.seen_open:
            return []  # not a door we are watching
        return self.settle(opening, now_ms)

    def check_timers(self, now_ms):
        actions = []
        for opening in list(self._openings.values()):
            if opening.seen_open:
                actions += self._check_left_open(opening, now_ms)
            elif opening.pulsed_ms is not None and now_ms - opening.pulsed_ms >= self.jam_ms:
                actions += self._retry_or_jam(opening, now_ms)
        return actions

    def _check_left_open(self, opening, now_ms):
        if opening.left_open_told or now_ms - opening.opened_ms < self.left_open_ms:
            return []
        opening.left_open_told = True
        return self._uplink.record("door_left_open", {"cmp": opening.cmp}, now_ms)

    def _retry_or_jam(self, opening, now_ms):
        if not opening.retried:
            opening.retried = True
            opening.pulsed_ms = now_ms
            return [Pulse(opening.cmp, self.pulse_ms)]
        del self._openings[opening.cmp]
        self._compartments.get(opening.cmp).state = states.JAMMED
        actions = self._uplink.record("jammed", {"cmp": opening.cmp}, now_ms)
        text = JAMMED_SAY.get(opening.purpose)
        if text is None:  # a recipient's
            text = phrases.say(opening.lang, "Door %d jammed - call support")
        return actions + [Show(text % opening.cmp)]

    # settling: the door closed
    def _deposited(self, opening, now_ms):
        compartment = self._compartments.get(opening.cmp)
        compartment.state = states.OCCUPIED
        compartment.parcel = opening.parcel
        self._credentials.unreserve(opening.parcel)
        return self._record_settled("deposited", DEPOSITED, opening, now_ms)

    def _collected(self, opening, now_ms):
        compartment = self._compartments.get(opening.cmp)
        compartment.parcel = None
        # one that arrived while the door was open (a resync) must not wait for the next
        # parcel with this code in this compartment
        self._credentials.drop_pickup(opening.parcel)
        compartment.state = self.empty_state(opening.cmp)
        return self._record_settled("collected", COLLECTED, opening, now_ms)

    def _record_settled(self, type_, kind, opening, now_ms):
        actions = self._uplink.record(type_, _fields(opening), now_ms)
        # the seq just journaled: a reserve/credential decided before the cloud applied it is stale
        self.settled.note(opening.parcel, kind, self._uplink.journal.next_seq - 1)
        return actions

    def _courier_collected(self, opening, now_ms):
        compartment = self._compartments.get(opening.cmp)
        compartment.parcel = None
        self._credentials.collected(opening.cmp)
        compartment.state = self.empty_state(opening.cmp)
        return self._record_settled("courier_collected", COLLECTED, opening, now_ms)

    def _returned(self, opening, now_ms):
        compartment = self._compartments.get(opening.cmp)
        compartment.state = states.OCCUPIED
        compartment.parcel = opening.parcel
        self._credentials.revoke(opening.parcel)  # the reservation and the return code are spent
        return self._record_settled("return_deposited", DEPOSITED, opening, now_ms)

    def _remote_closed(self, opening, now_ms):
        compartment = self._compartments.get(opening.cmp)
        compartment.state = self._state_after_remote(opening, compartment)
        return []

    def _forced_closed(self, opening, now_ms):
        return []  # the tamper alarm is up; the state was never changed

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

    def settle(self, opening, now_ms):
        """Settle an opening whose door closed (also one that closed during a power cut)."""
        self._openings.pop(opening.cmp, None)
        return _SETTLE[opening.purpose](self, opening, now_ms)

    def forget(self, cmp):
        self._openings.pop(cmp, None)

    # the courier at the keypad changes the plan for a door it was given (courier_session.py)

    def purpose(self, cmp):
        """What door `cmp` was opened for, or None when it is not in flight."""
        opening = self._openings.get(cmp)
        return opening.purpose if opening is not None else None

    def release(self, cmp):
        """The deposit through door `cmp` is off ("too small"): closing it settles nothing and
        leaves the compartment as it was (written to flash at once: a power cut must not turn
        it into a deposit)."""
        opening = self._openings[cmp]
        opening.purpose, opening.parcel = REMOTE, None
        self.revision += 1

    def declare_jammed(self, cmp, now_ms):
        """The courier says door `cmp` will not open: it is jammed, as if the board had found
        it so (journals `jammed`; the cloud raises the alarm and takes the door out of use)."""
        self._openings.pop(cmp, None)
        self._compartments.get(cmp).state = states.JAMMED
        self.revision += 1
        return self._uplink.record("jammed", {"cmp": cmp}, now_ms)

    # power loss (firmware/core/door_restore.py): openings go to flash with the snapshot
    def dump(self):
        return [opening.dump() for opening in self._openings.values()]

    def load(self, rows):
        self._openings = door_restore.load(self._compartments, rows)

    def boot(self, open_doors, now_ms):
        """Resolve the openings restored from flash against the door sensors read at boot."""
        self.revision += 1
        return door_restore.boot(
            self, self._compartments, list(self._openings.values()), open_doors, now_ms
        )


def _fields(opening):
    return {"parcel": opening.parcel, "cmp": opening.cmp}


_SETTLE = {
    DEPOSIT: Doors._deposited,
    PICKUP: Doors._collected,
    REMOTE: Doors._remote_closed,
    FORCED: Doors._forced_closed,
    COLLECT: Doors._courier_collected,
    RETURN: Doors._returned,
}
