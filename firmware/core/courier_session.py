# A courier at the keypad (protocol.md, "Keypad"), after the courier code: parcels to collect
# first, then parcel after parcel, typed or scanned. One door at a time: a parcel entered while
# a door is open waits in a queue and its door opens when that one closes, so the courier never
# has two open doors to choose between, and "too small" and "door jammed" always mean the one
# open door. A parcel the board has no reservation for is put to the cloud (`unadvised`) when
# online, refused at once when offline.
from firmware.core import compartments as states
from firmware.core.actions import ERROR, OK, Beep, Show
from firmware.core.compartment_choice import other_compartment, sizes_in
from firmware.core.openings import COLLECT, DEPOSIT

COURIER_PROMPT = "Courier: parcel code?"
UNKNOWN_PARCEL = "Unknown parcel"
UNKNOWN_OFFLINE = "Unknown parcel - locker offline"
OFFLINE = "Locker offline - try later"
MENU = "1 too small 2 jammed * end"
ASKING = "Asking cloud - wait"
NO_ANSWER = "No answer - keep parcel"
NO_BIGGER = "No bigger door free - keep parcel"
NO_OTHER = "Door %d jammed - keep parcel"


class CourierSession:
    answer_ms = 20000  # how long the courier waits for the cloud's answer on an unadvised parcel
    max_queue = 24  # parcels entered ahead of their door (a full trolley)

    def __init__(self, compartments, credentials, doors, uplink, refusal):
        self._compartments = compartments
        self._credentials = credentials
        self._doors = doors
        self._uplink = uplink
        self._refusal = refusal  # Keypad._refusal: why a door cannot be opened now, or None
        self.active = False
        self._reset()

    def _reset(self):
        self._queue = []  # [purpose, parcel, cmp] waiting for the door before to close
        self._current = []  # [purpose, parcel, cmp] of the door given last; [] for none
        self.menu = False  # '*' pressed with a deposit door open: '1' too small, '2' jammed
        self.size_for = None  # the unadvised parcel whose size the courier is asked for
        self._asked = {}  # unadvised parcel -> when the cloud was asked

    def asked_count(self):
        """How many unadvised parcels wait for the cloud's answer."""
        return len(self._asked)

    def start(self, now_ms):
        """The courier code was typed: the parcels to collect here go first."""
        self._reset()
        self.active = True
        for cmp, parcel in self._credentials.to_collect():
            if self._compartments.get(cmp).state == states.OCCUPIED and not self._doors.busy(cmp):
                self._queue.append([COLLECT, parcel, cmp])
        if not self._queue:
            return [Show(COURIER_PROMPT), Beep(OK)]
        return [Show("Collect %d parcels" % len(self._queue)), Beep(OK)] + self.advance(now_ms)

    def end(self):
        self.active = False  # doors still open settle when they close, as always
        self._reset()

    def entered(self, typed, now_ms):
        """What the courier typed and submitted with '#': the size asked for (one digit), or a
        parcel code."""
        if self.size_for is not None and len(typed) == 1:
            return self.size_key(typed, now_ms)
        return self.parcel(typed, now_ms)

    def parcel(self, code, now_ms):
        """A parcel code typed or scanned (it also closes a question left open)."""
        self.size_for, self.menu = None, False
        cmp = self._credentials.reservation(code)
        if cmp is None:
            return self._unknown(code)
        if self._doors.busy(cmp) or self._is_queued(code):
            return _refuse("Door %d unavailable" % cmp)
        if self._compartments.get(cmp).state == states.JAMMED and not self._door_in_use():
            return self._around_jam(code, cmp, now_ms)  # the board found it jammed earlier
        if len(self._queue) >= self.max_queue:
            return _refuse("Queue full - close door")
        self._queue.append([DEPOSIT, code, None])
        if self._door_in_use():
            return [
                Show("Queued %d - close door %d" % (len(self._queue), self._current[2])),
                Beep(OK),
            ]
        return self.advance(now_ms)

    def advance(self, now_ms):
        """Open the next queued door once the one given last is closed (or jammed, or released)."""
        if self._door_in_use():
            return []
        self._current = []
        actions = []
        while self._queue and not self._current:
            purpose, parcel, cmp = self._queue.pop(0)
            actions += self._open(purpose, parcel, cmp, now_ms)
        return actions

    def _door_in_use(self):
        current = self._current
        return len(current) > 0 and self._doors.purpose(current[2]) == current[0]

    def _open(self, purpose, parcel, cmp, now_ms):
        if purpose == COLLECT:
            compartment = self._compartments.get(cmp)
            if compartment.state != states.OCCUPIED or self._doors.busy(cmp):
                return []  # emptied or opened since the session started: nothing to take
            ready = True
        else:
            cmp = self._credentials.reservation(parcel)
            if cmp is None:
                return _refuse(UNKNOWN_PARCEL)  # revoked while it waited in the queue
            ready = self._compartments.get(cmp).can_open_for_deposit(parcel)
        refusal = self._refusal(cmp, ready)
        if refusal:
            return refusal
        self._current = [purpose, parcel, cmp]
        actions = self._doors.open(cmp, purpose, parcel, now_ms)
        if purpose == COLLECT:  # how many are left, this one included
            left = 1 + len([entry for entry in self._queue if entry[0] == COLLECT])
            actions.append(Show("Collect %d: door %d open" % (left, cmp)))
        return actions + [Beep(OK)]

    def _is_queued(self, code):
        for entry in self._queue:
            if entry[1] == code:
                return True
        return False

    # "too small" and "door jammed": '*' then '1' or '2' while a deposit door is open

    def menu_available(self):
        return self._door_in_use() and self._current[0] == DEPOSIT

    def open_menu(self):
        self.menu = True
        return [Show(MENU), Beep(OK)]

    def menu_key(self, key, now_ms):
        """'1' or '2' after '*' (the keypad handles '*' itself: it ends the session)."""
        self.menu = False
        if not self.menu_available():
            return []
        if key == "1":
            return self._too_small(now_ms)
        if key == "2":
            return self._jammed(now_ms)
        return [Show("Door %d open" % self._current[2]), Beep(OK)]

    def _too_small(self, now_ms):
        parcel, cmp = self._current[1], self._current[2]
        if not self._room_to_retarget():
            return _refuse(OFFLINE)
        target = other_compartment(
            self._compartments, self._credentials, self._doors, cmp, True, parcel
        )
        self._doors.release(cmp)  # closing it now settles nothing: the parcel is still out
        self._current = []
        if target is None:
            return self.advance(now_ms) + _refuse(NO_BIGGER)
        return self._retarget(parcel, cmp, target, "too_small", now_ms) + [
            Show("Door %d open - close door %d" % (target, cmp))
        ]

    def _jammed(self, now_ms):
        parcel, cmp = self._current[1], self._current[2]
        if not self._room_to_retarget():
            return _refuse(OFFLINE)
        actions = self._doors.declare_jammed(cmp, now_ms)
        self._current = []
        target = other_compartment(
            self._compartments, self._credentials, self._doors, cmp, False, parcel
        )
        if target is None:
            return actions + self.advance(now_ms) + _refuse(NO_OTHER % cmp)
        return (
            actions
            + self._retarget(parcel, cmp, target, "jammed", now_ms)
            + [Show("Door %d jammed - use door %d" % (cmp, target))]
        )

    def _around_jam(self, parcel, cmp, now_ms):
        # the `jammed` event is journaled already: only the reservation moves
        target = other_compartment(
            self._compartments, self._credentials, self._doors, cmp, False, parcel
        )
        if target is None:
            return _refuse(NO_OTHER % cmp)
        if not self._room_to_retarget():
            return _refuse(OFFLINE)
        return self._retarget(parcel, cmp, target, "jammed", now_ms) + [
            Show("Door %d jammed - use door %d" % (cmp, target))
        ]

    def _room_to_retarget(self):
        # the doors in flight keep their slots; `retargeted` and the new door need one each
        return self._uplink.journal.room() > self._doors.in_flight() + 1

    def _retarget(self, parcel, old, new, reason, now_ms):
        self._credentials.reserve(parcel, new)
        self._compartments.get(new).state = states.RESERVED
        actions = self._uplink.record(
            "retargeted", {"parcel": parcel, "cmp": new, "from": old, "reason": reason}, now_ms
        )
        self._current = [DEPOSIT, parcel, new]
        return actions + self._doors.open(new, DEPOSIT, parcel, now_ms) + [Beep(OK)]

    # a parcel the board has no reservation for

    def _unknown(self, code):
        if not self._uplink.online:
            return _refuse(UNKNOWN_OFFLINE)
        self.size_for = code
        choices = ["%d=%s" % (i + 1, size) for i, size in enumerate(sizes_in(self._compartments))]
        return [Show("Unknown parcel - size? " + " ".join(choices) + " #"), Beep(OK)]

    def size_key(self, key, now_ms):
        """The digit typed while the size of an unadvised parcel is asked."""
        parcel, self.size_for = self.size_for, None
        sizes = sizes_in(self._compartments)
        if key not in "123456789" or int(key) > len(sizes):
            return [Show(COURIER_PROMPT), Beep(ERROR)]
        if self._uplink.journal.room() <= self._doors.in_flight():
            return _refuse(OFFLINE)
        self._asked[parcel] = now_ms
        size = sizes[int(key) - 1]
        actions = self._uplink.record("unadvised", {"parcel": parcel, "size": size}, now_ms)
        return actions + [Show(ASKING), Beep(OK)]

    def reserved(self, parcel, now_ms):
        """The cloud reserved a compartment for `parcel`: if the courier asked, its door opens."""
        if self._asked.pop(parcel, None) is None or not self.active:
            return []
        return self.parcel(parcel, now_ms)

    def refused(self, parcel, reason):
        """The cloud will not take the unadvised `parcel`: the courier keeps it."""
        if self._asked.pop(parcel, None) is None or not self.active:
            return []
        return _refuse("Refused: " + reason)

    def tick(self, now_ms):
        actions = []
        for parcel in list(self._asked):
            if now_ms - self._asked[parcel] >= self.answer_ms:
                del self._asked[parcel]  # a `reserve` coming later stays: typed again, it opens
                actions += _refuse(NO_ANSWER)
        return actions + self.advance(now_ms)


def _refuse(text):
    return [Show(text), Beep(ERROR)]
