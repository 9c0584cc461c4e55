"""Broker URLs as the CLI and the environment give them: mqtt://host:port or mqtts://host:port."""
from urllib.parse import urlparse

_PLAIN, _TLS = ("mqtt", "tcp"), ("mqtts", "ssl", "tls")


def broker_address(url):
    """(host, port) from 'mqtt://host:port', 'mqtts://host:port' (or 'host:port')."""
    parsed = urlparse(url if "://" in url else "mqtt://" + url)
    if parsed.scheme not in _PLAIN + _TLS:
        raise ValueError("unsupported broker URL %r (use mqtt://host:port or mqtts://host:port)" % url)
    return parsed.hostname or "127.0.0.1", parsed.port or (8883 if parsed.scheme in _TLS else 1883)


def is_tls(url):
    """Whether the URL asks for TLS (mqtts://)."""
    return "://" in url and url.split("://", 1)[0] in _TLS
