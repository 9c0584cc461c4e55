"""A locker bank without running firmware: the demo signs its events and applies them.

A simulated board runs its firmware per key press, which is too slow for twenty lockers and two
hundred parcels. These banks send what a board would send after a door closed (`deposited`,
`collected`, signed with the bank's own key, numbered in seq order) through the bridge's inbound
path (bridge.inbound.handle_event), so the cloud applies them exactly as it applies a board's."""

from bridge.inbound import handle_event
from cloud.core.clock import to_ms
from protocol import wire


class ScriptedBoard:
    def __init__(self, engine, locker_id, key, settings=None):
        self.engine, self.locker_id, self.key = engine, locker_id, key
        self.settings = settings
        self.seq = 0  # the last event sent; a new locker's cloud has applied none

    def deposited(self, tracking_code, compartment, now):
        """The courier closed the door on the parcel at `now` (naive UTC)."""
        return self._send("deposited", now, parcel=tracking_code, cmp=compartment)

    def collected(self, tracking_code, compartment, now):
        """The recipient took the parcel out (after typing a PIN the board checked)."""
        return self._send("collected", now, parcel=tracking_code, cmp=compartment)

    def _send(self, kind, now, **fields):
        self.seq += 1
        body = dict(lkr=self.locker_id, seq=self.seq, t=to_ms(now), type=kind, **fields)
        return handle_event(
            self.engine, self.locker_id, wire.sign(self.key, body), now, settings=self.settings
        )
