"""A real HTTP SMS gateway on 127.0.0.1 for tests: it keeps every POST (headers, JSON body) in
`posts` and answers each with the next (status, body, delay) queued in `answers` (200 and no
body when none is queued)."""

import json

from tests.support.scripted_http import ScriptedHandler, ScriptedServer


class _Gateway(ScriptedHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((dict(self.headers), json.loads(body)))
        self.answer()


class SmsGateway(ScriptedServer):
    def __init__(self):
        super().__init__(_Gateway, default=(200, b"", 0), path="/sms")

    @property
    def posts(self) -> list:
        return self.requests
