# What a locker controller asks its shell to do. The core only returns these; drivers and the
# network layer carry them out, so tests just compare lists of actions.
from firmware.core.record import Record

KEY = "key"
OK = "ok"
ERROR = "error"


class Pulse(Record):
    """Energise compartment `cmp`'s solenoid for `ms` (never longer: the coil's rating)."""

    _fields = ("cmp", "ms")

    def __init__(self, cmp, ms):
        self.cmp = cmp
        self.ms = ms


class Publish(Record):
    """Publish `payload` (bytes) on `topic` with MQTT `qos` and `retain`."""

    _fields = ("topic", "payload", "qos", "retain")

    def __init__(self, topic, payload, qos, retain):
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain


class Show(Record):
    """Put `text` on the display line."""

    _fields = ("text",)

    def __init__(self, text):
        self.text = text


class Beep(Record):
    """Sound the buzzer: `kind` is KEY, OK or ERROR."""

    _fields = ("kind",)

    def __init__(self, kind):
        self.kind = kind
