"""Which IP addresses an outbound request may reach, and what address a URL's host spells.

Pure functions over `ipaddress`: no sockets, no DNS. `cloud/notify/targets.py` applies them to a
webhook's URL and to every address its host resolves to.

A host is read the way the C library reads it (inet_aton, which getaddrinfo uses for numeric
hosts): `2130706433`, `0x7f000001`, `0177.0.0.1` and `127.1` are all 127.0.0.1. Reading them
ourselves, instead of leaving them to the resolver, makes the answer the same on every platform
and refuses a host that looks like a number but is not a valid one (`127.0.0.1.1`, `999.1.1.1`).
"""

import ipaddress
import re

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_PART = re.compile(r"0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*")  # hex, octal, decimal (inet_aton)
_NUMBER_LABEL = re.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")  # WHATWG's "ends in a number"

# Where ipaddress's flags are not enough (Python 3.11): these IPv6 ranges carry an IPv4 address
# that a gateway or the kernel may turn back into IPv4, yet `is_global` calls some of them global
# (64:ff9b::7f00:1, 2002:7f00:1::, ::7f00:1). The embedded IPv4 address is what gets checked.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated ::a.b.c.d, and :: and ::1
# :: and ::1 lie in ::/96 but are themselves: unspecified and loopback
_NO_IPV4_INSIDE = (ipaddress.IPv6Address("::"), ipaddress.IPv6Address("::1"))
_SHARED_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")  # RFC 6598: the carrier's own network

LOOPBACK, PRIVATE, LINK_LOCAL, MULTICAST = "loopback", "private", "link-local", "multicast"
UNSPECIFIED, RESERVED, SHARED = "unspecified", "reserved", "shared (CGNAT)"
NOT_GLOBAL = "non-global"


def ipv4_literal(text: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address `text` spells as inet_aton reads it (1 to 4 parts, each decimal, 0x-hex
    or 0-octal; the last part fills the remaining bytes), or None if it spells none."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or not all(_PART.fullmatch(part) for part in parts):
        return None
    values = [_part_value(part) for part in parts]
    last_bits = 8 * (5 - len(values))
    if any(value > 255 for value in values[:-1]) or values[-1] >= 1 << last_bits:
        return None
    number = values[-1]
    for index, value in enumerate(values[:-1]):
        number |= value << (24 - 8 * index)
    return ipaddress.IPv4Address(number)


def _part_value(part: str) -> int:
    if part[:2] in ("0x", "0X"):
        return int(part[2:], 16)
    if len(part) > 1 and part[0] == "0":
        return int(part, 8)
    return int(part)


def literal_address(host: str) -> IPAddress | None:
    """The address a URL's host (as httpx gives it: IPv6 without brackets) is, or None for a
    name to resolve. Raises ValueError for a host that is neither: an IPv6 address with a zone
    (`fe80::1%eth0`), or one that ends in a number but spells no IPv4 address."""
    if ":" in host:
        if "%" in host:
            raise ValueError(f"{host!r} has an IPv6 zone")
        return ipaddress.IPv6Address(host)
    bare = host[:-1] if host.endswith(".") else host  # "127.0.0.1." is still 127.0.0.1
    if not _NUMBER_LABEL.fullmatch(bare.rsplit(".", 1)[-1]):
        return None
    address = ipv4_literal(bare)
    if address is None:
        raise ValueError(f"{host!r} looks like an IPv4 address but is not one")
    return address


def why_not_public(address: IPAddress) -> str | None:
    """Why `address` is no place for a request from the cloud (loopback, private, ...), or None
    if it is a public unicast address. An IPv6 address that carries an IPv4 one (mapped, NAT64,
    6to4) is judged by the IPv4 one; the deprecated IPv4-compatible form is always refused."""
    if address.version == 6 and address not in _NO_IPV4_INSIDE:
        inner = _embedded_ipv4(address)
        if address in _IPV4_COMPATIBLE:
            return why_not_public(inner) or RESERVED
        if inner is not None:
            return why_not_public(inner)
    return _kind(address)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64 or address in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def _kind(address: IPAddress) -> str | None:
    # The order matters only for the word in the message: every listed kind is refused.
    for kind, flag in (
        (UNSPECIFIED, address.is_unspecified),
        (LOOPBACK, address.is_loopback),
        (LINK_LOCAL, address.is_link_local),
        (MULTICAST, address.is_multicast),
        (SHARED, address in _SHARED_CGNAT),
        (RESERVED, address.is_reserved or _site_local(address)),
        (PRIVATE, address.is_private),
    ):
        if flag:
            return kind
    # is_global is False for the rest of IANA's special-purpose ranges (documentation, 6to4
    # relays, ...); multicast is checked above because is_global says True for 224.0.0.1.
    return None if address.is_global else NOT_GLOBAL


def _site_local(address: IPAddress) -> bool:
    return address.version == 6 and address.is_site_local  # fec0::/10: deprecated, still private
