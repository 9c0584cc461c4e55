"""How a URL's host is read as an address, and which addresses count as public."""

import ipaddress
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloud.notify.addresses import ipv4_literal, literal_address, why_not_public
from tests.cloud.notify.spellings import (
    any_ipv4,
    internal_ipv4,
    internal_ipv6,
    ipv4_spelling,
    ipv6_carrying,
)

PROPERTY = settings(max_examples=300, deadline=None)


@PROPERTY
@given(st.data(), any_ipv4)
def test_every_inet_aton_spelling_is_read_as_the_c_library_reads_it(data, address):
    spelling = data.draw(ipv4_spelling(address))
    assert ipv4_literal(spelling) == address == literal_address(spelling)
    assert socket.inet_aton(spelling) == address.packed  # the C library agrees


@PROPERTY
@given(st.text(alphabet="0123456789abcdefxX.", min_size=1, max_size=24))
def test_a_host_the_c_library_reads_as_an_address_is_never_taken_for_a_name(text):
    try:
        packed = socket.inet_aton(text)
    except OSError:
        packed = None
    try:
        read = literal_address(text)
    except ValueError:
        return  # refused outright: stricter than the C library is safe
    if packed is not None and not text.endswith("."):
        assert read == ipaddress.IPv4Address(packed)
    if ipv4_literal(text) is not None:
        assert packed == ipv4_literal(text).packed


@PROPERTY
@given(st.data(), internal_ipv4)
def test_internal_ipv4_addresses_are_not_public_however_written(data, address):
    assert why_not_public(literal_address(data.draw(ipv4_spelling(address)))) is not None
    assert why_not_public(literal_address(data.draw(ipv6_carrying(address)))) is not None


@PROPERTY
@given(internal_ipv6)
def test_internal_ipv6_addresses_are_not_public(address):
    assert why_not_public(address) is not None


@pytest.mark.parametrize(
    "host, kind",
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("10.1.2.3", "private"),
        ("fd00::1", "private"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("100.64.0.1", "shared (CGNAT)"),
        ("240.0.0.1", "reserved"),
        ("fec0::1", "reserved"),
        ("::8.8.8.8", "reserved"),
        ("192.0.2.1", "private"),
        ("255.255.255.255", "reserved"),
        ("64:ff9b::a9fe:a9fe", "link-local"),
        ("2002:a00:1::", "private"),
    ],
)
def test_what_is_not_public_and_why(host, kind):
    assert why_not_public(literal_address(host)) == kind


@pytest.mark.parametrize(
    "host",
    [
        "8.8.8.8",
        "134744072",
        "0x8080808",
        "2606:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::",
    ],
)
def test_public_addresses_are_public_however_written(host):
    assert why_not_public(literal_address(host)) is None


@pytest.mark.parametrize(
    "host",
    [
        "999.1.1.1",
        "1.2.3.4.5",
        "08.1.1.1",
        "0x",
        "1.0x",
        "4294967296",
        "fe80::1%eth0",
        "127.0.0.1.1",
    ],
)
def test_a_host_that_looks_like_an_address_but_is_none_is_refused(host):
    with pytest.raises(ValueError):
        literal_address(host)


@pytest.mark.parametrize(
    "host", ["example.com", "hooks.carrier.test", "0x.example", "1.example", "1.2.3.0x1g"]
)
def test_names_are_left_to_the_resolver(host):
    assert literal_address(host) is None
