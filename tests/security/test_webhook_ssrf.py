"""A carrier points its webhook at the cloud's own internals (SSRF): loopback, private networks,
the metadata service, under odd spellings or behind a name, or a name whose DNS changes after
registration, or a public endpoint that redirects inward. Each is refused at registration (422,
nothing stored) or at delivery (no connection is made; the message is given up with a reason).

The receivers listen on 127.0.0.1, the very kind of address an attacker aims at; a resolver
table plays the attacker's DNS, and the operator's allow-list is what lets a test's "public"
host in, and only that host."""

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from cloud.app import create_app
from cloud.core.config import Settings
from cloud.models import AuditEntry, Carrier, Notification
from cloud.notify.channels import Channels
from cloud.notify.targets import SystemResolver
from cloud.notify.webhooks import WebhookPoster
from cloud.runtime.notification_loop import NotificationLoop
from tests.cloud.notify.spellings import internal_ipv4, internal_ipv6, ipv4_spelling, ipv6_carrying
from tests.conftest import PEPPER, TestClient
from tests.security.webhook_parts import HostsTable, Receiver

LOCKER = {"id": "L1", "name": "Main St", "compartments": [{"number": 1, "size": "M"}]}
PARCEL = {
    "carrier": "DHL",
    "tracking_code": "JJD0001",
    "locker_id": "L1",
    "width_mm": 300,
    "height_mm": 150,
    "depth_mm": 500,
    "recipient": {"name": "Ada Lovelace", "phone": "+441234567890"},
}
PUBLIC = "93.184.215.14"  # a public address; never connected to: the tests stop before

INTERNAL = [  # (url, the code of the refusal)
    ("http://127.0.0.1/h", "webhook_address_refused"),
    ("http://[::1]/h", "webhook_address_refused"),
    ("http://0.0.0.0/h", "webhook_address_refused"),
    ("http://0/h", "webhook_address_refused"),
    ("http://10.1.2.3/h", "webhook_address_refused"),
    ("http://172.16.0.1/h", "webhook_address_refused"),
    ("http://192.168.1.1/h", "webhook_address_refused"),
    ("http://169.254.169.254/latest/meta-data/", "webhook_address_refused"),
    ("http://2130706433/h", "webhook_address_refused"),
    ("http://0x7f000001/h", "webhook_address_refused"),
    ("http://0x7f.1/h", "webhook_address_refused"),
    ("http://017700000001/h", "webhook_address_refused"),
    ("http://0177.0.0.1/h", "webhook_url_invalid"),  # httpx will not read it; inet_aton would
    ("http://127.1/h", "webhook_address_refused"),
    ("http://127.0.0.1./h", "webhook_address_refused"),
    ("http://[::ffff:127.0.0.1]/h", "webhook_address_refused"),
    ("http://[::ffff:a9fe:a9fe]/h", "webhook_address_refused"),  # the metadata service, mapped
    ("http://[64:ff9b::a9fe:a9fe]/h", "webhook_address_refused"),  # ... through NAT64
    ("http://[::127.0.0.1]/h", "webhook_address_refused"),
    ("http://[fe80::1]/h", "webhook_address_refused"),
    ("http://[fd00::1]/h", "webhook_address_refused"),
    ("http://[::]/h", "webhook_address_refused"),
    ("http://224.0.0.1/h", "webhook_address_refused"),
    ("http://255.255.255.255/h", "webhook_address_refused"),
    ("http://100.64.0.1/h", "webhook_address_refused"),
    ("http://localhost/h", "webhook_address_refused"),  # the system's resolver: /etc/hosts
    ("http://internal.attacker.test/h", "webhook_address_refused"),  # the table: 127.0.0.1
    ("http://mixed.attacker.test/h", "webhook_address_refused"),  # one public, one private
    ("http://999.0.0.1/h", "webhook_url_invalid"),
    ("http://1.2.3.4.5/h", "webhook_url_invalid"),
    ("https://example.com@127.0.0.1/h", "webhook_userinfo_refused"),
    ("https://hooks.carrier.test:443@127.0.0.1/h", "webhook_userinfo_refused"),
    ("http://[::1]:99999/h", "webhook_url_invalid"),
]


@pytest.fixture
def dns():
    """The attacker's DNS: names it controls, and the system's resolver for the rest."""
    return HostsTable(
        {
            "hooks.carrier.test": PUBLIC,
            "internal.attacker.test": "127.0.0.1",
            "rebind.attacker.test": PUBLIC,
        },
        fallback=SystemResolver(),
    )


@pytest.fixture
def app(engine, settings, dns):
    return create_app(settings, engine=engine, resolver=dns)


@pytest.fixture
def receiver():
    servers = []

    def start(**options):
        servers.append(Receiver(**options).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def webhook_of(engine, carrier="DHL"):
    with Session(engine) as session:
        return session.exec(select(Carrier).where(Carrier.name == carrier)).one().webhook_url


def set_webhook(client, credentials, url):
    return client.put("/api/v1/webhook", json={"url": url}, headers=credentials.carrier("DHL"))


@pytest.mark.parametrize("url, code", INTERNAL)
def test_registration_refuses_internal_targets(client, credentials, engine, dns, url, code):
    dns.point("mixed.attacker.test", PUBLIC, "10.0.0.7")
    response = set_webhook(client, credentials, url)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]["code"] == code
    assert webhook_of(engine) is None  # nothing kept, nothing audited
    with Session(engine) as session:
        audited = select(AuditEntry).where(AuditEntry.action == "webhook_configured")
        assert session.exec(audited).all() == []


@hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_any_spelling_of_an_internal_address_is_refused(client, credentials, engine, data):
    address = data.draw(internal_ipv4)
    host = data.draw(
        st.one_of(
            ipv4_spelling(address),
            ipv6_carrying(address).map("[{}]".format),
            internal_ipv6.map("[{}]".format),
        )
    )
    response = set_webhook(client, credentials, f"http://{host}:8080/h")
    assert response.status_code == 422, (host, response.text)
    # httpx itself refuses some spellings (0177.0.0.1): refused as invalid, before any check
    assert response.json()["detail"]["code"] in ("webhook_address_refused", "webhook_url_invalid")
    assert webhook_of(engine) is None


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.carrier.test/h",
        "file:///etc/passwd",
        "gopher://hooks.carrier.test/h",
        "HTTP://127.0.0.1/h",
    ],
)
def test_registration_refuses_other_schemes(client, credentials, engine, url):
    assert set_webhook(client, credentials, url).status_code == 422
    assert webhook_of(engine) is None


def test_a_public_host_is_accepted_and_http_only_outside_production(
    client, credentials, engine, settings, dns
):
    assert set_webhook(client, credentials, "http://hooks.carrier.test/h").status_code == 200
    production = Settings(
        **{
            **settings.model_dump(),
            "environment": "production",
            "pin_pepper": PEPPER,
            "auth_secret": "x" * 32,
        }
    )
    with TestClient(create_app(production, engine=engine, resolver=dns)) as prod:
        refused = set_webhook(prod, credentials, "http://hooks.carrier.test/other")
        assert refused.status_code == 422
        assert refused.json()["detail"]["code"] == "webhook_scheme_refused"
        assert webhook_of(engine) == "http://hooks.carrier.test/h"  # unchanged
        assert set_webhook(prod, credentials, "https://hooks.carrier.test/h").status_code == 200


def cancel_a_parcel(client, credentials):
    dhl = credentials.carrier("DHL")
    assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201
    parcel = client.post("/api/v1/parcels", json=PARCEL, headers=dhl).json()
    assert client.post(f"/api/v1/parcels/{parcel['id']}/cancel", headers=dhl).status_code == 200


def the_webhook(engine) -> Notification:
    with Session(engine) as session:
        return session.exec(select(Notification).where(Notification.channel == "webhook")).one()


def deliver(engine, settings, dns):
    """One pass of the cloud's notification loop, with the channels the settings configure."""
    channels = Channels(webhook=WebhookPoster.from_settings(settings, dns))
    return NotificationLoop(engine, channels, settings).run_once()


def test_dns_rebinding_after_registration_reaches_nothing(
    client, credentials, engine, settings, dns, receiver
):
    inside = receiver()
    url = f"http://rebind.attacker.test:{inside.port}/h"
    assert set_webhook(client, credentials, url).status_code == 200  # public when checked
    cancel_a_parcel(client, credentials)
    dns.point("rebind.attacker.test", "127.0.0.1")  # ... and loopback when delivered

    assert deliver(engine, settings, dns) == 0
    assert inside.connections == 0 and inside.requests == []
    hook = the_webhook(engine)
    assert hook.dead_at is not None and hook.attempts == 1  # given up at once, not retried
    assert "RefusedTarget" in hook.last_error and "loopback" in hook.last_error
    assert deliver(engine, settings, dns) == 0 and the_webhook(engine).attempts == 1


def test_a_webhook_allowed_once_is_refused_when_the_operator_withdraws_it(
    client, credentials, engine, settings, receiver
):
    inside = receiver()
    url = f"http://localhost:{inside.port}/h"
    allowing = settings.model_copy(update={"webhook_allow_private_hosts": ["localhost"]})
    with TestClient(create_app(allowing, engine=engine)) as on_premise:
        assert set_webhook(on_premise, credentials, url).status_code == 200
    cancel_a_parcel(client, credentials)

    assert NotificationLoop(engine, None, settings).run_once() == 0  # settings without it
    assert inside.connections == 0 and inside.requests == []
    assert the_webhook(engine).dead_at is not None


def test_a_redirect_to_an_internal_address_is_not_followed(
    client, credentials, engine, settings, dns, receiver
):
    inside = receiver()
    outside = receiver(status=302, location=f"http://127.0.0.1:{inside.port}/h")
    # the redirecting server stands in for a public one: only the allow-list lets a local
    # server play that part, and it names that host alone
    public = settings.model_copy(update={"webhook_allow_private_hosts": ["hooks.carrier.test"]})
    dns.point("hooks.carrier.test", "127.0.0.1")
    with TestClient(create_app(public, engine=engine, resolver=dns)) as api:
        url = f"http://hooks.carrier.test:{outside.port}/h"
        assert set_webhook(api, credentials, url).status_code == 200
    cancel_a_parcel(client, credentials)

    assert deliver(engine, public, dns) == 0
    assert len(outside.requests) == 1 and inside.connections == 0 and inside.requests == []
    hook = the_webhook(engine)
    assert "WebhookRedirected" in hook.last_error and "not followed" in hook.last_error
    assert hook.dead_at is None  # a redirect is the carrier's to fix: retried with backoff


def test_the_allow_list_lets_in_the_host_it_names_and_no_other(
    client, credentials, engine, settings, dns, receiver
):
    inside = receiver()
    on_premise = settings.model_copy(
        update={"webhook_allow_private_hosts": ["hooks.onprem.test", "10.20.0.0/16"]}
    )
    dns.point("hooks.onprem.test", "127.0.0.1")
    dns.point("other.onprem.test", "127.0.0.1")
    with TestClient(create_app(on_premise, engine=engine, resolver=dns)) as api:
        for refused in (
            "http://other.onprem.test/h",
            "http://127.0.0.1/h",
            "http://10.21.0.1/h",
            "http://169.254.169.254/h",
            "http://224.0.0.1/h",
        ):
            assert set_webhook(api, credentials, refused).status_code == 422, refused
        assert set_webhook(api, credentials, "http://10.20.1.1/h").status_code == 200
        url = f"http://hooks.onprem.test:{inside.port}/h"
        assert set_webhook(api, credentials, url).status_code == 200
    cancel_a_parcel(client, credentials)

    assert deliver(engine, on_premise, dns) == 1
    [(path, headers, _body)] = inside.requests
    assert path == "/h" and headers["Host"] == f"hooks.onprem.test:{inside.port}"
