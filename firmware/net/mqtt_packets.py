# MQTT 3.1.1 control packets to bytes and back (OASIS standard, chapters 2 and 3). Pure: no I/O,
# no clock, so the board, the simulator and the tests share it. Whatever is malformed raises
# MqttError, and decoding arbitrary bytes raises nothing else (a broker or a test may send junk).

CONNECT = 1
CONNACK = 2
PUBLISH = 3
PUBACK = 4
SUBSCRIBE = 8
SUBACK = 9
PINGREQ = 12
PINGRESP = 13
DISCONNECT = 14

SUBACK_FAILURE = 0x80
MAX_REMAINING = 268435455  # four varint bytes (spec 2.2.3)
REFUSALS = (
    "",
    "unacceptable protocol version",
    "identifier rejected",
    "server unavailable",
    "bad user name or password",
    "not authorized",
)  # CONNACK return codes 1-5


class MqttError(ValueError):
    pass


class Packet:
    """One decoded packet: `kind` (CONNECT, PUBLISH, ...) and the fields of that kind."""

    def __init__(self, kind, **fields):
        self.kind = kind
        self._names = tuple(sorted(fields))
        for name in self._names:
            setattr(self, name, fields[name])

    def _values(self):
        return tuple([getattr(self, name) for name in self._names])

    def __eq__(self, other):
        return (
            isinstance(other, Packet)
            and self.kind == other.kind
            and self._names == other._names
            and self._values() == other._values()
        )

    def __repr__(self):
        pairs = ["%s=%r" % (name, getattr(self, name)) for name in self._names]
        return "Packet(%d, %s)" % (self.kind, ", ".join(pairs))


# --- encoding -------------------------------------------------------------------------------


def encode_length(n):
    """The remaining-length varint: 7 bits a byte, least significant first."""
    if n < 0 or n > MAX_REMAINING:
        raise MqttError("remaining length out of range: %d" % n)
    out = bytearray()
    while True:
        digit = n & 0x7F
        n >>= 7
        out.append((digit | 0x80) if n else digit)
        if not n:
            return bytes(out)


def _u16(n):
    if n < 0 or n > 0xFFFF:
        raise MqttError("16-bit field out of range: %d" % n)
    return bytes((n >> 8, n & 0xFF))


def as_bytes(data):
    """Payloads may be given as str (UTF-8) or any bytes-like object."""
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise MqttError("payload must be bytes or str")


def _binary(data):
    data = as_bytes(data)
    return _u16(len(data)) + data


def _string(text):
    if not isinstance(text, str):
        raise MqttError("MQTT strings are str")
    return _binary(text)


def _packet(first, body):
    return bytes((first,)) + encode_length(len(body)) + body


def check_topic_name(topic):
    """A topic one may publish to: non-empty UTF-8 without wildcards (spec 4.7)."""
    if not isinstance(topic, str) or not topic or "+" in topic or "#" in topic:
        raise MqttError("not a topic name: %r" % (topic,))
    if len(topic.encode("utf-8")) > 0xFFFF:
        raise MqttError("topic name too long")
    return topic


def _check_packet_id(packet_id):
    if not isinstance(packet_id, int) or packet_id < 1 or packet_id > 0xFFFF:
        raise MqttError("packet id must be 1-65535, not %r" % (packet_id,))
    return packet_id


def connect(client_id, keepalive_s=60, clean_session=True, will=None, username=None, password=None):
    """CONNECT; `will` is None or (topic, payload, qos, retain)."""
    if not client_id and not clean_session:
        raise MqttError("an empty client id needs a clean session")  # spec 3.1.3.1
    if password is not None and username is None:
        raise MqttError("a password needs a user name")  # spec 3.1.2.9
    flags = 0x02 if clean_session else 0
    payload = _string(client_id)
    if will is not None:
        topic, message, qos, retain = will
        if qos not in (0, 1, 2):
            raise MqttError("will QoS must be 0-2")
        flags |= 0x04 | (qos << 3) | (0x20 if retain else 0)
        payload += _string(check_topic_name(topic)) + _binary(message)
    if username is not None:
        flags |= 0x80
        payload += _string(username)
    if password is not None:
        flags |= 0x40
        payload += _binary(password)
    header = _string("MQTT") + bytes((4, flags)) + _u16(keepalive_s)
    return _packet(CONNECT << 4, header + payload)


def connack(session_present, return_code):
    if return_code < 0 or return_code >= len(REFUSALS):
        raise MqttError("CONNACK return code must be 0-5")
    return _packet(CONNACK << 4, bytes((1 if session_present else 0, return_code)))


def publish(topic, payload, qos=0, retain=False, dup=False, packet_id=None):
    """PUBLISH; QoS 1 and 2 need a packet id, QoS 0 has none and is never a duplicate."""
    if qos not in (0, 1, 2):
        raise MqttError("QoS must be 0-2")
    if qos == 0 and (packet_id is not None or dup):
        raise MqttError("QoS 0 has no packet id and no DUP flag")  # spec 3.3.1.1
    first = (PUBLISH << 4) | (0x08 if dup else 0) | (qos << 1) | (0x01 if retain else 0)
    body = _string(check_topic_name(topic))
    if qos:
        body += _u16(_check_packet_id(packet_id))
    return _packet(first, body + as_bytes(payload))


def puback(packet_id):
    return _packet(PUBACK << 4, _u16(_check_packet_id(packet_id)))


def subscribe(packet_id, topics):
    """SUBSCRIBE to `topics`, a list of (topic filter, requested QoS)."""
    if not topics:
        raise MqttError("SUBSCRIBE needs at least one topic filter")
    body = _u16(_check_packet_id(packet_id))
    for topic_filter, qos in topics:
        if not topic_filter or qos not in (0, 1, 2):
            raise MqttError("bad subscription: %r" % ((topic_filter, qos),))
        body += _string(topic_filter) + bytes((qos,))
    return _packet((SUBSCRIBE << 4) | 0x02, body)  # flags 0010 are mandatory (spec 3.8.1)


def suback(packet_id, granted):
    if not granted or [code for code in granted if code not in (0, 1, 2, SUBACK_FAILURE)]:
        raise MqttError("SUBACK codes must be 0, 1, 2 or 0x80")
    return _packet(SUBACK << 4, _u16(_check_packet_id(packet_id)) + bytes(granted))


def pingreq():
    return bytes((PINGREQ << 4, 0))


def pingresp():
    return bytes((PINGRESP << 4, 0))


def disconnect():
    return bytes((DISCONNECT << 4, 0))


# --- decoding -------------------------------------------------------------------------------


def decode_length(data, at=0):
    """(remaining length, offset just past it) from the varint at data[at]."""
    value = 0
    for i in range(4):
        if at + i >= len(data):
            raise MqttError("remaining length cut short")
        digit = data[at + i]
        value |= (digit & 0x7F) << (7 * i)
        if not digit & 0x80:
            return value, at + i + 1
    raise MqttError("remaining length longer than four bytes")


class _Cursor:
    """Reads fields off a packet body; running short is malformed, never an IndexError."""

    def __init__(self, data):
        self.data = data
        self.at = 0

    def take(self, n):
        end = self.at + n
        if end > len(self.data):
            raise MqttError("packet shorter than its fields")
        chunk = self.data[self.at : end]
        self.at = end
        return chunk

    def byte(self):
        return self.take(1)[0]

    def u16(self):
        pair = self.take(2)
        return (pair[0] << 8) | pair[1]

    def packet_id(self):
        packet_id = self.u16()
        if not packet_id:
            raise MqttError("packet id 0")  # spec 2.3.1
        return packet_id

    def binary(self):
        return self.take(self.u16())

    def text(self):
        try:
            text = self.binary().decode("utf-8")
        except ValueError:  # UnicodeError, a ValueError on CPython and MicroPython alike
            raise MqttError("string is not UTF-8")
        if "\x00" in text:
            raise MqttError("string holds U+0000")  # spec 1.5.3
        return text

    def rest(self):
        return self.take(len(self.data) - self.at)

    def left(self):
        return len(self.data) - self.at

    def end(self):
        if self.at != len(self.data):
            raise MqttError("bytes after the last field")


def decode(data):
    """The Packet that `data` holds, whole and alone."""
    data = bytes(data)
    if not data:
        raise MqttError("no packet")
    length, at = decode_length(data, 1)
    if len(data) - at != length:
        raise MqttError("remaining length %d, but %d bytes follow" % (length, len(data) - at))
    return decode_body(data[0], data[at:])


def decode_body(first, body):
    """The Packet with fixed-header byte `first` and `body` (what follows the length)."""
    kind = first >> 4
    decoder = _DECODERS.get(kind)
    if decoder is None:
        raise MqttError("unsupported packet type %d" % kind)
    flags = first & 0x0F
    if kind != PUBLISH and flags != (0x02 if kind == SUBSCRIBE else 0):
        raise MqttError("reserved flags %d on packet type %d" % (flags, kind))
    return decoder(flags, _Cursor(bytes(body)))


def _decode_connect(flags, cursor):
    if cursor.text() != "MQTT" or cursor.byte() != 4:
        raise MqttError("not MQTT 3.1.1")
    connect_flags = cursor.byte()
    keepalive_s = cursor.u16()
    will_qos = (connect_flags >> 3) & 3
    if connect_flags & 0x01 or will_qos == 3 or (connect_flags & 0xC0) == 0x40:
        raise MqttError("bad connect flags")
    if not (connect_flags & 0x04) and connect_flags & 0x38:
        raise MqttError("will QoS or retain without a will")
    client_id = cursor.text()
    will = None
    if connect_flags & 0x04:
        topic = cursor.text()
        will = (topic, cursor.binary(), will_qos, bool(connect_flags & 0x20))
    username = cursor.text() if connect_flags & 0x80 else None
    password = cursor.binary() if connect_flags & 0x40 else None
    cursor.end()
    return Packet(
        CONNECT,
        client_id=client_id,
        keepalive_s=keepalive_s,
        will=will,
        clean_session=bool(connect_flags & 0x02),
        username=username,
        password=password,
    )


def _decode_connack(flags, cursor):
    ack_flags = cursor.byte()
    return_code = cursor.byte()
    cursor.end()
    if ack_flags & 0xFE or return_code >= len(REFUSALS):
        raise MqttError("bad CONNACK")
    return Packet(CONNACK, session_present=bool(ack_flags), return_code=return_code)


def _decode_publish(flags, cursor):
    qos = (flags >> 1) & 3
    dup = bool(flags & 0x08)
    if qos == 3 or (qos == 0 and dup):
        raise MqttError("bad PUBLISH flags")
    topic = cursor.text()
    if not topic or "+" in topic or "#" in topic:
        raise MqttError("bad PUBLISH topic")
    packet_id = cursor.packet_id() if qos else None
    return Packet(
        PUBLISH,
        topic=topic,
        payload=cursor.rest(),
        qos=qos,
        retain=bool(flags & 1),
        dup=dup,
        packet_id=packet_id,
    )


def _decode_puback(flags, cursor):
    packet_id = cursor.packet_id()
    cursor.end()
    return Packet(PUBACK, packet_id=packet_id)


def _decode_subscribe(flags, cursor):
    packet_id = cursor.packet_id()
    topics = []
    while cursor.left():
        topic_filter = cursor.text()
        qos = cursor.byte()
        if not topic_filter or qos > 2:
            raise MqttError("bad subscription")
        topics.append((topic_filter, qos))
    if not topics:
        raise MqttError("SUBSCRIBE without topic filters")
    return Packet(SUBSCRIBE, packet_id=packet_id, topics=topics)


def _decode_suback(flags, cursor):
    packet_id = cursor.packet_id()
    granted = list(cursor.rest())
    if not granted or [code for code in granted if code not in (0, 1, 2, SUBACK_FAILURE)]:
        raise MqttError("bad SUBACK codes")
    return Packet(SUBACK, packet_id=packet_id, granted=granted)


def _empty(kind):
    def decode_empty(flags, cursor):
        cursor.end()
        return Packet(kind)

    return decode_empty


_DECODERS = {
    CONNECT: _decode_connect,
    CONNACK: _decode_connack,
    PUBLISH: _decode_publish,
    PUBACK: _decode_puback,
    SUBSCRIBE: _decode_subscribe,
    SUBACK: _decode_suback,
    PINGREQ: _empty(PINGREQ),
    PINGRESP: _empty(PINGRESP),
    DISCONNECT: _empty(DISCONNECT),
}
