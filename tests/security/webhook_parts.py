"""Real parts for the webhook SSRF tests: a resolver whose answers a test changes (DNS under an
attacker's control), and HTTP(S) receivers on 127.0.0.1 that keep every request they get."""

import ipaddress
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HostsTable:
    """A resolver over a table of names, like /etc/hosts, that a test may change between two
    lookups (as an attacker changes its DNS); other names go to `fallback` (the system's), or
    do not resolve."""

    def __init__(self, names: dict[str, str], fallback=None):
        self.fallback, self.table, self.lookups = fallback, {}, []
        for name, address in names.items():
            self.point(name, address)

    def point(self, name: str, *addresses: str) -> None:
        self.table[name] = [ipaddress.ip_address(address) for address in addresses]

    def resolve(self, host: str, port: int) -> list:
        self.lookups.append(host)
        if host in self.table:
            return list(self.table[host])
        if self.fallback is not None:
            return self.fallback.resolve(host, port)
        raise socket.gaierror(socket.EAI_NONAME, f"{host} is not in the table")


class Receiver(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that keeps every request and answers `status` (with a
    Location header when `location` is set: a redirect)."""

    def __init__(self, status=200, location=None, tls: ssl.SSLContext | None = None):
        super().__init__(("127.0.0.1", 0), _Keep)
        self.status, self.location, self.requests = status, location, []
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.connections = 0

    @property
    def port(self) -> int:
        return self.server_address[1]

    def get_request(self):
        self.connections += 1  # every TCP connection accepted, whatever follows
        return super().get_request()

    def start(self) -> "Receiver":
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _Keep(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append((self.path, dict(self.headers), body))
        self.send_response(self.server.status)
        if self.server.location:
            self.send_header("Location", self.server.location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args):
        pass
