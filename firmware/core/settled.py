# The parcels this board settled last (protocol.md, "Stale commands"): for each, the seq of
# the event that settled it. A `reserve` or `credential` the cloud decided before it had applied
# that event (its `asof` is below the seq) was overtaken by the board and is dropped: a
# reservation for a parcel already deposited, or a credential for one already collected.
# Kept compact for the snapshot: [parcel tag, seq, kind] per parcel, small ints only.
from firmware.core.pickups import parcel_tag

DEPOSITED = 1  # a later `reserve` decided before this seq is stale
COLLECTED = 2  # a later `reserve` or `credential` decided before this seq is stale


class Settled:
    remembered = 32  # the cloud catches up within a resync; older settlements are long applied

    def __init__(self):
        self._rows = []  # [tag, seq, kind], oldest first; one per parcel tag

    def note(self, parcel, kind, seq):
        """`parcel` was settled (deposited or collected) by the event numbered `seq`."""
        tag = parcel_tag(parcel)
        self._rows = [row for row in self._rows if row[0] != tag]
        self._rows.append([tag, seq, kind])
        if len(self._rows) > self.remembered:
            self._rows.pop(0)

    def is_stale(self, type_, parcel, asof):
        """True when a `type_` command for `parcel` decided at `asof` was overtaken here."""
        if asof is None:
            return False  # from a cloud that does not say: taken as current
        tag = parcel_tag(parcel)
        for row in self._rows:
            if row[0] == tag:
                if asof >= row[1]:
                    return False  # the cloud had applied the settlement when it decided
                return row[2] == COLLECTED or type_ == "reserve"
        return False

    def __len__(self):
        return len(self._rows)

    def dump(self):
        return [list(row) for row in self._rows]

    def load(self, rows):
        self._rows = [[int(tag), int(seq), int(kind)] for tag, seq, kind in rows]
        while len(self._rows) > self.remembered:
            self._rows.pop(0)
