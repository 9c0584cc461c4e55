# What happens to a locker controller: the board's drivers and network layer turn the world
# into these and hand them to Controller.handle(event, now_ms). An event is a tuple, its kind
# (a const int) first, then its fields: a class each cost the board ~235 B of RAM, a tuple
# costs its own few bytes only while it lives (docs/firmware-ram.md C). Equal when kind and
# fields are (a tuple compares item by item); no kind here is an action's (actions.py).
try:
    from micropython import const  # mpy-cross inlines the kinds inside the package
except ImportError:  # CPython

    def const(value):  # type: ignore[misc]  # the stubs type it generically
        return value


KEY_PRESSED = const(1)
CODE_SCANNED = const(2)
DOOR_OPENED = const(3)
DOOR_CLOSED = const(4)
MESSAGE_RECEIVED = const(5)
CONNECTED = const(6)
DISCONNECTED = const(7)
BOOTED = const(8)
TICK = const(9)


def KeyPressed(key):
    """A keypad key: one of '0'-'9', '*', '#' (anything else is refused)."""
    return (KEY_PRESSED, key)


def CodeScanned(code):
    """A line the QR/barcode scanner read: a parcel code, a courier card or a pickup code."""
    return (CODE_SCANNED, code)


def DoorOpened(cmp):
    return (DOOR_OPENED, cmp)


def DoorClosed(cmp):
    return (DOOR_CLOSED, cmp)


def MessageReceived(topic, payload):
    """An MQTT message: topic (str) and payload (bytes), exactly as the broker delivered it."""
    return (MESSAGE_RECEIVED, topic, payload)


def Connected():
    """The MQTT session is up (and the commands topic subscribed)."""
    return (CONNECTED,)


def Disconnected():
    """The MQTT session dropped."""
    return (DISCONNECTED,)


def Booted(open_doors):
    """Handed in once after a reset, with the doors whose sensor reads open at start-up: it
    settles the door openings restored from flash (protocol.md, "Power loss")."""
    return (BOOTED, open_doors)


def Tick():
    """Time passed; the time itself comes as handle()'s now_ms."""
    return (TICK,)
