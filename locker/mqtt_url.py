"""Broker URLs as the CLI and the environment give them: mqtt://host:port."""
from urllib.parse import urlparse


def broker_address(url):
    """(host, port) from 'mqtt://host:port' (or 'host:port')."""
    parsed = urlparse(url if "://" in url else "mqtt://" + url)
    if parsed.scheme not in ("mqtt", "tcp"):
        raise ValueError("unsupported broker URL %r (use mqtt://host:port)" % url)
    return parsed.hostname or "127.0.0.1", parsed.port or 1883
