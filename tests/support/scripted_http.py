"""A real HTTP server on 127.0.0.1 for tests that stands in for an outside service (an SMS
gateway, a geocoder): it keeps every request it is sent and answers each with the next
(status, body, delay) queued in `answers`, or its `default` when none is queued."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedHandler(BaseHTTPRequestHandler):
    content_type: str | None = None

    def answer(self) -> None:
        """Send the next queued answer, after its delay."""
        answers = self.server.answers
        status, body, delay = answers.pop(0) if answers else self.server.default
        time.sleep(delay)
        self.send_response(status)
        if self.content_type:
            self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass

    def log_message(self, *args):
        pass


class ScriptedServer:
    def __init__(self, handler: type[ScriptedHandler], default: tuple, path: str = ""):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.requests, self.server.answers = [], []
        self.server.default = default
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def requests(self) -> list:
        return self.server.requests

    @property
    def answers(self) -> list:
        return self.server.answers

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
