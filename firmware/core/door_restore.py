# Doors in flight across a power cut (protocol.md, "Power loss"): the openings come back from
# flash, and at boot the door sensors decide what happened to each while the board was dark.
from firmware.core import compartments as states
from firmware.core.openings import FORCED, load_opening


def load(compartments, rows):
    """{cmp: Opening} from snapshot rows; a row naming no compartment of ours is dropped."""
    openings = {}
    for row in rows:
        opening = load_opening(row)
        compartment = compartments.get(opening.cmp) if opening else None
        if compartment is None:
            continue
        openings[opening.cmp] = opening
        if opening.purpose != FORCED:
            compartment.state = states.OPEN
    return openings


def boot(doors, compartments, openings, open_doors, now_ms):
    """The actions for the restored `openings`, given the doors whose sensor reads open now."""
    actions = []
    for opening in openings:
        if opening.cmp in open_doors:
            opening.saw_open(now_ms)  # still (or by now) open: settles when it closes
        elif opening.seen_open:
            actions += doors.settle(opening, now_ms)  # closed during the outage
        else:
            # (A forced opening is always seen open.) Never seen open and shut now: the door did
            # not open. The compartment is as it was; a PIN used for it stays used (one PIN never
            # opens a door twice).
            doors.forget(opening.cmp)
            compartments.get(opening.cmp).state = opening.before
    return actions
