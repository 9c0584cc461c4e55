"""A real HTTP server on 127.0.0.1 that answers like Nominatim's `/search` for tests: it keeps
every request (path, query, headers) and answers each with the next (status, body, delay)
queued in `answers` (200 and an empty JSON list when none is queued)."""

from urllib.parse import parse_qs, urlsplit

from tests.support.scripted_http import ScriptedHandler, ScriptedServer


class _Nominatim(ScriptedHandler):
    content_type = "application/json"

    def do_GET(self):
        url = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        self.server.requests.append((url.path, query, dict(self.headers)))
        self.answer()


class Nominatim(ScriptedServer):
    def __init__(self):
        super().__init__(_Nominatim, default=(200, b"[]", 0))
