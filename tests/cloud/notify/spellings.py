"""Hypothesis strategies for the many ways to write one IP address in a URL's host."""

import ipaddress

from hypothesis import strategies as st

INTERNAL_V4 = [
    ipaddress.IPv4Network(cidr)
    for cidr in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "0.0.0.0/8",
        "100.64.0.0/10",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
]
INTERNAL_V6 = [ipaddress.IPv6Network(cidr) for cidr in ("fe80::/10", "fc00::/7", "ff00::/8")]


def _in(network) -> st.SearchStrategy:
    return st.integers(0, network.num_addresses - 1).map(lambda offset: network[offset])


internal_ipv4 = st.sampled_from(INTERNAL_V4).flatmap(_in)
internal_ipv6 = st.sampled_from(INTERNAL_V6).flatmap(_in)
any_ipv4 = st.integers(0, 2**32 - 1).map(ipaddress.IPv4Address)


@st.composite
def _number(draw, value: int) -> str:
    """`value` in decimal, octal (leading 0) or hex (0x, either case), with leading zeros."""
    style = draw(st.sampled_from(["decimal", "octal", "hex"]))
    if style == "decimal" or (style == "octal" and value == 0):
        return str(value) if style == "decimal" else "0" * draw(st.integers(1, 3))
    zeros = "0" * draw(st.integers(0, 3))
    if style == "octal":
        return "0" + zeros + format(value, "o")
    digits = format(value, draw(st.sampled_from(["x", "X"])))
    return draw(st.sampled_from(["0x", "0X"])) + zeros + digits


@st.composite
def ipv4_spelling(draw, address: ipaddress.IPv4Address) -> str:
    """`address` as inet_aton reads it: 1 to 4 parts, the last one filling the rest."""
    number, parts = int(address), draw(st.integers(1, 4))
    head = [(number >> (24 - 8 * index)) & 0xFF for index in range(parts - 1)]
    last = number & ((1 << (8 * (5 - parts))) - 1)
    return ".".join(draw(_number(value)) for value in head + [last])


@st.composite
def ipv6_carrying(draw, address: ipaddress.IPv4Address) -> str:
    """An IPv6 address that carries `address`: mapped, NAT64, 6to4 or IPv4-compatible."""
    packed = int(address)
    form = draw(st.sampled_from(["mapped", "mapped-dotted", "nat64", "6to4", "compatible"]))
    if form == "mapped-dotted":
        return f"::ffff:{address}"
    base = {
        "mapped": 0xFFFF << 32,
        "nat64": 0x64FF9B << 96,
        "compatible": 0,
        "6to4": (0x2002 << 112) | (packed << 80),
    }[form]
    low = 0 if form == "6to4" else packed
    return str(ipaddress.IPv6Address(base | low))
