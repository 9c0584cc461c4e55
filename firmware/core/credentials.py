# The board-side credential store: what the cloud pushed ahead of time so that deposits and
# pickups work offline (DESIGN invariant 1). Only verifiers are kept, never PINs or codes.
from firmware.core.courier_list import CourierList
from firmware.core.pickups import Pickups, parcel_tag


class Credentials:
    def __init__(self):
        self._reservations = {}  # parcel -> cmp
        self.accessible = []  # the reserved parcels that go only in a low compartment (few)
        self._pickups = Pickups()
        self._couriers = CourierList()  # verifiers of today's courier codes, and their end
        # return drop-offs: a reservation above plus the return code's verifier, packed alike
        self._returns = Pickups()
        self._to_collect = {}  # cmp -> parcel code: expired parcels and returns a courier takes

    # reservations: a courier may deposit the parcel in cmp

    def reserve(self, parcel, cmp, accessible=None):
        """`accessible`: True or False says whether `parcel` needs a low compartment; None (a
        retarget) leaves that as it was."""
        self._reservations[parcel] = cmp
        if accessible is not None:
            if parcel in self.accessible:
                self.accessible.remove(parcel)
            if accessible:
                self.accessible.append(parcel)

    def reservation(self, parcel):
        """The compartment reserved for `parcel`, or None."""
        return self._reservations.get(parcel)

    def reservation_count(self):
        return len(self._reservations)

    def unreserve(self, parcel):
        self._reservations.pop(parcel, None)
        if parcel in self.accessible:
            self.accessible.remove(parcel)

    def is_reserved(self, cmp):
        """True when some reservation targets compartment `cmp`."""
        for reserved in self._reservations.values():
            if reserved == cmp:
                return True
        return False

    # pickup credentials: one live verifier per parcel, packed (firmware/core/pickups.py)

    def add_pickup(self, v, parcel, cmp, until, keep=None, lang=0):
        """`lang`: the recipient's language as phrases.py numbers it, plus one (0: none)."""
        self._pickups.add(v, parcel, cmp, until, keep, lang)

    def pickup(self, v, now_ms):
        """(cmp, parcel tag) for a verifier that is live at now_ms, else None."""
        return self._pickups.find(v, now_ms)

    def pickup_verifiers(self, parcel, cmp, now_ms):
        """The verifiers of `parcel`'s credentials for compartment `cmp` live at now_ms."""
        return self._pickups.verifiers_of(parcel, cmp, now_ms)

    def has_pickup(self, parcel):
        return self._pickups.has(parcel)

    def drop_pickup(self, parcel):
        """Forget `parcel`'s pickup credentials; the `lang` they came with (0: none)."""
        return self._pickups.drop(parcel)

    # couriers: who may open a courier session

    def set_couriers(self, verifiers, until=None):
        self._couriers.replace(verifiers, until)

    def is_courier(self, v, now_ms=None):
        return self._couriers.accepts(v, now_ms)

    def courier_count(self):
        return self._couriers.count()

    def dump(self, records=True):
        """Plain data for the snapshot; without `records`, the packed pickup and return records
        are left out but for the slots changed since records_saved() (see records())."""
        data = {
            "reserved": self._reservations,
            "accessible": self.accessible,
            "couriers": self._couriers.verifiers(),
            "couriers_until": self._couriers.until,
            "collect": [[cmp, parcel] for cmp, parcel in self._to_collect.items()],
        }
        if records:
            data["pickups"], data["returns"] = self._pickups.dump(), self._returns.dump()
        else:
            data["pickup_changes"] = self._pickups.changes()
            data["return_changes"] = self._returns.changes()
        return data

    def load(self, data, records=None):
        """Take back dump(); one made without records needs `records` (as records() gave them,
        None: empty)."""
        self._reservations = dict(data["reserved"])
        self.accessible = list(data.get("accessible", []))  # absent before accessibility
        if "pickup_changes" in data:
            pickups, returns = records if records is not None else (bytearray(), bytearray())
            self._pickups.load_records(pickups, data["pickup_changes"])
            self._returns.load_records(returns, data["return_changes"])
        else:
            self._pickups.load(data["pickups"])
            # absent from snapshots older than return drop-offs: none
            self._returns.load(data.get("returns", []))
        self._couriers.replace(data["couriers"], data.get("couriers_until"))  # older: no end
        # absent from snapshots older than collections: none
        self._to_collect = dict((cmp, parcel) for cmp, parcel in data.get("collect", []))

    # the packed records on flash: written whole now and then, their changed slots at once

    def records(self):
        """(pickup records, return records): the bytearrays themselves, not copies."""
        return self._pickups.records(), self._returns.records()

    def records_changed(self):
        return self._pickups.has_changes() or self._returns.has_changes()

    def records_saved(self):
        self._pickups.saved()
        self._returns.saved()

    def revoke(self, parcel):
        """Forget everything about `parcel`; the compartment it was reserved in, or None."""
        cmp = self.reservation(parcel)
        self.unreserve(parcel)
        self.drop_pickup(parcel)
        self._returns.drop(parcel)
        return cmp

    # return drop-offs: a recipient's return code opens the compartment reserved for the return

    def add_return(self, v, parcel, cmp, until):
        self.reserve(parcel, cmp)
        self._returns.add(v, parcel, cmp, until)

    def return_drop_off(self, v, now_ms):
        """(cmp, parcel) for a live return code's verifier, else None."""
        found = self._returns.find(v, now_ms)
        if found is None:
            return None
        cmp, tag = found
        for parcel, reserved in self._reservations.items():
            if reserved == cmp and parcel_tag(parcel) == tag:
                return cmp, parcel
        return None  # the reservation was revoked: the code died with it

    def consume_return(self, v):
        self._returns.remove(v)

    def has_return(self, parcel):
        return self._returns.has(parcel)

    # collection: what a courier takes away (expired parcels, deposited returns)

    def collect(self, parcel, cmp):
        self._to_collect[cmp] = parcel
        self.drop_pickup(parcel)  # an expired parcel is no longer the recipient's to open

    def to_collect(self):
        """[(cmp, parcel)] a courier should take, by compartment number."""
        return sorted(self._to_collect.items())

    def collected(self, cmp):
        self._to_collect.pop(cmp, None)
