# One connection to the broker: its streams, its keep-alive state and the packets waiting to be
# written. A new Link for every connect, so a task of a dead connection can never touch the
# next one. Only the streams API common to CPython and MicroPython is used (read, write, drain,
# close, wait_closed if present): a board socket, CPython's streams or a JavaScript shim.
import asyncio

from firmware.net import mqtt_packets as packets
from firmware.net.aio import run_within

_CHUNK = 512  # what an oversized message is read past in: bounded RAM whatever its size


class Link:
    def __init__(self, now_ms):
        self.reader = None
        self.writer = None
        self.started_ms = now_ms
        self.accepted = False  # the broker's CONNACK said yes
        self.up = False  # ...and every SUBSCRIBE sent with it has its SUBACK
        self.dead = asyncio.Event()  # set once by whichever task first sees the link fail
        self.wake = asyncio.Event()  # there is something for the sender to write
        self.control = []  # PUBACK, PINGREQ, SUBSCRIBE: written before any PUBLISH
        self.tasks = []
        self.ping_ms = None  # when the unanswered PINGREQ went out
        self.pinged_ms = now_ms  # when the last PINGREQ went out
        self.pending_subs = []  # packet ids of SUBSCRIBEs awaiting their SUBACK

    def send(self, data):
        """Queue a control packet for the sender task, the only writer of the stream."""
        self.control.append(data)
        self.wake.set()

    async def write(self, data):
        await _write(self.writer, data)

    async def read_exactly(self, n):
        """n bytes, read with read() alone: the one read every transport has. EOF raises."""
        data = b""
        while len(data) < n:
            # bytes(): a JS shim gives Uint8Array. The ignore: reader is None only until
            # MqttClient._talk() opens the transport, which it does before any read.
            chunk = bytes(await self.reader.read(n - len(data)))  # type: ignore[union-attr]
            if not chunk:  # b"" is the end of the stream on every transport
                raise EOFError("the broker closed the connection")
            data += chunk
        return data

    async def read_packet(self, max_bytes):
        """The next packet, or None for a PUBLISH over max_bytes (read past, see skip_publish)."""
        first = (await self.read_exactly(1))[0]
        length = await self._read_length()
        if length > max_bytes:
            await self.skip_publish(first, length)
            return None
        body = await self.read_exactly(length) if length else b""
        return packets.decode_body(first, body)

    async def _read_length(self):
        data = b""
        while True:
            data += await self.read_exactly(1)
            if not data[-1] & 0x80 or len(data) == 4:
                return packets.decode_length(data)[0]

    async def skip_publish(self, first, length):
        """Read past a PUBLISH too big for the board and acknowledge it: left unacknowledged,
        the broker would send it again on every connect and block the session."""
        qos = (first >> 1) & 3
        if first >> 4 != packets.PUBLISH or qos == 3:
            raise packets.MqttError("a packet of %d bytes" % length)
        topic_length = await self._read_u16()
        rest = length - 2 - topic_length - (2 if qos else 0)
        if rest < 0:
            raise packets.MqttError("malformed PUBLISH")
        await self._skip(topic_length)
        packet_id = await self._read_u16() if qos else None
        await self._skip(rest)
        if qos == 1 and packet_id:
            self.send(packets.puback(packet_id))

    async def _read_u16(self):
        pair = await self.read_exactly(2)
        return (pair[0] << 8) | pair[1]

    async def _skip(self, n):
        while n > 0:
            n -= len(await self.read_exactly(min(n, _CHUNK)))

    async def close(self, goodbye=None):
        """Write `goodbye` if given (DISCONNECT), then close; never waits long, never raises."""
        writer = self.writer
        self.writer = None
        if writer is None:
            return
        if goodbye is not None:
            await run_within(1, _write(writer, goodbye))
        try:
            writer.close()
        except Exception:  # already broken: closing is all that is left to do
            pass
        if hasattr(writer, "wait_closed"):
            await run_within(1, writer.wait_closed())


async def _write(writer, data):
    writer.write(data)
    await writer.drain()
