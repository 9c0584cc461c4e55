"""`locker sim`: a virtual locker bank driven by lines on standard input."""

import sys

HELP = """commands: press KEYS (e.g. press 123456#) | open N | close N | state | help | quit"""


def run_console(locker, lines=sys.stdin, out=print):
    out(HELP)
    for line in lines:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            return
        out(_do(locker, words))


def _do(locker, words):
    command, args = words[0], words[1:]
    try:
        if command == "press" and len(args) == 1:
            locker.press(args[0])
            return "display: " + locker.panel.text
        if command in ("open", "close") and len(args) == 1:
            return _door(locker, command, int(args[0]))
        if command == "state":
            return _state(locker)
    except (ValueError, KeyError) as error:
        return "error: %s" % error
    return HELP


def _door(locker, command, number):
    if number not in locker.doors.numbers:
        return "no compartment %d" % number
    if command == "close":
        locker.close_door(number)
        return "door %d closed" % number
    return "door %d %s" % (number, "open" if locker.open_door(number) else "is locked")


def _state(locker):
    rows = ["online" if locker.online else "offline"]
    for number in sorted(locker.doors.numbers):
        c = locker.controller.compartment(number)
        rows.append("%3d %-14s %s" % (number, c.state, c.parcel or ""))
    return "\n".join(rows)
