"""Where a request comes from, as login throttling counts it (cloud/services/login_throttle.py).

The socket's peer, unless that peer is one of Settings.trusted_proxies: then the nearest address
in X-Forwarded-For that is not a trusted proxy (the one the trusted chain received the request
from; those further left are whatever the client chose to write). An IPv6 client counts as its
/64, which one subscriber usually holds whole, so stepping through it does not make new sources.
"""

import ipaddress
from collections.abc import Sequence

from cloud.models.login import SOURCE_LENGTH, UNKNOWN_SOURCE

IPv6_SUBSCRIBER_PREFIX = 64
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_source(peer: str | None, forwarded_for: str | None, trusted: Sequence[Network]) -> str:
    """The address to count a login attempt against, as text."""
    if not peer:
        return UNKNOWN_SOURCE
    address = _address(peer)
    if address is None:
        return peer[:SOURCE_LENGTH]  # not an address (a test client's name): itself
    if forwarded_for and _trusted(address, trusted):
        address = _nearest_untrusted(address, forwarded_for.split(","), trusted)
    return _counted(address)


def _nearest_untrusted(proxy, hops: list[str], trusted: Sequence[Network]):
    """Walk X-Forwarded-For from the right: the first hop no trusted proxy vouches for."""
    for hop in reversed(hops):
        address = _address(hop.strip())
        if address is None:
            return proxy  # garbage in the chain: count it against the proxy that passed it on
        if not _trusted(address, trusted):
            return address
        proxy = address
    return proxy


def _counted(address) -> str:
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is 192.0.2.1
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/{IPv6_SUBSCRIBER_PREFIX}", strict=False))


def _address(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, trusted: Sequence[Network]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)
