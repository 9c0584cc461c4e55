# The MQTT wire format shared by the board, the simulator and the bridge (docs/protocol.md).
# A payload is 64 hex digits of HMAC-SHA256 under the board's own key, one space, then the
# JSON body; the MAC covers the body's exact bytes, so no canonical JSON is needed.
import json
from binascii import hexlify, unhexlify

from protocol.hmac256 import equal, hmac_sha256

MAC_HEX = 64
MAX_PAYLOAD = 4096  # bigger than any message we send; refuse before parsing
MAX_CODE = 32  # parcel and locker ids: a carrier barcode fits
MAX_LIST = 500
VERIFIER_HEX = 32  # 16 bytes of HMAC: plenty against guessing, small in flash
# A courier code has this many digits or more, a PIN always fewer (protocol.md, "Courier
# codes"): so a keypad entry is a courier guess or a PIN guess by its length alone.
COURIER_CODE_MIN = 10

# Per message type: the fields besides the envelope, each (name, kind).
EVENT_FIELDS = {
    "deposited": (("parcel", "code"), ("cmp", "cmp")),
    "collected": (("parcel", "code"), ("cmp", "cmp")),
    "jammed": (("cmp", "cmp"),),
    "door_left_open": (("cmp", "cmp"),),
    "tamper": (("cmp", "cmp"),),
    "refused": (("ctr", "seq"), ("reason", "str")),
    "pin_guessing": (("failures", "seq"),),
    "courier_guessing": (("failures", "seq"),),
    # courier and recipient flows at the keypad (protocol.md, "Keypad")
    "retargeted": (("parcel", "code"), ("cmp", "cmp"), ("from", "cmp"), ("reason", "str")),
    "unadvised": (("parcel", "code"), ("size", "str")),
    "courier_collected": (("parcel", "code"), ("cmp", "cmp")),
    "return_deposited": (("parcel", "code"), ("cmp", "cmp")),
}
COMMAND_FIELDS = {
    "ack": (("seqs", "seqs"),),
    "reserve": (("parcel", "code"), ("cmp", "cmp")),
    "credential": (("parcel", "code"), ("cmp", "cmp"), ("v", "hex"), ("until", "ms")),
    "revoke": (("parcel", "code"),),
    "couriers": (("v", "hexlist"),),
    "open": (("cmp", "cmp"),),
    "return": (("parcel", "code"), ("cmp", "cmp"), ("v", "hex"), ("until", "ms")),
    "collect": (("parcel", "code"), ("cmp", "cmp")),
    "refuse_parcel": (("parcel", "code"), ("reason", "str")),
    # an operator took a compartment out of service (out 1) or back into it (out 0)
    "service": (("cmp", "cmp"), ("out", "count")),
}
# Fields a command may carry, checked when present. `asof` (protocol.md, "Stale commands"): the
# highest seq the cloud had applied, contiguously, when it decided; a command without it (from
# a cloud that predates it) is taken as current.
OPTIONAL_COMMAND_FIELDS = {
    # acc: 1 for a parcel that goes only in an accessible (low) compartment (compartment_choice)
    "reserve": (("asof", "ms"), ("acc", "count")),
    # keep: 1 adds a verifier (a delegate's); lang: the recipient's language, two letters (a
    # board without lines in it shows the locker's own: a new language breaks no old board)
    "credential": (("asof", "ms"), ("keep", "ms"), ("lang", "str")),
    "return": (("asof", "ms"),),
    "couriers": (("until", "ms"),),  # the end of the day the list is for (courier_list.py)
}
# Telemetry: the board's health at an interval, signed like events but not journaled (QoS 0;
# only the latest matters).
# Counts and the mode fit the cloud's columns (32-bit integers, 16 characters): a board that
# sends more is refused like any malformed message, never a database error.
TELEMETRY_FIELDS = (
    ("lkr", "code"),
    ("t", "ms"),
    ("type", "str"),
    ("fw", "str"),
    ("up", "ms"),
    ("reset", "str"),
    ("heap", "count"),
    ("rssi", "int"),
    ("reconn", "count"),
    ("mode", "word"),
)
# Inventory: every compartment as the board sees it, after each reconnect's journal replay;
# signed, QoS 1, not journaled (the next connect sends a fresh one). `seq` is the last event the
# board journaled (0 for none): the cloud compares only once it has applied that far.
INVENTORY_FIELDS = (("lkr", "code"), ("t", "ms"), ("type", "str"), ("seq", "ms"), ("cmps", "cmps"))
# Status: retained on lockers/{id}/status, the board's birth at every connect (online) and its
# last will (offline), signed; `conn` numbers the connection, never reused, so the cloud takes
# neither an old will nor an old birth replayed after a newer status.
STATUS_FIELDS = (("lkr", "code"), ("t", "ms"), ("type", "str"), ("conn", "seq"))
EVENT_ENVELOPE = (("lkr", "code"), ("seq", "seq"), ("t", "ms"), ("type", "str"))
COMMAND_ENVELOPE = (("lkr", "code"), ("ctr", "seq"), ("exp", "ms"), ("type", "str"))

_CODE_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_."
_HEX_CHARS = "0123456789abcdef"


class WireError(ValueError):
    """A message that is malformed, unsigned, mis-signed or of the wrong shape."""


def topic(locker_id, channel):
    return "lockers/" + locker_id + "/" + channel


def parse_topic(name):
    """('L1', 'events') from 'lockers/L1/events'; WireError for anything else."""
    parts = name.split("/")
    if len(parts) != 3 or parts[0] != "lockers" or not is_code(parts[1]):
        raise WireError("unknown topic")
    return parts[1], parts[2]


def sign(key, body):
    """The payload for `body` (a dict) signed with `key` (bytes)."""
    raw = json.dumps(body).encode()
    return hexlify(hmac_sha256(key, raw)) + b" " + raw


def open_signed(key, payload):
    """The body of a payload whose MAC checks out under `key`; WireError otherwise."""
    if not isinstance(payload, (bytes, bytearray)) or len(payload) > MAX_PAYLOAD:
        raise WireError("payload too large or not bytes")
    if len(payload) < MAC_HEX + 3 or payload[MAC_HEX] != 32:
        raise WireError("payload is not 'mac body'")
    raw = bytes(payload[MAC_HEX + 1 :])
    try:
        mac = unhexlify(bytes(payload[:MAC_HEX]))
    except Exception:
        raise WireError("mac is not hex")
    if not equal(mac, hmac_sha256(key, raw)):
        raise WireError("bad signature")
    try:
        body = json.loads(raw)
    except Exception:
        raise WireError("body is not JSON")
    if not isinstance(body, dict):
        raise WireError("body is not an object")
    return body


def check_event(body):
    """`body` if it is a well-formed event; WireError naming the first fault otherwise."""
    return _check(body, EVENT_ENVELOPE, EVENT_FIELDS)


def check_command(body):
    """`body` if it is a well-formed command; WireError naming the first fault otherwise."""
    _check(body, COMMAND_ENVELOPE, COMMAND_FIELDS)
    for name, kind in OPTIONAL_COMMAND_FIELDS.get(body["type"], ()):
        if name in body and not _KINDS[kind](body[name]):
            raise WireError("invalid " + name)
    return body


def check_telemetry(body):
    """`body` if it is well-formed telemetry; WireError otherwise."""
    _check_fields(body, TELEMETRY_FIELDS)
    if body["type"] != "telemetry":
        raise WireError("not telemetry")
    return body


def check_inventory(body):
    """`body` if it is a well-formed inventory; WireError otherwise."""
    _check_fields(body, INVENTORY_FIELDS)
    if body["type"] != "inventory":
        raise WireError("not an inventory")
    return body


def check_status(body):
    """`body` if it is a well-formed status; WireError otherwise."""
    _check_fields(body, STATUS_FIELDS)
    if body["type"] != "status" or not isinstance(body.get("online"), bool):
        raise WireError("not a status")
    return body


def _check(body, envelope, by_type):
    _check_fields(body, envelope)
    fields = by_type.get(body["type"])
    if fields is None:
        raise WireError("unknown type " + body["type"][:MAX_CODE])
    _check_fields(body, fields)
    return body


def _check_fields(body, fields):
    for name, kind in fields:
        if name not in body:
            raise WireError("missing " + name)
        if not _KINDS[kind](body[name]):
            raise WireError("invalid " + name)


def is_code(value):
    if not isinstance(value, str) or not 0 < len(value) <= MAX_CODE:
        return False
    for c in value:
        if c not in _CODE_CHARS:
            return False
    return True


def _is_int(value, low):
    return isinstance(value, int) and not isinstance(value, bool) and low <= value < 2**53


def _is_text(value, limit):
    # printable ASCII: types, reasons, states and versions are words, and a NUL or a lone
    # surrogate would reach the cloud's database (PostgreSQL refuses both in text)
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        return False
    for c in value:
        if not " " <= c <= "~":
            return False
    return True


def _is_hex(value):
    if not isinstance(value, str) or len(value) != VERIFIER_HEX:
        return False
    for c in value:
        if c not in _HEX_CHARS:
            return False
    return True


def _is_inventory_row(row):
    # [number, state, parcel code or ""]
    return (
        isinstance(row, list)
        and len(row) == 3
        and _KINDS["cmp"](row[0])
        and _KINDS["str"](row[1])
        and (row[2] == "" or is_code(row[2]))
    )


def _is_list_of(value, item):
    return isinstance(value, list) and len(value) <= MAX_LIST and all(item(v) for v in value)


_KINDS = {
    "code": is_code,
    "str": lambda v: _is_text(v, MAX_CODE),
    "cmp": lambda v: _is_int(v, 1) and v <= 999,
    "seq": lambda v: _is_int(v, 1),
    "ms": lambda v: _is_int(v, 0),
    "int": lambda v: _is_int(v, -(2**31)) and v < 2**31,
    "count": lambda v: _is_int(v, 0) and v < 2**31,
    "word": lambda v: _is_text(v, 16),
    "hex": _is_hex,
    "seqs": lambda v: _is_list_of(v, lambda s: _is_int(s, 1)) and len(v) > 0,
    "hexlist": lambda v: _is_list_of(v, _is_hex),
    "cmps": lambda v: _is_list_of(v, _is_inventory_row),
}
