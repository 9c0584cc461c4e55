# The compartments of one locker bank and the state each is in (docs/protocol.md,
# "Compartment states on the board").

FREE = "free"
RESERVED = "reserved"
OCCUPIED = "occupied"
OPEN = "open"
OUT_OF_SERVICE = "out_of_service"
JAMMED = "jammed"
STATES = (FREE, RESERVED, OCCUPIED, OPEN, OUT_OF_SERVICE, JAMMED)


class Compartment:
    def __init__(self, number, size, state=FREE, parcel=None):
        self.number = number
        self.size = size
        self.state = state
        self.parcel = parcel  # the parcel code inside, or None

    def can_open_for_deposit(self, parcel):
        # occupied by this very parcel: the cloud sent its credential before the deposit
        return self.state in (FREE, RESERVED) or (self.state == OCCUPIED and self.parcel == parcel)

    def can_open_for_pickup(self, parcel):
        # never hand a recipient somebody else's parcel: the board's own record wins
        return self.state == OCCUPIED and self.parcel in (None, parcel)

    def can_open_remotely(self):
        return self.state != OPEN  # a door in the middle of a transaction is left alone


class Compartments:
    def __init__(self, layout):
        """`layout`: (number, size) pairs, numbers 1-999 and unique."""
        self._by_number = {}  # type: dict[int, Compartment]
        for number, size in layout:
            if not _is_number(number) or number in self._by_number:
                raise ValueError("bad compartment number %r" % (number,))
            self._by_number[number] = Compartment(number, size)

    def get(self, number):
        """The compartment numbered `number`, or None."""
        if not _is_number(number):
            return None
        return self._by_number.get(number)

    def numbers(self):
        return sorted(self._by_number)

    def dump(self):
        return [[c.number, c.state, c.parcel] for c in self._by_number.values()]

    def load(self, rows):
        for number, state, parcel in rows:
            compartment = self.get(number)
            if compartment is None or state not in STATES:
                continue  # a compartment removed from the layout since the snapshot
            if state == OPEN:
                # the door's purpose died with the reset; what is inside is still known
                state = OCCUPIED if parcel else FREE
            compartment.state, compartment.parcel = state, parcel


def _is_number(value):
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 999
