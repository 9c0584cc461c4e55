# What happens to a locker controller: the board's drivers and network layer turn the world
# into these and hand them to Controller.handle(event, now_ms). Plain classes, no dataclasses,
# so the same file runs on MicroPython.
from firmware.core.record import Record


class _Event(Record):
    __slots__ = ()


class KeyPressed(_Event):
    """A keypad key: one of '0'-'9', '*', '#' (anything else is refused)."""

    __slots__ = ("key",)
    _fields = ("key",)

    def __init__(self, key):
        self.key = key


class CodeScanned(_Event):
    """A line the QR/barcode scanner read: a parcel code, a courier card or a pickup code."""

    __slots__ = ("code",)
    _fields = ("code",)

    def __init__(self, code):
        self.code = code


class DoorOpened(_Event):
    __slots__ = ("cmp",)
    _fields = ("cmp",)

    def __init__(self, cmp):
        self.cmp = cmp


class DoorClosed(_Event):
    __slots__ = ("cmp",)
    _fields = ("cmp",)

    def __init__(self, cmp):
        self.cmp = cmp


class MessageReceived(_Event):
    """An MQTT message: topic (str) and payload (bytes), exactly as the broker delivered it."""

    __slots__ = ("topic", "payload")
    _fields = ("topic", "payload")

    def __init__(self, topic, payload):
        self.topic = topic
        self.payload = payload


class Connected(_Event):
    """The MQTT session is up (and the commands topic subscribed)."""

    __slots__ = ()


class Disconnected(_Event):
    __slots__ = ()


class Booted(_Event):
    """Handed in once after a reset, with the doors whose sensor reads open at start-up: it
    settles the door openings restored from flash (protocol.md, "Power loss")."""

    __slots__ = ("open_doors",)
    _fields = ("open_doors",)

    def __init__(self, open_doors):
        self.open_doors = open_doors


class Tick(_Event):
    """Time passed; the time itself comes as handle()'s now_ms."""

    __slots__ = ()
