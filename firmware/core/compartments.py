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
    """One compartment, as a view on the bank's arrays: made by Compartments.get() and dropped
    after use (one short-lived object, where 24 held for the board's life cost ~2 KB)."""

    def __init__(self, bank, index):
        self._bank = bank
        self._index = index

    @property
    def number(self):
        return self._bank._numbers[self._index]

    @property
    def size(self):
        return self._bank._sizes[self._index]

    @property
    def state(self):
        return STATES[self._bank._states[self._index]]

    @state.setter
    def state(self, state):
        self._bank._states[self._index] = STATES.index(state)

    @property
    def parcel(self):
        """The parcel code inside, or None."""
        return self._bank._parcels[self._index]

    @parcel.setter
    def parcel(self, parcel):
        self._bank._parcels[self._index] = parcel

    def can_open_for_deposit(self, parcel):
        # occupied by this very parcel: the cloud sent its credential before the deposit
        state = self.state
        return state in (FREE, RESERVED) or (state == OCCUPIED and self.parcel == parcel)

    def can_open_for_pickup(self, parcel):
        # never hand a recipient somebody else's parcel: the board's own record wins
        return self.state == OCCUPIED and self.parcel in (None, parcel)

    def can_open_remotely(self):
        return self.state != OPEN  # a door in the middle of a transaction is left alone


class Compartments:
    def __init__(self, layout):
        """`layout`: (number, size) pairs, numbers 1-999 and unique; (number, size, True) for an
        accessible one (protocol/layout.py)."""
        numbers, accessible = [], []
        for entry in layout:
            number = entry[0]
            if not _is_number(number) or number in numbers:
                raise ValueError("bad compartment number %r" % (number,))
            numbers.append(number)
            if len(entry) > 2 and entry[2]:
                accessible.append(number)
        # each compartment's number, size, state (an index into STATES) and parcel, by position
        self._numbers = tuple(numbers)
        self._sizes = tuple([entry[1] for entry in layout])
        # the low ones, reachable from a wheelchair: few, often none, so numbers, not a flag each
        self.accessible = tuple(accessible)
        self._states = bytearray(len(numbers))  # STATES[0]: free
        self._parcels = [None] * len(numbers)

    def get(self, number):
        """The compartment numbered `number`, or None."""
        if not _is_number(number) or number not in self._numbers:
            return None
        return Compartment(self, self._numbers.index(number))

    def numbers(self):
        return sorted(self._numbers)

    def dump(self):
        return [
            [number, STATES[self._states[i]], self._parcels[i]]
            for i, number in enumerate(self._numbers)
        ]

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
