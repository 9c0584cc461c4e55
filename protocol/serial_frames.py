# The framed serial link between a wired board and its gateway (fleet/gateway.py): the board's
# own MQTT connection to the broker rides on it in DATA frames, so signatures, sequence numbers,
# QoS 1 acks, the will and the session stay end to end; the gateway only relays bytes.
#
# A frame: SYNC (2 bytes), kind, connection number, sequence, payload length (2 bytes,
# big-endian), a header check (the low byte of the CRC-32 of kind..length), the payload, then
# the CRC-32 of kind..payload (4 bytes, big-endian). The header check refuses a length bent by
# noise at once, instead of waiting for up to a whole payload of bytes to find the CRC wrong.
# binascii.crc32 is there on CPython and on MicroPython's ESP32, RP2 and WebAssembly ports.
# The decoder takes the line in any chunks, skips garbage and line noise, and refuses a frame
# whose CRC is wrong or whose length is over the bound: it then looks for the next SYNC one
# byte further on, so a good frame that starts inside a bad one is still found. Pure code (no
# I/O): runs on MicroPython and CPython.
#
# The sequence numbers each direction's DATA frames of one connection 0, 1, ... 255, 0, ...: a
# frame refused for noise leaves a gap in the MQTT bytes, and the receiver that sees the gap
# closes the connection at once (the MQTT client reconnects; QoS 1 and the journal resend)
# rather than handing a broken stream to a parser. Line errors are rare: no retransmission.
from binascii import crc32

SYNC = b"\xa5\x5a"
HEADER = 8  # SYNC, kind, connection, sequence, length, header check
TRAILER = 4  # the CRC
MAX_PAYLOAD = 1024  # a board has little RAM: a longer MQTT packet goes out in several frames

# Kinds. The board numbers its connections 1..255 and asks for each with OPEN; either side may
# CLOSE one. A frame for a connection the receiver does not have is answered with CLOSE, so
# both sides forget a dead connection. RESET: the gateway (re)started and has no connection.
OPEN = 1  # board -> gateway: connect connection n to the broker
OPENED = 2  # gateway -> board: connection n is up
REFUSED = 3  # gateway -> board: the broker could not be reached (payload: why, in ASCII)
DATA = 4  # either way: bytes of connection n
CLOSE = 5  # either way: connection n is over
RESET = 6  # gateway -> board: every connection is over
KINDS = (OPEN, OPENED, REFUSED, DATA, CLOSE, RESET)
NAMES = {
    OPEN: "OPEN",
    OPENED: "OPENED",
    REFUSED: "REFUSED",
    DATA: "DATA",
    CLOSE: "CLOSE",
    RESET: "RESET",
}


class FrameError(ValueError):
    """A frame that cannot be written: unknown kind, connection out of range, payload too big."""


def encode(kind, connection, payload=b"", max_payload=MAX_PAYLOAD, seq=0):
    """One frame's bytes."""
    if kind not in KINDS:
        raise FrameError("unknown frame kind %r" % (kind,))
    if not 0 <= connection <= 255:
        raise FrameError("connection number %r out of 0..255" % (connection,))
    if len(payload) > max_payload:
        raise FrameError("payload of %d bytes, over %d" % (len(payload), max_payload))
    head = bytes([kind, connection, seq & 0xFF, len(payload) >> 8, len(payload) & 0xFF])
    body = head + bytes(payload)
    return SYNC + head + bytes([crc32(head) & 0xFF]) + bytes(payload) + _u32(_crc(body))


def encode_data(connection, data, seq, max_payload=MAX_PAYLOAD):
    """(bytes, next seq): DATA frames carrying `data`, split at max_payload, numbered from
    `seq` on."""
    frames = []
    for start in range(0, len(data), max_payload):
        chunk = data[start : start + max_payload]
        frames.append(encode(DATA, connection, chunk, max_payload, seq))
        seq = (seq + 1) & 0xFF
    return b"".join(frames), seq


class Frame:
    """A decoded frame: kind, connection number, payload, sequence."""

    def __init__(self, kind, connection, payload, seq=0):
        self.kind = kind
        self.connection = connection
        self.payload = payload
        self.seq = seq

    def __eq__(self, other):
        return isinstance(other, Frame) and (
            (self.kind, self.connection, self.payload, self.seq)
            == (other.kind, other.connection, other.payload, other.seq)
        )

    def __repr__(self):
        name = NAMES.get(self.kind, str(self.kind))
        return "Frame(%s, %d, %d bytes)" % (name, self.connection, len(self.payload))


class FrameDecoder:
    """Frames out of a byte stream fed in arbitrary chunks. `refused` counts the frames that
    were dropped (bad CRC, oversize, unknown kind); `skipped` the bytes that were not a frame."""

    def __init__(self, max_payload=MAX_PAYLOAD):
        self.max_payload = max_payload
        self._buffer = b""
        self.refused = 0
        self.skipped = 0

    def feed(self, chunk):
        """The frames completed by `chunk`, in order (a list, maybe empty)."""
        self._buffer += bytes(chunk)
        frames = []  # type: list[Frame]
        while True:
            frame = self._next()
            if frame is None:
                return frames
            frames.append(frame)

    def _next(self):
        """The next frame in the buffer, or None when more bytes are needed."""
        while True:
            if not self._sync():
                return None
            buffer = self._buffer
            if len(buffer) < HEADER:
                return None
            length = (buffer[5] << 8) | buffer[6]
            if not self._good_header(buffer, length):
                self._refuse()
                continue
            end = HEADER + length + TRAILER
            if len(buffer) < end:
                return None
            payload = buffer[HEADER : HEADER + length]
            if _crc(buffer[2:7] + payload) != _read_u32(buffer, HEADER + length):
                self._refuse()
                continue
            self._buffer = buffer[end:]
            return Frame(buffer[2], buffer[3], payload, buffer[4])

    def _good_header(self, buffer, length):
        return (
            crc32(buffer[2:7]) & 0xFF == buffer[7]
            and length <= self.max_payload
            and buffer[2] in KINDS
        )

    def _sync(self):
        """Drop what comes before the first SYNC; False if none is in the buffer yet."""
        at = self._buffer.find(SYNC)
        if at < 0:
            keep = 1 if self._buffer[-1:] == SYNC[:1] else 0  # half a SYNC at the end
            self.skipped += len(self._buffer) - keep
            self._buffer = self._buffer[len(self._buffer) - keep :]
            return False
        self.skipped += at
        self._buffer = self._buffer[at:]
        return True

    def _refuse(self):
        # One byte on, not past the whole frame: its length may be the noise.
        self.refused += 1
        self.skipped += 1
        self._buffer = self._buffer[1:]


def _crc(data):
    return crc32(data) & 0xFFFFFFFF


def _u32(value):
    return bytes([(value >> 24) & 0xFF, (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF])


def _read_u32(data, at):
    return (data[at] << 24) | (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3]
