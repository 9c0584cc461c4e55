"""The guarded client: TLS still checks the certificate against the URL's host name (the
connection goes to a checked address, the name stays the name), the socket's peer is checked,
and no proxy from the environment connects in our place."""

import ssl

import httpcore
import httpx
import pytest

from cloud.notify import Outgoing
from cloud.notify.guarded_http import GuardedBackend, GuardedTransport
from cloud.notify.targets import RefusedTarget, TargetPolicy
from cloud.notify.webhooks import WebhookPoster
from fleet.pki import FleetCA
from tests.security.webhook_parts import HostsTable, Receiver

ON_PREMISE = TargetPolicy(https_only=True, private_hosts=frozenset({"hooks.onprem.test"}))


def hook(url: str) -> Outgoing:
    return Outgoing(
        key="parcel.cancelled:1",
        channel="webhook",
        recipient="DHL",
        text="{}",
        webhook_url=url,
        webhook_secret="whsec_test",
    )


@pytest.fixture
def servers():
    started = []
    yield started
    for server in started:
        server.stop()


def tls_receiver(tmp_path, servers, certificate_for: str):
    """An https receiver on 127.0.0.1 whose certificate names `certificate_for`; the names
    clients asked for (SNI) are kept in `.server_names`."""
    ca = FleetCA(tmp_path / "ca").create()
    ca.server_certificate(tmp_path / "server", host=certificate_for)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "server" / "server.crt", tmp_path / "server" / "server.key")
    server_names = []
    context.sni_callback = lambda _socket, name, _context: server_names.append(name)
    server = Receiver(tls=context).start()
    server.server_names = server_names
    servers.append(server)
    return server, ssl.create_default_context(cafile=str(ca.cert_path))


def test_tls_is_verified_against_the_host_name_not_the_address(tmp_path, servers):
    server, trust = tls_receiver(tmp_path, servers, "hooks.onprem.test")
    poster = WebhookPoster(ON_PREMISE, HostsTable({"hooks.onprem.test": "127.0.0.1"}), verify=trust)
    poster.post(hook(f"https://hooks.onprem.test:{server.port}/h"))
    [(path, headers, _body)] = server.requests
    assert server.server_names == ["hooks.onprem.test"]  # SNI: the name
    assert headers["Host"] == f"hooks.onprem.test:{server.port}"


def test_a_certificate_for_another_name_is_refused(tmp_path, servers):
    server, trust = tls_receiver(tmp_path, servers, "other.test")
    poster = WebhookPoster(ON_PREMISE, HostsTable({"hooks.onprem.test": "127.0.0.1"}), verify=trust)
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        poster.post(hook(f"https://hooks.onprem.test:{server.port}/h"))
    assert server.requests == []


class Misdirected(httpcore.SyncBackend):
    """A socket layer that connects somewhere else than asked (to 127.0.0.1:`port`)."""

    def __init__(self, port: int):
        self.port = port

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return super().connect_tcp("127.0.0.1", self.port, timeout=timeout)


def test_the_address_actually_connected_to_is_checked(servers):
    server = Receiver().start()
    servers.append(server)
    dns = HostsTable({"hooks.carrier.test": "93.184.215.14"})  # checked, public; never reached
    backend = GuardedBackend(TargetPolicy(https_only=False), dns, inner=Misdirected(server.port))
    with httpx.Client(transport=GuardedTransport(backend)) as client:
        with pytest.raises(RefusedTarget, match="127.0.0.1"):
            client.post("http://hooks.carrier.test/h", content=b"{}")
    assert server.requests == []


def test_no_proxy_from_the_environment_is_used(servers, monkeypatch):
    target, proxy = Receiver().start(), Receiver().start()
    servers.extend([target, proxy])
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{proxy.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    policy = TargetPolicy(https_only=False, private_hosts=frozenset({"hooks.onprem.test"}))
    WebhookPoster(policy, HostsTable({"hooks.onprem.test": "127.0.0.1"})).post(
        hook(f"http://hooks.onprem.test:{target.port}/h")
    )
    assert len(target.requests) == 1 and proxy.connections == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.onprem.test/h",
        "ftp://hooks.onprem.test/h",
        "https://user:pw@hooks.onprem.test/h",
    ],
)
def test_a_stored_url_the_policy_refuses_is_not_posted(url):
    dns = HostsTable({"hooks.onprem.test": "127.0.0.1"})
    with pytest.raises(RefusedTarget):
        WebhookPoster(ON_PREMISE, dns).post(hook(url))
    assert dns.lookups == []  # refused by its form, before any lookup
