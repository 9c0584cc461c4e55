"""A real HTTP server on 127.0.0.1 that answers like Nominatim's `/search` for tests: it keeps
every request (path, query, headers) and answers each with the next (status, body, delay)
queued in `answers` (200 and an empty JSON list when none is queued)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Nominatim(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        self.server.requests.append((url.path, query, dict(self.headers)))
        answers = self.server.answers
        status, answer, delay = answers.pop(0) if answers else (200, b"[]", 0)
        time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        try:
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass

    def log_message(self, *args):
        pass


class Nominatim:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Nominatim)
        self.server.requests, self.server.answers = [], []
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def requests(self):
        return self.server.requests

    @property
    def answers(self):
        return self.server.answers

    def close(self):
        self.server.shutdown()
        self.server.server_close()
