# The parcels this board settled last (protocol.md, "Stale commands"): for each, the seq of
# the event that settled it. A `reserve` or `credential` the cloud decided before it had applied
# that event (its `asof` is below the seq) was overtaken by the board and is dropped: a
# reservation for a parcel already deposited, or a credential for one already collected.
# Packed in one bytearray, 9 bytes a parcel (its 32-bit tag, the seq, the kind): as 32 lists
# of [tag, seq, kind] they took ~2 KB of a board's heap (a tag of 2**30 or more is an object of
# its own there). The snapshot still holds [tag, seq, kind] per parcel.
from firmware.core.pickups import parcel_tag

try:
    from micropython import const  # mpy-cross inlines _X = const(n): no name on the board
except ImportError:  # CPython

    def const(value):  # type: ignore[misc]  # the stubs type it generically
        return value


DEPOSITED = 1  # a later `reserve` decided before this seq is stale
COLLECTED = 2  # a later `reserve` or `credential` decided before this seq is stale
# a row: parcel tag (4 bytes, big-endian), seq (4), kind (1)
_SETTLED_ROW = const(9)


class Settled:
    remembered = 32  # the cloud catches up within a resync; older settlements are long applied

    def __init__(self):
        self._rows = bytearray()  # _SETTLED_ROW bytes a parcel tag, oldest first, one each

    def note(self, parcel, kind, seq):
        """`parcel` was settled (deposited or collected) by the event numbered `seq`."""
        tag = parcel_tag(parcel).to_bytes(4, "big")
        kept = bytearray()
        for start in range(0, len(self._rows), _SETTLED_ROW):
            if self._rows[start : start + 4] != tag:
                kept += self._rows[start : start + _SETTLED_ROW]
        kept += tag + seq.to_bytes(4, "big") + bytes((kind,))
        over = len(kept) - self.remembered * _SETTLED_ROW  # the oldest go first
        self._rows = kept[over:] if over > 0 else kept

    def is_stale(self, type_, parcel, asof):
        """True when a `type_` command for `parcel` decided at `asof` was overtaken here."""
        if asof is None:
            return False  # from a cloud that does not say: taken as current
        tag = parcel_tag(parcel).to_bytes(4, "big")
        for start in range(0, len(self._rows), _SETTLED_ROW):
            if self._rows[start : start + 4] == tag:
                if asof >= int.from_bytes(self._rows[start + 4 : start + 8], "big"):
                    return False  # the cloud had applied the settlement when it decided
                return self._rows[start + 8] == COLLECTED or type_ == "reserve"
        return False

    def __len__(self):
        return len(self._rows) // _SETTLED_ROW

    def dump(self):
        rows = self._rows
        return [
            [
                int.from_bytes(rows[start : start + 4], "big"),
                int.from_bytes(rows[start + 4 : start + 8], "big"),
                rows[start + 8],
            ]
            for start in range(0, len(rows), _SETTLED_ROW)
        ]

    def load(self, rows):
        packed = bytearray()
        for tag, seq, kind in rows[max(0, len(rows) - self.remembered) :]:
            packed += int(tag).to_bytes(4, "big") + int(seq).to_bytes(4, "big")
            packed += bytes((int(kind),))
        self._rows = packed
