"""Compartment sizes and layouts, as the board, the cloud and an installer all name them.

A layout is written 'S4,M4,L4': 4 small, 4 medium, 4 large, numbered in that order. A part
ending in 'a' ('S2a,S2,M4,L4') is accessible: low, reachable from a wheelchair; the board gives
a parcel that needs one no other (compartment_choice.py), and the cloud is told at registration.
"""

SIZES = ("S", "M", "L")  # smallest first: "too small" at the keypad asks for a later one

# Inner width x height x depth in mm of each size (what a carrier's parcel must fit).
DIMENSIONS_MM = {
    "S": (380, 90, 640),
    "M": (380, 190, 640),
    "L": (380, 410, 640),
}

MAX_COMPARTMENTS = 999  # a board drives at most this many; numbers are 1..999 on the wire


def size_rank(size):
    """The position of `size` among SIZES; -1 for a size nobody can compare."""
    for rank, known in enumerate(SIZES):
        if known == size:
            return rank
    return -1


def parse_layout(text):
    """[(1, 'S'), (2, 'S'), ...] numbered in the order given, (n, size, True) for an accessible
    compartment; ValueError for a bad layout."""
    compartments = []  # type: list
    for part in text.replace(" ", "").split(","):
        accessible = part[-1:] in ("a", "A") and len(part) > 2
        size, count = part[:1].upper(), part[1:-1] if accessible else part[1:]
        if size not in SIZES or not count.isdigit() or int(count) < 1:
            raise ValueError("bad layout part %r: use e.g. S4,M4,L4 (S2a: 2 accessible)" % part)
        first = len(compartments) + 1
        numbers = range(first, first + int(count))
        compartments += [(n, size, True) if accessible else (n, size) for n in numbers]
    if len(compartments) > MAX_COMPARTMENTS:
        raise ValueError("a board drives at most 999 compartments")
    return compartments
