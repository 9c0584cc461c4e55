# The board-side credential store: what the cloud pushed ahead of time so that deposits and
# pickups work offline (DESIGN invariant 1). Only verifiers are kept, never PINs or codes.


class Credentials:
    __slots__ = ("_reservations", "_pickups", "_couriers")

    def __init__(self):
        self._reservations = {}  # parcel -> cmp
        self._pickups = {}  # verifier -> (parcel, cmp, until_ms)
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

    # pickup credentials: one live verifier per parcel

    def add_pickup(self, v, parcel, cmp, until):
        self.drop_pickup(parcel)  # a re-issued credential replaces the old PIN
        self._pickups[v] = (parcel, cmp, until)

    def pickup(self, v, now_ms):
        """(parcel, cmp) for a verifier that is live at now_ms, else None."""
        found = self._pickups.get(v)
        if found is None or found[2] < now_ms:
            return None
        return found[0], found[1]

    def consume(self, v):
        self._pickups.pop(v, None)

    def has_pickup(self, parcel):
        for found in self._pickups.values():
            if found[0] == parcel:
                return True
        return False

    def drop_pickup(self, parcel):
        for v in [v for v, found in self._pickups.items() if found[0] == parcel]:
            del self._pickups[v]

    # couriers: who may open a courier session

    def set_couriers(self, verifiers):
        self._couriers = set(verifiers)

    def is_courier(self, v):
        return v in self._couriers

    def courier_count(self):
        return len(self._couriers)

    def dump(self):
        pickups = [[v] + list(found) for v, found in self._pickups.items()]
        return {"reserved": self._reservations, "pickups": pickups, "couriers": list(self._couriers)}

    def load(self, data):
        self._reservations = dict(data["reserved"])
        self._pickups = {}
        for v, parcel, cmp, until in data["pickups"]:
            self._pickups[v] = (parcel, cmp, until)
        self._couriers = set(data["couriers"])

    def revoke(self, parcel):
        """Forget everything about `parcel`; the compartment it was reserved in, or None."""
        cmp = self.reservation(parcel)
        self.unreserve(parcel)
        self.drop_pickup(parcel)
        return cmp
