"""Email over a real SMTP server in the test process (aiosmtpd): the PIN in the text, the QR
code inline as a PNG of exactly the token the board checks."""

import email
import email.policy
import re

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from cloud.core.clock import to_ms
from cloud.models import Compartment, Notification, PickupCredential
from cloud.notify import qr_image
from cloud.notify.channels import Channels
from cloud.notify.smtp import SmtpMailer
from cloud.services import notifications, qr
from fleet.localhost import free_port
from protocol.qr_tokens import mac_matches, read_qr_token


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_the_pickup_email_carries_the_pin_and_the_qr_code_the_board_accepts(
    session, deposit, now, settings, smtp_server
):
    controller, inbox = smtp_server
    locker, parcel = deposit(recipient={"name": "Ada", "email": "ada@example.org"})
    mailer = SmtpMailer("127.0.0.1", controller.port, "parcels@locker.example", starttls=False)
    assert (
        notifications.dispatch_pending(session, Channels(email=mailer), now, settings=settings) == 1
    )

    [message] = inbox.messages
    assert message["To"] == "ada@example.org" and "JJD0001" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert re.search(r"PIN \d{6}\b", text)
    html = message.get_body(("html",)).get_content()
    [image] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert f"cid:{image['Content-ID'][1:-1]}" in html
    png = image.get_content()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")

    credential = session.exec(select(PickupCredential)).one()
    compartment = session.get(Compartment, parcel.compartment_id)
    token = qr.token_for(locker, compartment, parcel, credential)
    assert png == qr_image.png(token)  # segno renders one token to one image: this one
    cmp, expires_s, mac = read_qr_token(token)
    assert (cmp, expires_s) == (1, to_ms(credential.expires_at) // 1000)
    assert mac_matches(
        bytes.fromhex(locker.device_key), credential.board_verifier, cmp, "JJD0001", expires_s, mac
    )


def test_an_smtp_server_that_is_down_is_a_failed_attempt_retried_later(
    session, deposit, now, settings
):
    deposit(recipient={"name": "Ada", "email": "ada@example.org"})
    mailer = SmtpMailer("127.0.0.1", free_port(), "parcels@locker.example", starttls=False)
    assert (
        notifications.dispatch_pending(session, Channels(email=mailer), now, settings=settings) == 0
    )
    [notice] = [n for n in session.exec(select(Notification)).all() if n.channel == "email"]
    assert notice.attempts == 1 and notice.next_attempt_at > now and notice.sealed_qr is not None
