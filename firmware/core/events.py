# What happens to a locker controller: the board's drivers and network layer turn the world
# into these and hand them to Controller.handle(event, now_ms). Plain classes, no dataclasses,
# so the same file runs on MicroPython.
from firmware.core.record import Record


class KeyPressed(Record):
    """A keypad key: one of '0'-'9', '*', '#' (anything else is refused)."""

    _fields = ("key",)

    def __init__(self, key):
        self.key = key


class CodeScanned(Record):
    """A line the QR/barcode scanner read: a parcel code, a courier card or a pickup code."""

    _fields = ("code",)

    def __init__(self, code):
        self.code = code


class DoorOpened(Record):
    _fields = ("cmp",)

    def __init__(self, cmp):
        self.cmp = cmp


class DoorClosed(Record):
    _fields = ("cmp",)

    def __init__(self, cmp):
        self.cmp = cmp


class MessageReceived(Record):
    """An MQTT message: topic (str) and payload (bytes), exactly as the broker delivered it."""

    _fields = ("topic", "payload")

    def __init__(self, topic, payload):
        self.topic = topic
        self.payload = payload


class Connected(Record):
    """The MQTT session is up (and the commands topic subscribed)."""


class Disconnected(Record):
    """The MQTT session dropped."""


class Booted(Record):
    """Handed in once after a reset, with the doors whose sensor reads open at start-up: it
    settles the door openings restored from flash (protocol.md, "Power loss")."""

    _fields = ("open_doors",)

    def __init__(self, open_doors):
        self.open_doors = open_doors


class Tick(Record):
    """Time passed; the time itself comes as handle()'s now_ms."""
