"""Where a login attempt comes from (cloud/web/client_source.py): the socket's peer, unless a
trusted proxy vouches for X-Forwarded-For; an IPv6 client as its /64."""

import ipaddress

import pytest

from cloud.web.client_source import client_source

PROXIES = [ipaddress.ip_network("127.0.0.1"), ipaddress.ip_network("10.0.0.0/8")]


@pytest.mark.parametrize(
    "peer, forwarded, trusted, source",
    [
        ("203.0.113.7", None, [], "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", [], "203.0.113.7"),  # nobody vouches for the header
        ("203.0.113.7", "198.51.100.1", PROXIES, "203.0.113.7"),  # the peer is no trusted proxy
        ("127.0.0.1", "198.51.100.1", PROXIES, "198.51.100.1"),
        (
            "127.0.0.1",
            "6.6.6.6, 198.51.100.1",
            PROXIES,
            "198.51.100.1",
        ),  # the left is the client's say
        ("127.0.0.1", "198.51.100.1, 10.1.2.3", PROXIES, "198.51.100.1"),  # through two proxies
        ("127.0.0.1", "10.1.2.3", PROXIES, "10.1.2.3"),  # only proxies: the farthest
        ("127.0.0.1", "not an address", PROXIES, "127.0.0.1"),
        ("127.0.0.1", None, PROXIES, "127.0.0.1"),
        (
            "2001:db8:1:2:3:4:5:6",
            None,
            [],
            "2001:db8:1:2::/64",
        ),  # one subscriber's /64 is one source
        ("2001:db8:1:2:ffff::1", None, [], "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", None, [], "203.0.113.7"),
        ("testclient", None, [], "testclient"),
        (None, None, [], "unknown"),
    ],
)
def test_the_source_of_a_request(peer, forwarded, trusted, source):
    assert client_source(peer, forwarded, trusted) == source
