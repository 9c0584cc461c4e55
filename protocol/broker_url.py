"""Broker URLs as an installer, the CLI and the environment give them: mqtt://host:port (plain
TCP, port 1883) or mqtts://host:port (TLS, port 8883); 'host:port' alone takes the default scheme.

Written without urllib, which MicroPython lacks, so the board reads a URL as the cloud does.
"""

PLAIN_SCHEMES = ("mqtt", "tcp")
TLS_SCHEMES = ("mqtts", "ssl", "tls")
DEFAULT_HOST = "127.0.0.1"


def parse(url, default_scheme="mqtt"):
    """(scheme, host, port) of `url`; ValueError for a scheme or port that is not a broker's."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = default_scheme, url
    scheme = scheme.lower()
    if scheme not in PLAIN_SCHEMES + TLS_SCHEMES:
        raise ValueError(
            "unsupported broker URL %r (use mqtt://host:port or mqtts://host:port)" % url
        )
    host, port = _host_port(rest, url)
    return scheme, host or DEFAULT_HOST, port or (8883 if scheme in TLS_SCHEMES else 1883)


def _host_port(rest, url):
    for end in "/?#":
        rest = rest.split(end, 1)[0]
    netloc = rest.rpartition("@")[2]  # user:password@ is the broker's business, not ours
    if netloc.startswith("["):  # [::1]:1883
        host, _, after = netloc[1:].partition("]")
        port = after[1:] if after.startswith(":") else ""
    else:
        host, _, port = netloc.partition(":")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise ValueError("bad port in broker URL %r" % url)
    return host.lower(), int(port) if port else None


def broker_address(url):
    """(host, port) from 'mqtt://host:port', 'mqtts://host:port' (or 'host:port')."""
    return parse(url)[1:]


def tls_broker_address(url):
    """(host, port) from 'mqtts://host:port' or 'host:port'; refused unless it speaks TLS."""
    scheme, host, port = parse(url, default_scheme="mqtts")
    if scheme not in TLS_SCHEMES:
        raise ValueError(
            "a board with an identity speaks TLS: give --broker mqtts://host:port, not %r" % url
        )
    return host, port


def is_tls(url):
    """Whether the URL asks for TLS (mqtts://)."""
    return "://" in url and url.split("://", 1)[0].lower() in TLS_SCHEMES
