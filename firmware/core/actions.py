# What a locker controller asks its shell to do. The core only returns these; drivers and the
# network layer carry them out, so tests just compare lists of actions. An action is a tuple,
# its kind (a const int, none of them an event's: events.py) first, then its fields, in the
# order each maker below names them.
try:
    from micropython import const  # mpy-cross inlines the kinds inside the package
except ImportError:  # CPython

    def const(value):  # type: ignore[misc]  # the stubs type it generically
        return value


PULSE = const(10)
PUBLISH = const(11)
SHOW = const(12)
BEEP = const(13)

KEY = "key"
OK = "ok"
ERROR = "error"


def Pulse(cmp, ms):
    """Energise compartment `cmp`'s solenoid for `ms` (never longer: the coil's rating)."""
    return (PULSE, cmp, ms)


def Publish(topic, payload, qos, retain):
    """Publish `payload` (bytes) on `topic` with MQTT `qos` and `retain`."""
    return (PUBLISH, topic, payload, qos, retain)


def Show(text):
    """Put `text` on the display line."""
    return (SHOW, text)


def Beep(kind):
    """Sound the buzzer: `kind` is KEY, OK or ERROR."""
    return (BEEP, kind)
