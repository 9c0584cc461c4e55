"""An MQTT broker inside this process (amqtt), so the demo needs no system service."""

import asyncio
import logging
import threading

from amqtt.broker import Broker

log = logging.getLogger(__name__)


def _config(host, port):
    return {
        "listeners": {"default": {"type": "tcp", "bind": "%s:%d" % (host, port)}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }


class EmbeddedBroker:
    """Runs an amqtt broker on its own event loop in a daemon thread."""

    def __init__(self, host="127.0.0.1", port=1883):
        self.host, self.port = host, port
        self._loop = asyncio.new_event_loop()
        self._broker = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="broker", daemon=True)

    @property
    def url(self):
        return "mqtt://%s:%d" % (self.host, self.port)

    def start(self):
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(timeout=10)
        log.info("embedded MQTT broker on %s", self.url)
        return self

    async def _start(self):
        self._broker = Broker(_config(self.host, self.port), loop=self._loop)
        await self._broker.start()

    def stop(self):
        if self._broker is not None:
            asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
