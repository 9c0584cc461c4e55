"""Expiry, reservation expiry, extension and delegation, on SQLite and PostgreSQL."""

import json
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from cloud.board_events import apply_device_event
from cloud.core.clock import to_ms
from cloud.models import AuditEntry, Compartment, Delegate, Notification, PickupCredential
from cloud.notify import webhooks
from cloud.services import carriers, delegation, lifecycle, notifications, outbox, parcels
from cloud.services.errors import Conflict
from firmware.core.pickups import Pickups
from protocol.qr_tokens import mac_matches, read_qr_token
from protocol.verifiers import pin_verifier


@pytest.fixture
def deposited(session, make_locker, parcel_data, now, settings):
    """Parcel JJD0001 deposited in compartment 1 of L1 at `now`; DHL takes webhooks."""
    carrier = carriers.create_carrier(session, "DHL", now, actor="system")
    webhooks.configure(session, carrier, "https://dhl.example/hooks", settings)
    locker, _ = make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    body = {
        "lkr": "L1",
        "seq": 1,
        "t": 1_893_499_200_000,
        "type": "deposited",
        "parcel": "JJD0001",
        "cmp": 1,
    }
    apply_device_event(session, locker, body, now, settings=settings)
    session.flush()
    return locker, parcel


def commands(session, type):
    return [json.loads(m.body) for m in outbox.pending(session, "L1") if m.type == type]


def kinds(session, channel):
    return [
        n.kind
        for n in session.exec(
            select(Notification).where(Notification.channel == channel).order_by(Notification.id)
        ).all()
    ]


def pin_of(session, settings, key_part):
    [notice] = [
        n
        for n in session.exec(select(Notification)).all()
        if n.idempotency_key.startswith(key_part) and n.channel == "sms"
    ]
    return re.search(r"PIN (\d+)", notifications.text_to_send(notice, settings)).group(1)


def test_a_parcel_not_collected_by_its_deadline_expires_for_return(
    session, deposited, now, settings
):
    locker, parcel = deposited
    deadline = parcel.pickup_deadline
    assert deadline == now + timedelta(hours=settings.pickup_hours)
    assert lifecycle.expire_due(session, deadline - timedelta(seconds=1), settings) == 0
    assert lifecycle.expire_due(session, deadline, settings) == 1
    assert (parcel.state, parcel.expired_at) == ("expired", deadline)
    assert commands(session, "revoke") == [{"parcel": "JJD0001"}]  # PIN and QR die on the board
    assert commands(session, "collect")[0]["parcel"] == "JJD0001"  # collection scheduled
    assert "expired" in kinds(session, "sms") and "parcel.expired" in kinds(session, "webhook")
    assert session.get(Compartment, parcel.compartment_id).state == "occupied"  # still inside
    assert lifecycle.expire_due(session, deadline + timedelta(days=1), settings) == 0  # once


def test_a_reservation_no_courier_filled_lapses(session, make_locker, parcel_data, now, settings):
    carrier = carriers.create_carrier(session, "DHL", now, actor="system")
    webhooks.configure(session, carrier, "https://dhl.example/hooks", settings)
    make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    compartment = session.get(Compartment, parcel.compartment_id)
    due = now + timedelta(hours=settings.reservation_hours)
    assert lifecycle.expire_due(session, due - timedelta(seconds=1), settings) == 0
    assert lifecycle.expire_due(session, due, settings) == 1
    assert (parcel.state, parcel.compartment_id) == ("lapsed", None)
    assert (compartment.state, compartment.parcel_id) == ("free", None)
    assert commands(session, "revoke") == [{"parcel": "JJD0001"}]
    assert kinds(session, "webhook") == ["parcel.reservation_expired"]
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "reservation_lapsed")).one()


def test_the_deadline_is_extended_once_before_it_passes(session, deposited, now, settings):
    locker, parcel = deposited
    old = parcel.pickup_deadline
    lifecycle.extend(session, parcel.id, now + timedelta(hours=1), settings, actor="recipient")
    new = old + timedelta(hours=settings.extension_hours)
    assert (parcel.pickup_deadline, parcel.extended_at) == (new, now + timedelta(hours=1))
    assert session.exec(select(PickupCredential)).one().expires_at == new
    assert commands(session, "credential")[-1]["until"] == to_ms(new)  # the board's expiry too
    assert "extended" in kinds(session, "sms") and "parcel.extended" in kinds(session, "webhook")
    with pytest.raises(Conflict) as refused:
        lifecycle.extend(session, parcel.id, now + timedelta(hours=2), settings)
    assert refused.value.code == "already_extended"
    assert lifecycle.expire_due(session, old, settings) == 0  # the old deadline no longer counts


def test_no_extension_after_the_deadline_or_before_the_deposit(
    session, deposited, make_locker, parcel_data, now, settings
):
    locker, parcel = deposited
    with pytest.raises(Conflict) as refused:
        lifecycle.extend(session, parcel.id, parcel.pickup_deadline, settings)
    assert refused.value.code == "deadline_passed" and parcel.extended_at is None
    other = parcels.preadvise(session, parcel_data(tracking_code="JJD0002"), now, settings=settings)
    with pytest.raises(Conflict) as refused:
        lifecycle.extend(session, other.id, now, settings)
    assert refused.value.code == "not_in_locker"


def test_a_delegate_gets_a_pin_of_their_own_that_the_board_holds_next_to_the_recipients(
    session, deposited, now, settings
):
    locker, parcel = deposited
    delegation.delegate(
        session,
        parcel.id,
        Delegate(name="Bob", phone="+449876543210"),
        now,
        settings,
        actor="recipient",
    )
    recipient_pin, delegate_pin = (
        pin_of(session, settings, "pickup:"),
        pin_of(session, settings, "delegate:"),
    )
    assert recipient_pin != delegate_pin
    holders = [
        c.holder for c in session.exec(select(PickupCredential).order_by(PickupCredential.id))
    ]
    assert holders == ["recipient", "delegate"]
    [delegate_notice] = [
        n for n in session.exec(select(Notification)).all() if n.recipient == "+449876543210"
    ]
    assert "Ada Lovelace asks you to collect" in delegate_notice.message
    # The board, fed the credential commands in order, opens for either PIN.
    key, board = bytes.fromhex(locker.device_key), Pickups()
    for command in commands(session, "credential"):
        board.add(
            command["v"], command["parcel"], command["cmp"], command["until"], command.get("keep")
        )
    for pin in (recipient_pin, delegate_pin):
        assert board.find(pin_verifier(key, pin), to_ms(now))[0] == 1
    audit = session.exec(select(AuditEntry).where(AuditEntry.action == "credential_issued")).all()
    assert json.loads(audit[-1].detail)["holder"] == "delegate"
    with pytest.raises(Conflict) as refused:
        delegation.delegate(
            session,
            parcel.id,
            Delegate(name="Eve", email="eve@example.org"),
            now,
            settings,
            actor="recipient",
        )
    assert refused.value.code == "already_delegated"


def test_an_extension_keeps_the_delegates_pin_on_the_board(session, deposited, now, settings):
    locker, parcel = deposited
    delegation.delegate(
        session,
        parcel.id,
        Delegate(name="Bob", email="bob@example.org"),
        now,
        settings,
        actor="recipient",
    )
    lifecycle.extend(session, parcel.id, now, settings)
    board = Pickups()
    for command in commands(session, "credential"):
        board.add(
            command["v"], command["parcel"], command["cmp"], command["until"], command.get("keep")
        )
    assert len(board.dump()) == 2  # both credentials, the delegate's kept
    late = to_ms(parcel.pickup_deadline) - 1000  # after the first deadline, before the new one
    for credential in session.exec(select(PickupCredential)).all():
        assert board.find(credential.board_verifier, late) is not None


def test_the_extension_mails_the_recipient_a_code_of_their_own_credential_until_the_new_deadline(
    session, deposited, now, settings
):
    locker, parcel = deposited
    delegation.delegate(
        session,
        parcel.id,
        Delegate(name="Bob", email="bob@example.org"),
        now,
        settings,
        actor="recipient",
    )
    lifecycle.extend(session, parcel.id, now, settings)
    [notice] = session.exec(select(Notification).where(Notification.kind == "extended")).all()
    cmp, expires_s, mac = read_qr_token(notifications.outgoing(session, notice, settings).qr_token)
    assert (cmp, expires_s) == (1, to_ms(parcel.pickup_deadline) // 1000)
    key = bytes.fromhex(locker.device_key)
    bound = [
        c.holder
        for c in session.exec(select(PickupCredential)).all()
        if mac_matches(key, c.board_verifier, cmp, "JJD0001", expires_s, mac)
    ]
    assert bound == ["recipient"]  # not the delegate's: each credential has its own code


def test_an_accessible_recipient_gets_a_low_compartment(
    session, make_locker, parcel_data, now, settings
):
    from cloud.models import LockerCreate
    from cloud.services import lockers

    lockers.provision_locker(
        session,
        LockerCreate(
            id="L1",
            name="L1",
            compartments=[
                {"number": 1, "size": "S"},
                {"number": 2, "size": "L", "accessible": True},
            ],
        ),
        now,
        settings=settings,
    )
    accessible = parcel_data(
        recipient={"name": "Ada", "phone": "+441234567890", "accessible": True}
    )
    parcel = parcels.preadvise(session, accessible, now, settings=settings)
    assert parcel.accessible and session.get(Compartment, parcel.compartment_id).number == 2
    other = parcels.preadvise(session, parcel_data(tracking_code="JJD0002"), now, settings=settings)
    assert session.get(Compartment, other.compartment_id).number == 1
    with pytest.raises(Conflict):
        parcels.preadvise(
            session,
            parcel_data(
                tracking_code="JJD0003",
                recipient={"name": "Ada", "phone": "+441234567890", "accessible": True},
            ),
            now,
            settings=settings,
        )
