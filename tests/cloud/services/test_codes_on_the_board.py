"""The cloud's codes on the real board core: the commands the cloud queued (sealed as the relay
seals them) fed to a firmware Controller; the QR token from the email opens the door once, and
a delegate's PIN works next to the recipient's."""

from sqlmodel import select

from cloud.board_events import apply_device_event
from cloud.core.clock import to_ms
from cloud.models import Compartment, Delegate, OutboxMessage, PickupCredential
from cloud.services import delegation, outbox, parcels, qr
from firmware.core.actions import PULSE, Pulse
from firmware.core.controller import Controller
from firmware.core.events import CodeScanned, KeyPressed, MessageReceived
from tests.cloud.services.test_lifecycle import pin_of


def board_fed_by_the_cloud(session, locker, now):
    """A fresh board given every command the cloud queued for L1, in order."""
    for message in session.exec(select(OutboxMessage)).all():
        message.sent_at = None  # (sealed again with the counter it got: a fresh board takes it)
    board = Controller("L1", bytes.fromhex(locker.device_key), [(1, "S"), (2, "M"), (3, "L")])
    while (command := outbox.next_sealed(session, now)) is not None:
        board.handle(MessageReceived(command.topic, command.payload), to_ms(now))
        outbox.mark_sent(session, command.message_id, now)
    return board


def deposited(session, make_locker, parcel_data, now, settings):
    locker, _ = make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    body = {
        "lkr": "L1",
        "seq": 1,
        "t": to_ms(now),
        "type": "deposited",
        "parcel": "JJD0001",
        "cmp": 1,
    }
    apply_device_event(session, locker, body, now, settings=settings)
    session.flush()
    return locker, parcel


def test_the_emailed_qr_code_opens_the_door_once(session, make_locker, parcel_data, now, settings):
    locker, parcel = deposited(session, make_locker, parcel_data, now, settings)
    token = qr.token_for(
        locker,
        session.get(Compartment, parcel.compartment_id),
        parcel,
        session.exec(select(PickupCredential)).one(),
    )
    board = board_fed_by_the_cloud(session, locker, now)
    assert Pulse(1, 300) in board.handle(CodeScanned(token), to_ms(now))
    assert not any(a[0] == PULSE for a in board.handle(CodeScanned(token), to_ms(now) + 60_000))


def test_either_the_recipients_or_the_delegates_pin_opens(
    session, make_locker, parcel_data, now, settings
):
    locker, parcel = deposited(session, make_locker, parcel_data, now, settings)
    delegation.delegate(
        session,
        parcel.id,
        Delegate(name="Bob", phone="+449876543210"),
        now,
        settings,
        actor="recipient",
    )
    for holder in ("pickup:", "delegate:"):
        board = board_fed_by_the_cloud(session, locker, now)
        actions = []
        for key in pin_of(session, settings, holder) + "#":
            actions += board.handle(KeyPressed(key), to_ms(now))
        assert Pulse(1, 300) in actions, holder
