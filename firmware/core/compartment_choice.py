# Another compartment for a parcel at the keypad (protocol.md, "Keypad"): "too small" asks for
# a bigger one, "door jammed" for one of the same size or bigger. The board picks among the
# compartments it knows to be empty and holds no reservation for, so it never takes a door the
# cloud promised to another parcel; the cloud follows its `retargeted` event. A parcel whose
# recipient needs a low compartment (`reserve` with `acc` 1) only ever gets an accessible one.
from firmware.core import compartments as states
from protocol.layout import size_rank


def sizes_in(compartments):
    """The sizes this locker has, smallest first (what a courier may choose from)."""
    found = []
    for number in compartments.numbers():
        size = compartments.get(number).size
        if size not in found and size_rank(size) >= 0:
            found.append(size)
    return sorted(found, key=size_rank)


def other_compartment(compartments, credentials, doors, cmp, bigger, parcel=None):
    """The number of the smallest free, unreserved, idle compartment other than `cmp` that is
    bigger than `cmp` (bigger=True) or at least as big (bigger=False), and accessible if
    `parcel` needs that; None if there is none."""
    accessible = parcel in credentials.accessible
    rank = size_rank(compartments.get(cmp).size)
    if rank < 0:
        return None
    best = None
    for number in compartments.numbers():
        candidate = compartments.get(number)
        other_rank = size_rank(candidate.size)
        if number == cmp or other_rank < rank or (bigger and other_rank == rank):
            continue
        if candidate.state != states.FREE or credentials.is_reserved(number) or doors.busy(number):
            continue
        if accessible and number not in compartments.accessible:
            continue
        if best is None or other_rank < size_rank(compartments.get(best).size):
            best = number  # numbers come in order: the lowest of the smallest size wins
    return best
