# The board's connection to the broker over a framed serial line to a gateway (fleet/gateway.py)
# instead of WiFi: one more open_transport under the MQTT client, which runs unchanged over it.
# The MQTT packets ride in DATA frames (protocol/serial_frames.py), so signatures, sequence
# numbers, QoS 1 acks, the will and the persistent session stay end to end board <-> broker;
# a gateway that dies loses nothing the journal does not still hold.
#
# One reader task takes every frame off the line and hands it to the current connection; one
# writer task is the line's only writer (MicroPython lets one task at a time wait to write a
# stream). A frame for a connection that is not the current one is answered with CLOSE, so the
# gateway forgets it too; RESET (a gateway that started again) ends the current connection.
import asyncio

from firmware.net.aio import wait_event
from protocol import serial_frames as frames


class SerialLink:
    open_timeout_s = 5  # no OPENED by then: OSError, and the MQTT client backs off and retries
    read_bytes = 256  # what one read of the line asks for
    inbound_limit = 8192  # received, not yet read by the client (its inbox full): over it the
    # connection drops, and the broker sends again what the client did not acknowledge
    idle_s = 0.05  # the pause after the line reports its end (nobody on the other side yet)

    def __init__(self, reader, writer, max_payload=frames.MAX_PAYLOAD):
        """`reader`, `writer`: the serial line as streams (a UART wrapped in asyncio's
        StreamReader/StreamWriter on a board; anything with read, write and drain)."""
        self._reader, self._writer = reader, writer
        self._decoder = frames.FrameDecoder(max_payload)
        self.max_payload = max_payload
        self._number = 0  # the last connection number used, 1..255 then round again
        self.connection = None  # the current SerialConnection
        self._outgoing = []  # (connection number, frame bytes, is DATA), oldest first
        self._queued = 0  # frames queued since the start...
        self._written = 0  # ...and written: a drain waits until they meet
        self._wake = asyncio.Event()
        self._progress = asyncio.Event()
        self._tasks = []
        self.resets = 0  # RESETs received: how often the gateway came back

    async def open_transport(self):
        """(reader, writer) of a new connection through the gateway to the broker."""
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._read_loop()),
                asyncio.create_task(self._write_loop()),
            ]
        if self.connection is not None:
            self.connection.close()
        self._number = self._number % 255 + 1
        connection = SerialConnection(self, self._number)
        self.connection = connection
        self.send(frames.OPEN, connection.number)
        if not await wait_event(connection.answered, self.open_timeout_s):
            connection.close()
            raise OSError("no answer from the serial gateway in %s s" % self.open_timeout_s)
        if connection.refusal is not None:
            connection.close()
            raise OSError("the gateway could not reach the broker: " + connection.refusal)
        if connection.closed:
            raise OSError("the serial line ended before the gateway answered")
        return connection, connection

    def stop(self):
        """End the link's tasks (a board never does; a simulated board that powers off does)."""
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        if self.connection is not None:
            self.connection.end()

    def send(self, kind, number, payload=b""):
        """Queue a control frame for the writer task: never waits, so a reader can answer at
        once. Returns its number for written()."""
        return self._queue(number, frames.encode(kind, number, payload, self.max_payload), False)

    def send_data(self, number, data, seq):
        """Queue DATA frames numbered from `seq`: (their number for written(), the next seq)."""
        encoded, seq = frames.encode_data(number, data, seq, self.max_payload)
        return self._queue(number, encoded, True), seq

    def _queue(self, number, encoded, is_data):
        self._outgoing.append((number, encoded, is_data))
        self._queued += 1
        self._wake.set()
        return self._queued

    async def written(self, mark):
        """Wait until the frame numbered `mark` (send's result) has gone to the line."""
        while self._written < mark:
            self._progress.clear()
            await self._progress.wait()

    async def _write_loop(self):
        while True:
            if not self._outgoing:
                self._wake.clear()
                await self._wake.wait()
                continue
            number, data, is_data = self._outgoing.pop(0)
            if not is_data or self._is_live(number):  # bytes of a dead connection: dropped
                self._writer.write(data)
                await self._writer.drain()
            self._written += 1
            self._progress.set()

    def _is_live(self, number):
        connection = self.connection
        return connection is not None and connection.number == number and not connection.closed

    async def _read_loop(self):
        while True:
            try:
                chunk = await self._reader.read(self.read_bytes)
            except OSError:  # a line that failed reads as one that ended
                chunk = b""
            if not chunk:
                if self.connection is not None:
                    self.connection.end()
                await asyncio.sleep(self.idle_s)
                continue
            for frame in self._decoder.feed(chunk):
                self._take(frame)

    def _reset(self):
        self.resets += 1
        connection = self.connection
        if connection is None or connection.closed:
            return
        if connection.answered.is_set():
            connection.end()
        else:  # our OPEN crossed the RESET, or was lost with the gateway: ask again, same number
            self.send(frames.OPEN, connection.number)

    def _take(self, frame):
        kind, number = frame.kind, frame.connection
        connection = self.connection
        if kind == frames.RESET:
            self._reset()
        elif connection is None or not self._is_live(number):
            if kind in (frames.OPENED, frames.DATA):  # the gateway holds one we dropped
                self.send(frames.CLOSE, number)
        elif kind == frames.OPENED:
            connection.answered.set()
        elif kind == frames.REFUSED:
            connection.refuse(bytes(frame.payload).decode("utf-8", "replace"))
        elif kind == frames.DATA:
            connection.receive(frame.payload, frame.seq)
        elif kind == frames.CLOSE:
            connection.end()


class SerialConnection:
    """One connection through the gateway, as the MQTT client's reader and writer alike:
    read(n), write, drain, close, wait_closed. CLOSE, RESET or the line's end read as EOF."""

    def __init__(self, link, number):
        self.link = link
        self.number = number
        self.answered = asyncio.Event()  # OPENED or REFUSED came
        self.refusal = None
        self.closed = False
        self._inbound = b""
        self._arrived = asyncio.Event()
        self._mark = 0  # send's number of this connection's last frame
        self._seq_out = 0  # the seq of our next DATA frame...
        self._seq_in = 0  # ...and of the gateway's

    async def read(self, n):
        while not self._inbound:
            if self.closed:
                return b""  # the end of the stream, as every transport says it
            self._arrived.clear()
            await self._arrived.wait()
        data = self._inbound[:n]
        self._inbound = self._inbound[n:]
        return data

    def write(self, data):
        if self.closed:
            raise OSError("the serial connection %d is closed" % self.number)
        self._mark, self._seq_out = self.link.send_data(self.number, bytes(data), self._seq_out)

    async def drain(self):
        await self.link.written(self._mark)
        if self.closed:
            raise OSError("the serial connection %d is closed" % self.number)

    def close(self):
        """Ours to end: the gateway is told, then the broker side closes."""
        if not self.closed:
            self.end()
            self.link.send(frames.CLOSE, self.number)

    async def wait_closed(self):
        pass

    def receive(self, payload, seq):
        # A gap: a frame was lost to line noise, and the bytes after it would be read as MQTT
        # packets they are not. Over the bound: the client has stopped reading. Either way
        # the connection ends; the broker sends again what the client did not acknowledge.
        if seq != self._seq_in or len(self._inbound) + len(payload) > self.link.inbound_limit:
            self.close()
            return
        self._seq_in = (seq + 1) & 0xFF
        self._inbound += bytes(payload)
        self._arrived.set()

    def refuse(self, reason):
        self.refusal = reason or "refused"
        self.answered.set()

    def end(self):
        """Over, whoever said so: a read waiting gets the end of the stream."""
        self.closed = True
        self._arrived.set()
        self.answered.set()
