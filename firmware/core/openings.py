# One door the board has to watch: pulsed open by the board (deposit, pickup, remote) or found
# open without a pulse (forced). Kept in the snapshot so that a reset in the middle of a deposit
# or pickup still journals it when the door closes (protocol.md, "Power loss").

DEPOSIT = "deposit"
PICKUP = "pickup"
REMOTE = "remote"
FORCED = "forced"  # opened without a pulse: a tamper alarm went up, nothing settles on close
COLLECT = "collect"  # a courier takes an expired parcel or a return away
RETURN = "return"  # a recipient drops a return off with a return code
PURPOSES = (DEPOSIT, PICKUP, REMOTE, FORCED, COLLECT, RETURN)


class Opening:
    def __init__(self, cmp, purpose, parcel, before, now_ms):
        self.cmp = cmp
        self.purpose = purpose
        self.parcel = parcel
        self.before = before  # the compartment's state before the pulse
        self.pulsed_ms = now_ms  # None for one restored from flash: no jam timer until boot
        self.retried = False
        self.seen_open = False
        self.opened_ms = None  # when the door was seen open: the left-open timer starts here
        self.left_open_told = False  # door_left_open goes up once per opening
        self.lang = 0  # the display's language for this door (phrases.py): English unless told

    def saw_open(self, now_ms):
        self.seen_open = True
        self.opened_ms = now_ms

    def dump(self):
        return [self.cmp, self.purpose, self.parcel, self.before, self.seen_open, self.retried]


def load_opening(row):
    """An Opening from a snapshot row; None for a row this firmware cannot read."""
    try:
        cmp, purpose, parcel, before, seen_open, retried = row
    except (TypeError, ValueError):
        return None
    if purpose not in PURPOSES:
        return None
    opening = Opening(cmp, purpose, parcel, before, None)
    opening.seen_open = seen_open is True
    opening.retried = retried is True
    return opening
