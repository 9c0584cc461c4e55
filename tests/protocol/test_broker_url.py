"""Broker URLs read without urllib give what urllib gives, and refuse what is not a broker's."""

from urllib.parse import urlparse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol.broker_url import broker_address, is_tls, tls_broker_address


@pytest.mark.parametrize(
    "url, expected",
    [
        ("mqtt://broker.example:1884", ("broker.example", 1884)),
        ("mqtts://Broker.Example", ("broker.example", 8883)),
        ("tcp://10.0.0.1", ("10.0.0.1", 1883)),
        ("127.0.0.1:1999", ("127.0.0.1", 1999)),
        ("mqtt://user:secret@host:1885/path?x=1", ("host", 1885)),
        ("mqtt://[::1]:1886", ("::1", 1886)),
        ("mqtt://", ("127.0.0.1", 1883)),
    ],
)
def test_host_and_port(url, expected):
    assert broker_address(url) == expected


@pytest.mark.parametrize(
    "url", ["http://host:80", "mqtt://host:port", "mqtt://host:70000", "mqtt://host:0", "ws://host"]
)
def test_what_is_not_a_broker_is_refused(url):
    with pytest.raises(ValueError):
        broker_address(url)


def test_a_board_with_an_identity_needs_tls():
    assert tls_broker_address("host:9000") == ("host", 9000)
    assert tls_broker_address("mqtts://host") == ("host", 8883)
    with pytest.raises(ValueError, match="speaks TLS"):
        tls_broker_address("mqtt://host:1883")
    assert (
        is_tls("mqtts://h") and is_tls("SSL://h") and not is_tls("mqtt://h") and not is_tls("h:1")
    )


@given(
    host=st.from_regex(r"[a-zA-Z][a-zA-Z0-9.-]{0,20}", fullmatch=True),
    port=st.integers(1, 65535),
    scheme=st.sampled_from(["mqtt", "mqtts", "tcp", "ssl", "tls"]),
)
def test_agrees_with_urllib(host, port, scheme):
    parsed = urlparse("%s://%s:%d" % (scheme, host, port))
    assert broker_address("%s://%s:%d" % (scheme, host, port)) == (parsed.hostname, parsed.port)
