"""Where the cloud may send a request whose URL a carrier gave: a webhook.

A carrier chooses the URL, so without these checks it could make the cloud call its own
internals (127.0.0.1, the cloud's metadata service at 169.254.169.254, the database's private
address, ...). A target is refused unless every address its host is, or resolves to, is a
public unicast address (`cloud/notify/addresses.py`), or the operator allow-listed the host or
its network (LOCKER_WEBHOOK_ALLOW_PRIVATE_HOSTS) for an on-premise carrier. The check runs when
the carrier sets its webhook and again at every delivery, on the addresses actually connected
to (`cloud/notify/guarded_http.py`): DNS may answer differently the second time.
"""

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Protocol

import httpx

from cloud.core.config import Settings
from cloud.notify import Undeliverable
from cloud.notify.addresses import (
    MULTICAST,
    RESERVED,
    UNSPECIFIED,
    IPAddress,
    literal_address,
    why_not_public,
)

URL_INVALID = "webhook_url_invalid"
SCHEME_REFUSED = "webhook_scheme_refused"
USERINFO_REFUSED = "webhook_userinfo_refused"
ADDRESS_REFUSED = "webhook_address_refused"
NEVER_ALLOWED = (UNSPECIFIED, MULTICAST, RESERVED)  # no carrier's endpoint, on premise or not
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")  # as httpx hands it: lower case, IDNA
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RefusedTarget(Undeliverable, ValueError):
    """A URL or an address the cloud does not send to; `code` names the reason."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class Resolver(Protocol):
    """Turns a host name into the addresses to connect to; raises OSError if it has none."""

    def resolve(self, host: str, port: int) -> list[IPAddress]: ...


class SystemResolver:
    """The operating system's resolver (getaddrinfo: /etc/hosts, then DNS)."""

    def resolve(self, host: str, port: int) -> list[IPAddress]:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        # an IPv6 link-local answer comes as "fe80::1%eth0": the zone goes, the address stays
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
        return list(dict.fromkeys(addresses))


@dataclass(frozen=True)
class TargetPolicy:
    """What the cloud may call: https only (production) or http too, and the private hosts and
    networks the operator allows on top of the public Internet."""

    https_only: bool = True
    private_hosts: frozenset[str] = frozenset()
    private_networks: tuple[Network, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> "TargetPolicy":
        hosts, networks = allow_list(settings.webhook_allow_private_hosts)
        return cls(
            https_only=settings.environment == "production",
            private_hosts=hosts,
            private_networks=networks,
        )

    def check_url(self, url: str) -> httpx.URL:
        """`url` parsed as the sender will read it; RefusedTarget if its form is refused (its
        addresses are checked by `addresses`)."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as error:
            raise RefusedTarget(URL_INVALID, f"the webhook URL is not valid: {error}") from None
        schemes = ("https",) if self.https_only else ("http", "https")
        if parsed.scheme not in schemes:
            raise RefusedTarget(
                SCHEME_REFUSED,
                "a webhook URL starts with "
                + " or ".join(f"{scheme}://" for scheme in schemes)
                + ("" if len(schemes) > 1 else " (http:// only in development)"),
            )
        if parsed.userinfo:
            raise RefusedTarget(
                USERINFO_REFUSED,
                "a webhook URL has no user name or password "
                "before its host (user@host): put credentials in the path",
            )
        _check_host_and_port(parsed)
        return parsed

    def addresses(self, host: str, port: int, resolver: Resolver) -> list[IPAddress]:
        """Every address `host` is or resolves to, each allowed; RefusedTarget if any is not
        (one private answer among public ones is enough to refuse the host), OSError if a name
        does not resolve."""
        literal = _literal(host)
        found = [literal] if literal is not None else resolver.resolve(host, port)
        if not found:
            raise OSError(f"{host} resolves to no address")
        for address in found:
            self.check_address(host, address, resolved=literal is None)
        return found

    def check_address(self, host: str, address: IPAddress, *, resolved: bool = True) -> None:
        """RefusedTarget unless `address` (of `host`) is public or allow-listed."""
        kind = why_not_public(address)
        if kind is None or (kind not in NEVER_ALLOWED and self.allows(host, address)):
            return
        verb = "resolves to" if resolved else "is"
        hint = (
            ""
            if kind in NEVER_ALLOWED
            else " (an operator may allow an on-premise host "
            "with LOCKER_WEBHOOK_ALLOW_PRIVATE_HOSTS)"
        )
        raise RefusedTarget(
            ADDRESS_REFUSED,
            f"the webhook host {host} {verb} a {kind} address; "
            f"webhooks go only to public addresses{hint}",
        )

    def allows(self, host: str, address: IPAddress) -> bool:
        """Whether the operator allow-listed `host` by name or `address` by network."""
        return host.rstrip(".") in self.private_hosts or any(
            address in network for network in self.private_networks
        )


def allow_list(entries: list[str]) -> tuple[frozenset[str], tuple[Network, ...]]:
    """The host names and the networks (CIDR, or one address) of an allow-list."""
    hosts, networks = set(), []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry.lower().rstrip("."))
    return frozenset(hosts), tuple(networks)


def default_port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def _check_host_and_port(url: httpx.URL) -> None:
    host = url.raw_host.decode("ascii")
    if not host or not (":" in host or HOST_NAME.fullmatch(host)):
        raise RefusedTarget(URL_INVALID, f"the webhook URL has no valid host name: {url.host!r}")
    _literal(host)
    if url.port is not None and not 1 <= url.port <= 65535:
        raise RefusedTarget(URL_INVALID, f"the webhook URL's port {url.port} is not 1 to 65535")


def _literal(host: str) -> IPAddress | None:
    try:
        return literal_address(host)
    except ValueError as error:
        raise RefusedTarget(URL_INVALID, f"the webhook host is no valid address: {error}") from None
