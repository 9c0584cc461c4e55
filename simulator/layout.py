"""Compartment layouts as an installer writes them: 'S4,M4,L4' = 4 small, 4 medium, 4 large."""

SIZES = ("S", "M", "L")


def parse_layout(text):
    """[(1, 'S'), (2, 'S'), ...] numbered in the order given; ValueError for a bad layout."""
    compartments = []
    for part in text.replace(" ", "").split(","):
        size, count = part[:1].upper(), part[1:]
        if size not in SIZES or not count.isdigit() or int(count) < 1:
            raise ValueError("bad layout part %r: use e.g. S4,M4,L4" % part)
        compartments += [(len(compartments) + i + 1, size) for i in range(int(count))]
    if len(compartments) > 999:
        raise ValueError("a board drives at most 999 compartments")
    return compartments
