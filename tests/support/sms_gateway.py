"""A real HTTP SMS gateway on 127.0.0.1 for tests: it keeps every POST and answers each with
the next (status, body, delay) queued in `answers` (200 and no body when none is queued)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Gateway(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append((dict(self.headers), json.loads(body)))
        status, answer, delay = self.server.answers.pop(0) if self.server.answers else (200, b"", 0)
        time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        try:
            self.wfile.write(answer)
        except BrokenPipeError:  # the client gave up waiting (a timeout test)
            pass

    def log_message(self, *args):
        pass


class SmsGateway:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
        self.server.posts, self.server.answers = [], []
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def posts(self):
        return self.server.posts

    @property
    def answers(self):
        return self.server.answers

    def close(self):
        self.server.shutdown()
        self.server.server_close()
