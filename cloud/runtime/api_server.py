"""The cloud API served by uvicorn in a thread, for the demo and the end-to-end tests."""

import threading
import time

import uvicorn


class ApiServer:
    def __init__(self, app, host="127.0.0.1", port=8000):
        self.host, self.port = host, port
        # proxy_headers off: uvicorn would believe X-Forwarded-For from 127.0.0.1; the app
        # decides whom to believe itself (Settings.trusted_proxies, cloud/api/client_source.py).
        self.server = uvicorn.Server(
            uvicorn.Config(
                app, host=host, port=port, log_level="warning", lifespan="on", proxy_headers=False
            )
        )
        self._thread = threading.Thread(target=self.server.run, name="api", daemon=True)

    @property
    def url(self):
        return "http://%s:%d" % (self.host, self.port)

    def start(self, timeout=15.0):
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the API server did not start on %s" % self.url)
            time.sleep(0.05)
        return self

    def stop(self):
        self.server.should_exit = True
        self._thread.join(timeout=10)
