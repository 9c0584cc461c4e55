# The board-side credential store: what the cloud pushed ahead of time so that deposits and
# pickups work offline (DESIGN invariant 1). Only verifiers are kept, never PINs or codes.
from firmware.core.pickups import Pickups


class Credentials:
    __slots__ = ("_reservations", "_pickups", "_couriers")

    def __init__(self):
        self._reservations = {}  # parcel -> cmp
        self._pickups = Pickups()
        self._couriers = set()  # verifiers of courier codes

    # reservations: a courier may deposit the parcel in cmp

    def reserve(self, parcel, cmp):
        self._reservations[parcel] = cmp

    def reservation(self, parcel):
        """The compartment reserved for `parcel`, or None."""
        return self._reservations.get(parcel)

    def unreserve(self, parcel):
        self._reservations.pop(parcel, None)

    def is_reserved(self, cmp):
        """True when some reservation targets compartment `cmp`."""
        for reserved in self._reservations.values():
            if reserved == cmp:
                return True
        return False

    # pickup credentials: one live verifier per parcel, packed (firmware/core/pickups.py)

    def add_pickup(self, v, parcel, cmp, until):
        self._pickups.add(v, parcel, cmp, until)

    def pickup(self, v, now_ms):
        """(cmp, parcel tag) for a verifier that is live at now_ms, else None."""
        return self._pickups.find(v, now_ms)

    def consume(self, v):
        self._pickups.remove(v)

    def has_pickup(self, parcel):
        return self._pickups.has(parcel)

    def drop_pickup(self, parcel):
        self._pickups.drop(parcel)

    # couriers: who may open a courier session

    def set_couriers(self, verifiers):
        self._couriers = set(verifiers)

    def is_courier(self, v):
        return v in self._couriers

    def courier_count(self):
        return len(self._couriers)

    def dump(self):
        return {"reserved": self._reservations, "pickups": self._pickups.dump(),
                "couriers": list(self._couriers)}

    def load(self, data):
        self._reservations = dict(data["reserved"])
        self._pickups.load(data["pickups"])
        self._couriers = set(data["couriers"])

    def revoke(self, parcel):
        """Forget everything about `parcel`; the compartment it was reserved in, or None."""
        cmp = self.reservation(parcel)
        self.unreserve(parcel)
        self.drop_pickup(parcel)
        return cmp
