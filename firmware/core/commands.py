# Commands from the cloud (protocol.md, "Commands"): verified with the board's own key, then
# applied. A refused command (bad MAC, wrong lkr, old counter, expired, malformed, or naming a
# compartment this board does not have) changes nothing, not even the counter; one refused
# only for its counter or expiry is reported (firmware/core/refusals.py). A stale `reserve` or
# `credential` (firmware/core/settled.py) moves the counter and changes nothing else.
from firmware.core import compartments as states
from firmware.core import phrases
from firmware.core.openings import REMOTE
from firmware.core.refusals import EXPIRED, REPLAYED, Refusals
from protocol import wire


class Commands:
    def __init__(self, locker_id, key, compartments, credentials, doors, uplink, settled):
        self._locker_id = locker_id
        self._key = key
        self._compartments = compartments
        self._credentials = credentials
        self._doors = doors
        self._uplink = uplink
        self._settled = settled
        self._refusals = Refusals(uplink, doors)
        self.courier_session = None  # the keypad's: told when the cloud answers an `unadvised`
        self.last_counter = 0  # the highest ctr accepted; a restored board passes its own

    def receive(self, payload, now_ms):
        """The actions for a command payload; [] when it is refused."""
        body = self._authentic(payload)
        if body is None:
            return []  # it may not even come from the cloud: nothing to report
        late = self._late(body, now_ms)
        if late is not None:
            return self._refusals.report(body["ctr"], late, now_ms)
        if not _CHECKS[body["type"]](self, body):
            return []
        self.last_counter = body["ctr"]
        if self._overtaken(body):
            # genuine but decided before the cloud knew this board settled the parcel: the
            # counter moves on, nothing else does (protocol.md, "Stale commands")
            return []
        return _APPLY[body["type"]](self, body, now_ms)

    def refusals_remembered(self):
        """How many refused counters are kept (so each is reported once): bounded."""
        return self._refusals.remembered_count()

    def _overtaken(self, body):
        if body["type"] not in ("reserve", "credential", "return"):
            return False
        kind = "reserve" if body["type"] == "return" else body["type"]  # a return is a reservation
        return self._settled.is_stale(kind, body["parcel"], body.get("asof"))

    def _authentic(self, payload):
        try:
            body = wire.check_command(wire.open_signed(self._key, payload))
        except wire.WireError:
            return None
        return body if body["lkr"] == self._locker_id else None

    def _late(self, body, now_ms):
        """Why a command must not be carried out now (replayed or expired), or None."""
        if body["ctr"] <= self.last_counter:
            return REPLAYED
        if body["exp"] < now_ms:
            return EXPIRED
        return None

    # checks: can this board carry the command out at all?

    def _any(self, body):
        return True

    def _has_cmp(self, body):
        return self._compartments.get(body["cmp"]) is not None

    def _can_open(self, body):
        compartment = self._compartments.get(body["cmp"])
        if compartment is None or not compartment.can_open_remotely():
            return False
        if self._doors.busy(body["cmp"]):
            return False  # forced open: nothing to release until it closes
        # a door that never opens journals `jammed`: keep the slot for it
        return self._uplink.journal.room() > self._doors.in_flight()

    # effects

    def _ack(self, body, now_ms):
        self._uplink.ack(body["seqs"])
        return []

    def _reserve(self, body, now_ms):
        self._credentials.reserve(body["parcel"], body["cmp"], bool(body.get("acc")))
        self._hold(body["cmp"])
        if self.courier_session is not None:
            return self.courier_session.reserved(body["parcel"], now_ms)  # asked for: it opens
        return []

    def _return(self, body, now_ms):
        # a return drop-off: a reservation the return code opens (keypad.py)
        self._credentials.add_return(body["v"], body["parcel"], body["cmp"], body["until"])
        self._hold(body["cmp"])
        return []

    def _hold(self, cmp):
        compartment = self._compartments.get(cmp)
        if compartment.state == states.FREE:
            compartment.state = states.RESERVED  # anything else already holds or is out of use

    def _collect(self, body, now_ms):
        # an expired parcel or a deposited return: the next courier session opens its door
        self._credentials.collect(body["parcel"], body["cmp"])
        return []

    def _refuse_parcel(self, body, now_ms):
        if self.courier_session is None:
            return []
        return self.courier_session.refused(body["parcel"], body["reason"])

    def _credential(self, body, now_ms):
        parcel, cmp = body["parcel"], body["cmp"]
        # kept as its index + 1 (pickups.py); 0: none given, or one the board has no lines in
        lang = body.get("lang")
        lang = phrases.LANGUAGES.index(lang) + 1 if lang in phrases.LANGUAGES else 0
        self._credentials.add_pickup(body["v"], parcel, cmp, body["until"], body.get("keep"), lang)
        compartment = self._compartments.get(cmp)
        if compartment.state in (states.FREE, states.RESERVED):
            compartment.state = states.OCCUPIED
            compartment.parcel = parcel
        return []

    def _revoke(self, body, now_ms):
        cmp = self._credentials.revoke(body["parcel"])
        compartment = self._compartments.get(cmp)
        if compartment is not None and compartment.state == states.RESERVED:
            compartment.state = self._doors.empty_state(cmp)
        return []

    def _couriers(self, body, now_ms):
        self._credentials.set_couriers(body["v"], body.get("until"))  # none: an older cloud
        return []

    def _service(self, body, now_ms):
        # Out of service: the board never chooses it (compartment_choice.py) nor opens it for
        # a deposit. Only an empty one goes out (the cloud asks for no other); it comes back
        # empty, as the door sensor last saw it.
        compartment = self._compartments.get(body["cmp"])
        if body["out"]:
            if compartment.state in (states.FREE, states.JAMMED) or (
                compartment.state == states.RESERVED
                and not self._credentials.is_reserved(body["cmp"])
            ):
                compartment.state = states.OUT_OF_SERVICE
        elif compartment.state == states.OUT_OF_SERVICE:
            compartment.state = self._doors.empty_state(body["cmp"])
        return []

    def _open(self, body, now_ms):
        compartment = self._compartments.get(body["cmp"])
        return self._doors.open(body["cmp"], REMOTE, compartment.parcel, now_ms)


_CHECKS = {
    "ack": Commands._any,
    "reserve": Commands._has_cmp,
    "credential": Commands._has_cmp,
    "revoke": Commands._any,
    "couriers": Commands._any,
    "open": Commands._can_open,
    "return": Commands._has_cmp,
    "collect": Commands._has_cmp,
    "refuse_parcel": Commands._any,
    "service": Commands._has_cmp,
}
_APPLY = {
    "ack": Commands._ack,
    "reserve": Commands._reserve,
    "credential": Commands._credential,
    "revoke": Commands._revoke,
    "couriers": Commands._couriers,
    "open": Commands._open,
    "return": Commands._return,
    "collect": Commands._collect,
    "refuse_parcel": Commands._refuse_parcel,
    "service": Commands._service,
}
