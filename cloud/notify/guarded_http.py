"""An HTTP client that connects only where a TargetPolicy allows, checked at connect time.

httpx (through httpcore) asks its network backend for a TCP connection to (host, port). Ours
resolves the host itself, refuses it unless every address is allowed (`TargetPolicy.addresses`),
connects to those checked addresses only, and then checks the address the socket is actually
connected to. So a name that resolved to a public address when the carrier set its webhook and
resolves to 127.0.0.1 now (DNS rebinding) is refused before any packet is sent to it, and no
second lookup happens between the check and the connect.

Everything above TCP stays httpx's: the URL, the Host header and TLS keep the original name, so
the TLS server name (SNI) and the certificate check are by host name, as for any https request.
"""

import ipaddress

import httpcore
import httpx

from cloud.notify.targets import RefusedTarget, Resolver, TargetPolicy

_CONNECT_FAILURES = (httpcore.ConnectError, httpcore.ConnectTimeout)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network backend, with the policy's check in front of every TCP connect."""

    def __init__(
        self, policy: TargetPolicy, resolver: Resolver, inner: httpcore.NetworkBackend | None = None
    ):
        self.policy, self.resolver = policy, resolver
        self.inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options=None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self.policy.addresses(host, port, self.resolver)
        except OSError as error:  # does not resolve (now): a failure to retry, like any other
            raise httpcore.ConnectError(f"{host} does not resolve: {error}") from error
        failure = None
        for address in addresses:  # in the resolver's order, as socket.create_connection does
            try:
                stream = self.inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except _CONNECT_FAILURES as error:
                failure = error
                continue
            return self._checked_peer(host, stream, addresses)
        raise failure

    def _checked_peer(
        self, host: str, stream: httpcore.NetworkStream, addresses: list
    ) -> httpcore.NetworkStream:
        # Connected to a numeric address, the peer can only be that address; checking it anyway
        # means no backend or socket layer in between can make us talk to another one.
        peer = ipaddress.ip_address(stream.get_extra_info("socket").getpeername()[0].split("%")[0])
        try:
            if peer not in addresses:
                raise RefusedTarget(
                    "webhook_address_refused",
                    f"connected to {host} at {peer}, which is not an address it was checked for",
                )
            self.policy.check_address(host, peer)
        except RefusedTarget:
            stream.close()
            raise
        return stream

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options=None
    ) -> httpcore.NetworkStream:
        raise RefusedTarget("webhook_address_refused", "webhooks do not go to a local socket")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport (request and response handling, error mapping) over a connection
    pool whose every connection is made by a GuardedBackend. httpx takes no network backend in
    its constructor, so the pool it builds is replaced by one that has ours: the only place
    this leans on httpx's inside (`_pool`); the SSRF tests fail if that ever stops working."""

    def __init__(self, backend: GuardedBackend, *, verify=True):
        ssl_context = httpx.create_ssl_context(verify=verify, trust_env=False)
        super().__init__(verify=ssl_context, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context, network_backend=backend, max_connections=10, retries=0
        )


def guarded_client(
    policy: TargetPolicy, resolver: Resolver, *, timeout: float, verify=True
) -> httpx.Client:
    """A client that follows no redirect, reads no proxy from the environment (a proxy would
    connect in our place, unchecked) and connects only where `policy` allows."""
    transport = GuardedTransport(GuardedBackend(policy, resolver), verify=verify)
    return httpx.Client(
        transport=transport, timeout=timeout, follow_redirects=False, trust_env=False
    )
