"""The gateway's serial port (pyserial), turned into asyncio: a thread reads the port and hands
each chunk to the event loop, another writes what the loop queued, and either one that fails
marks the port lost (a USB board unplugged, a cable pulled). pyserial's blocking calls stay in
the threads, so a slow line never stalls the broker connections."""

import asyncio
import queue
import threading

import serial

READ_TIMEOUT_S = 0.1  # how long a read waits: the reader thread sees a stop request this often


class SerialLine:
    def __init__(self, port, baud, on_data):
        """Open `port` at `baud` (SerialException if it cannot be); `on_data(bytes)` is called
        in the event loop for every chunk read."""
        self.port_name = port
        self._serial = serial.Serial(port, baud, timeout=READ_TIMEOUT_S, exclusive=True)
        self._on_data = on_data
        self._loop = asyncio.get_running_loop()
        self.lost = asyncio.Event()
        self.why_lost = None
        self._outgoing = queue.Queue()
        self._pending = 0  # bytes queued and not yet written, for backpressure
        self._pending_lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads = [
            threading.Thread(target=self._read, name="serial-read", daemon=True),
            threading.Thread(target=self._write, name="serial-write", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def send(self, data):
        with self._pending_lock:
            self._pending += len(data)
        self._outgoing.put(data)

    @property
    def pending(self):
        """Bytes queued for the line and not written yet."""
        return self._pending

    async def close(self):
        self._stopping.set()
        self._outgoing.put(None)
        await asyncio.to_thread(self._join)
        self._serial.close()

    def _join(self):
        for thread in self._threads:
            thread.join(timeout=2)

    def _read(self):
        try:
            while not self._stopping.is_set():
                data = self._serial.read(max(1, self._serial.in_waiting))
                if data:
                    self._loop.call_soon_threadsafe(self._on_data, data)
        except (serial.SerialException, OSError, TypeError) as error:
            self._fail(error)  # TypeError: pyserial's read on a port closed under it

    def _write(self):
        try:
            while not self._stopping.is_set():
                data = self._outgoing.get()
                if data is None:
                    return
                self._serial.write(data)
                with self._pending_lock:
                    self._pending -= len(data)
        except (serial.SerialException, OSError) as error:
            self._fail(error)

    def _fail(self, error):
        if not self._stopping.is_set():
            self._loop.call_soon_threadsafe(self._lose, error)

    def _lose(self, error):
        if not self.lost.is_set():
            self.why_lost = error
            self.lost.set()
