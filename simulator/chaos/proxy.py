"""Each board's network: a TCP proxy on 127.0.0.1 between the board and the broker that the
harness can cut. Two kinds of cut:

- "reset": every connection of the board is aborted (RST both ways) and new ones are refused
  until the cut ends: the board's client sees its link drop, the broker fires the will.
- "blackhole": nothing flows any more either way and new connections hang; what was sent
  waits (as TCP retransmits would) and flows again when the cut ends, unless one side gave
  up meanwhile (keepalive), in which case the other side is closed then.
"""

import asyncio
import threading
import time


class _Link:
    def __init__(self, loop):
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.refuse_until = 0.0
        self.transports = set()
        self.server = None
        self.port = None


class NetworkProxy:
    def __init__(self, broker_port, host="127.0.0.1"):
        self.host, self.broker_port = host, broker_port
        self.loop = asyncio.new_event_loop()
        self._links = {}
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="chaos-proxy", daemon=True
        )

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        async def close_all():
            for link in self._links.values():
                link.server.close()
                for transport in list(link.transports):
                    transport.abort()

        asyncio.run_coroutine_threadsafe(close_all(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)

    def add(self, name):
        """Listen for board `name`; the URL its MQTT client connects to."""
        link = _Link(self.loop)

        async def listen():
            link.server = await asyncio.start_server(
                lambda r, w: self._serve(link, r, w), self.host, 0
            )
            link.port = link.server.sockets[0].getsockname()[1]

        asyncio.run_coroutine_threadsafe(listen(), self.loop).result(10)
        self._links[name] = link
        return "mqtt://%s:%d" % (self.host, link.port)

    def cut(self, name, mode):
        """Cut board `name`'s network until heal(name)."""
        link = self._links[name]

        def do():
            if mode == "reset":
                link.refuse_until = float("inf")
                for transport in list(link.transports):
                    transport.abort()
            else:
                link.flowing.clear()

        self.loop.call_soon_threadsafe(do)

    def heal(self, name):
        link = self._links[name]

        def do():
            link.refuse_until = 0.0
            link.flowing.set()

        self.loop.call_soon_threadsafe(do)

    def sever(self, name):
        """Abort board `name`'s open connections now (no FIN, no DISCONNECT): its power died."""
        link = self._links[name]
        self.loop.call_soon_threadsafe(lambda: [t.abort() for t in list(link.transports)])

    def is_cut(self, name):
        link = self._links[name]
        return link.refuse_until > time.monotonic() or not link.flowing.is_set()

    async def _serve(self, link, client_reader, client_writer):
        if link.refuse_until > time.monotonic():
            client_writer.transport.abort()
            return
        link.transports.add(client_writer.transport)
        try:
            await link.flowing.wait()  # a blackholed link: the SYN goes nowhere (yet)
            if link.refuse_until > time.monotonic() or client_writer.transport.is_closing():
                return
            try:
                broker_reader, broker_writer = await asyncio.open_connection(
                    self.host, self.broker_port
                )
            except OSError:
                return  # broker down: the board sees its connection closed
            link.transports.add(broker_writer.transport)
            try:
                await asyncio.gather(
                    self._pump(link, client_reader, broker_writer),
                    self._pump(link, broker_reader, client_writer),
                )
            finally:
                link.transports.discard(broker_writer.transport)
                broker_writer.transport.abort()
        finally:
            link.transports.discard(client_writer.transport)
            client_writer.transport.abort()

    async def _pump(self, link, reader, writer):
        try:
            while True:
                data = await reader.read(65536)
                await link.flowing.wait()
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            writer.transport.abort()
