"""`locker gateway`: a wired board's MQTT connection, relayed between its serial line and the
broker. The gateway does not speak MQTT: for each OPEN frame from the board it opens a TCP (or
TLS, with the board's own certificate) connection to the broker and relays the bytes in DATA
frames both ways (protocol/serial_frames.py). Signatures, sequence numbers, QoS 1 acks, the will
and the session stay end to end, so a gateway killed with -9 loses nothing: the board's journal
holds every event until the cloud acknowledges it, and the board connects again through the
gateway once it is back (its first frame, RESET, tells the board the old connection is over).

The broker gone: CLOSE to the board, which reconnects with its own backoff. The serial port
gone: every broker connection closed, the port opened again with backoff."""

import asyncio
import logging
import ssl

import serial

from fleet.serial_line import SerialLine
from protocol import serial_frames as frames
from protocol.broker_url import parse

log = logging.getLogger("locker.gateway")


class Gateway:
    reopen_min_s = 0.5  # the pause before opening a lost serial port again; doubles...
    reopen_max_s = 10  # ...up to this
    connect_timeout_s = 10  # to the broker, TLS handshake included
    line_backlog = 8192  # bytes queued for the serial line before a broker read waits

    def __init__(self, port, broker_url, *, baud=115200, tls=None, server_name=None):
        """`tls`: an SSLContext with the board's certificate, for an mqtts:// URL."""
        scheme, self.host, self.port_number = parse(broker_url)
        if tls is None and scheme not in ("mqtt", "tcp"):
            raise ValueError("%s is TLS: give --identity provisioned/LOCKER_ID" % broker_url)
        if tls is not None and scheme in ("mqtt", "tcp"):
            raise ValueError("%s is plain TCP: --identity is for mqtts:// only" % broker_url)
        self.port, self.baud = port, baud
        self.tls, self.server_name = tls, server_name or self.host
        self.line = None
        self._decoder = frames.FrameDecoder()
        self._connections = {}  # connection number -> its task (connecting, then relaying)
        self._writers = {}  # connection number -> the broker stream, once connected
        self._seq_in = {}  # connection number -> the seq the board's next DATA frame must have
        self._stopping = asyncio.Event()

    async def run(self):
        """Serve the port until stop(), opening it again whenever it is lost. The first open
        must work (SerialException otherwise): a wrong name is an error, not a wait."""
        delay = 0
        opened = False
        while not self._stopping.is_set():
            if delay and await _sleep_unless(self._stopping, delay):
                break
            try:
                self.line = SerialLine(self.port, self.baud, self._take)
                opened = True
            except (serial.SerialException, OSError) as error:
                if not opened:
                    raise serial.SerialException(
                        "cannot open serial port %s: %s" % (self.port, error)
                    )
                delay = min(max(2 * delay, self.reopen_min_s), self.reopen_max_s)
                log.warning("serial port %s: %s; trying again in %.1f s", self.port, error, delay)
                continue
            delay = self.reopen_min_s
            await self._serve()

    def stop(self):
        self._stopping.set()

    async def _serve(self):
        log.info("serial port %s open at %d baud", self.port, self.baud)
        self._decoder = frames.FrameDecoder()
        self._send(frames.RESET, 0)  # the board drops any connection from before we started
        stopping = asyncio.ensure_future(self._stopping.wait())
        lost = asyncio.ensure_future(self.line.lost.wait())
        await asyncio.wait([stopping, lost], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        lost.cancel()
        if self.line.lost.is_set():
            log.warning("serial port %s lost: %s", self.port, self.line.why_lost)
        for number in list(self._connections):
            self._drop(number)
        await self.line.close()

    # --- frames from the board ------------------------------------------------------------
    def _take(self, data):
        for frame in self._decoder.feed(data):
            kind, number = frame.kind, frame.connection
            if kind == frames.OPEN:
                self._drop(number)  # an OPEN again: the board gave up on the last one
                self._connections[number] = asyncio.ensure_future(self._relay(number))
            elif kind == frames.DATA:
                self._to_broker(number, frame)
            elif kind == frames.CLOSE:
                if number in self._connections:
                    log.info("board closed connection %d", number)
                self._drop(number)

    def _to_broker(self, number, frame):
        writer = self._writers.get(number)
        if writer is None:  # a connection we do not have (any more): the board must forget it
            self._send(frames.CLOSE, number)
            return
        if frame.seq != self._seq_in[number]:  # a frame lost to noise: the stream is broken
            log.warning("connection %d: a frame from the board was lost; closing it", number)
            self._drop(number)
            self._send(frames.CLOSE, number)
            return
        self._seq_in[number] = (frame.seq + 1) & 0xFF
        writer.write(frame.payload)

    def _drop(self, number):
        task = self._connections.pop(number, None)
        writer = self._writers.pop(number, None)
        self._seq_in.pop(number, None)
        if task is not None:
            task.cancel()
        if writer is not None:
            writer.close()

    # --- one broker connection ------------------------------------------------------------
    async def _relay(self, number):
        try:
            reader, writer = await asyncio.wait_for(self._open_broker(), self.connect_timeout_s)
        except (OSError, asyncio.TimeoutError, ssl.SSLError) as error:
            why = str(error) or type(error).__name__
            log.warning("connection %d: broker %s:%d refused: %s", number, *self._where(), why)
            self._connections.pop(number, None)
            self._send(frames.REFUSED, number, why.encode()[:200])
            return
        self._writers[number] = writer
        self._seq_in[number] = 0
        self._send(frames.OPENED, number)
        log.info("connection %d: connected to the broker at %s:%d", number, *self._where())
        try:
            await self._broker_to_board(number, reader)
        except (OSError, ssl.SSLError) as error:
            log.warning("connection %d: broker connection failed: %s", number, error)
        if self._connections.get(number) is asyncio.current_task():
            log.info("connection %d: the broker closed it", number)
            self._connections.pop(number)
            self._drop(number)
            self._send(frames.CLOSE, number)

    async def _broker_to_board(self, number, reader):
        seq = 0
        while True:
            data = await reader.read(frames.MAX_PAYLOAD)
            if not data:
                return
            encoded, seq = frames.encode_data(number, data, seq)
            self.line.send(encoded)
            while self.line.pending > self.line_backlog:  # the line is slower than the broker
                await asyncio.sleep(0.01)

    async def _open_broker(self):
        if self.tls is None:
            return await asyncio.open_connection(self.host, self.port_number)
        return await asyncio.open_connection(
            self.host, self.port_number, ssl=self.tls, server_hostname=self.server_name
        )

    def _where(self):
        return self.host, self.port_number

    def _send(self, kind, number, payload=b""):
        self.line.send(frames.encode(kind, number, payload))


def board_tls(identity_folder):
    """The SSL context of a provisioned board (`locker provision`'s folder): its certificate
    and key, and the fleet CA for the broker's. IdentityError for an incomplete folder."""
    from fleet.board_identity import PROVISIONED, read_identity

    read_identity(identity_folder)  # checks the files are there and belong together
    files = {name: "%s/%s" % (identity_folder, file) for name, file in PROVISIONED.items()}
    context = ssl.create_default_context(cafile=files["ca"])
    context.load_cert_chain(files["client"], files["client_key"])
    return context


async def _sleep_unless(event, seconds):
    """Sleep `seconds` unless `event` comes first; True if it did."""
    try:
        await asyncio.wait_for(event.wait(), seconds)
        return True
    except asyncio.TimeoutError:
        return False


def run_gateway(port, broker_url, *, baud=115200, identity=None, server_name=None):
    """What `locker gateway` runs: until SIGINT/SIGTERM."""
    tls = board_tls(identity) if identity else None
    gateway = Gateway(port, broker_url, baud=baud, tls=tls, server_name=server_name)
    try:
        asyncio.run(_serve_until_signal(gateway))
    except serial.SerialException as error:
        raise SystemExit("locker gateway: %s" % error) from None


async def _serve_until_signal(gateway):
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, gateway.stop)
    await gateway.run()
