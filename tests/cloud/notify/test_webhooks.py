"""Carrier webhooks to a real HTTP receiver: signed as Stripe signs, retried with backoff.
The receiver listens on 127.0.0.1, a private address: the operator's allow-list lets it in, as
it would an on-premise carrier's (tests/security/test_webhook_ssrf.py: nothing else gets in)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from cloud.models import Carrier, Notification
from cloud.notify import webhooks
from cloud.notify.channels import channels_from
from cloud.services import carriers, notifications, parcels


class Receiver(ThreadingHTTPServer):
    """Answers the first `failures` posts with 500, then 200; keeps every post."""

    def __init__(self, failures=0):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.failures, self.posts = failures, []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/hooks"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append((dict(self.headers), body))
        failing = len(self.server.posts) <= self.server.failures
        self.send_response(500 if failing else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def settings(settings):
    """The shared settings, with the local receiver's address allow-listed."""
    return settings.model_copy(update={"webhook_allow_private_hosts": ["127.0.0.1"]})


@pytest.fixture
def receiver():
    servers = []

    def start(failures=0):
        server = Receiver(failures)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def with_webhook(session, settings, now, url):
    carrier = carriers.create_carrier(session, "DHL", now, actor="system")
    return webhooks.configure(session, carrier, url, settings)


def test_a_cancelled_parcel_is_posted_signed_and_retried_with_backoff_after_a_500(
    session, make_locker, parcel_data, now, settings, receiver
):
    server = receiver(failures=1)
    secret = with_webhook(session, settings, now, server.url)
    make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    parcels.cancel(session, parcel.id, now, settings=settings)
    channels = channels_from(settings)

    assert notifications.dispatch_pending(session, channels, now, settings=settings) == 0
    [hook] = session.exec(select(Notification).where(Notification.channel == "webhook")).all()
    assert hook.attempts == 1 and "500" in hook.last_error and hook.next_attempt_at > now
    notifications.dispatch_pending(session, channels, now, settings=settings)
    assert len(server.posts) == 1  # waits out its backoff
    assert (
        notifications.dispatch_pending(session, channels, hook.next_attempt_at, settings=settings)
        == 1
    )

    first, second = server.posts
    headers, body = second
    assert body == first[1] and headers["Idempotency-Key"] == first[0]["Idempotency-Key"]
    assert webhooks.verify_signature(secret, headers["Locker-Signature"], body)
    event = json.loads(body)
    assert event["type"] == "parcel.cancelled"
    assert event["data"]["tracking_code"] == "JJD0001" and event["data"]["state"] == "cancelled"
    assert "Ada" not in body.decode() and "+44" not in body.decode()  # no personal data


def test_a_receiver_refuses_altered_bodies_old_timestamps_and_other_secrets():
    body, secret, t = b'{"type":"parcel.collected"}', "whsec_abc", int(time.time())
    header = webhooks.signature_header(secret, body, t)
    assert webhooks.verify_signature(secret, header, body)
    assert not webhooks.verify_signature(secret, header, body + b" ")
    assert not webhooks.verify_signature("whsec_other", header, body)
    assert not webhooks.verify_signature(secret, header, body, tolerance_s=300, now=t + 301)
    assert not webhooks.verify_signature(secret, "t=%d,v1=\u00e9" % t, body)  # refused, not raised
    old = webhooks.signature_header(secret, body, t - 3600)
    assert not webhooks.verify_signature(secret, old, body)
    for garbage in ("", "t=x,v1=00", "v1=" + "0" * 64, "t=1"):
        assert not webhooks.verify_signature(secret, garbage, body)


def test_no_webhook_is_queued_for_a_carrier_without_a_url(
    session, make_locker, parcel_data, now, settings
):
    carriers.create_carrier(session, "DHL", now, actor="system")
    make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    parcels.cancel(session, parcel.id, now, settings=settings)
    assert session.exec(select(Notification).where(Notification.channel == "webhook")).all() == []


def test_the_secret_is_kept_only_sealed(session, now, settings):
    secret = with_webhook(session, settings, now, "https://carrier.example/hooks")
    carrier = session.exec(select(Carrier)).one()
    assert secret not in carrier.sealed_webhook_secret
    assert webhooks.endpoint_of(carrier, settings) == ("https://carrier.example/hooks", secret)
    with pytest.raises(ValueError):
        webhooks.configure(session, carrier, "ftp://carrier.example", settings)
