"""Completing an unadvised parcel: its carrier and recipient are named, the PIN issued."""

import json

import pytest
from sqlmodel import select

from cloud.board_events import apply_device_event
from cloud.core.clock import to_ms
from cloud.models import AuditEntry, PickupCredential
from cloud.models.parcel import RecipientClaim
from cloud.services import outbox, unadvised
from cloud.services.errors import Conflict, Invalid
from cloud.services.unadvised import UNADVISED_CARRIER

RECIPIENT = {"name": "Grace Hopper", "email": "grace@example.com"}


def event(now, seq, type, **fields):
    return {"lkr": "L1", "seq": seq, "t": to_ms(now), "type": type, **fields}


@pytest.fixture
def held(session, make_locker, now, settings):
    """An unadvised parcel X77 a courier left in L1 (deposited, no recipient)."""
    locker, _ = make_locker(sizes="SML")
    apply_device_event(
        session, locker, event(now, 1, "unadvised", parcel="X77", size="M"), now, settings=settings
    )
    parcel = session.exec(
        select(unadvised.Parcel).where(unadvised.Parcel.tracking_code == "X77")
    ).one()
    compartment = session.get(unadvised.Compartment, parcel.compartment_id)
    apply_device_event(
        session,
        locker,
        event(now, 2, "deposited", parcel="X77", cmp=compartment.number),
        now,
        settings=settings,
    )
    session.flush()
    assert (parcel.state, parcel.carrier, parcel.recipient_name) == (
        "deposited",
        UNADVISED_CARRIER,
        "",
    )
    return parcel


def claim(carrier=None, **recipient):
    return RecipientClaim(carrier=carrier, recipient={**RECIPIENT, **recipient})


def test_an_operator_names_carrier_and_recipient_and_the_pin_goes_out(session, held, now, settings):
    parcel = unadvised.complete(
        session, held.id, claim("DHL"), None, now, settings, actor="operator:op"
    )
    assert (parcel.carrier, parcel.tracking_code, parcel.recipient_email) == (
        "DHL",
        "X77",
        "grace@example.com",
    )
    assert parcel.pickup_deadline is not None
    assert session.exec(
        select(PickupCredential).where(PickupCredential.parcel_id == parcel.id)
    ).one()
    assert any(
        m.type == "credential" and json.loads(m.body)["parcel"] == "X77"
        for m in outbox.pending(session, "L1")
    )
    actions = session.exec(select(AuditEntry.action)).all()
    assert "unadvised_completed" in actions


def test_a_carrier_claims_it_for_itself(session, held, now, settings):
    assert unadvised.complete(session, held.id, claim(), "UPS", now, settings).carrier == "UPS"


def test_refusals_change_nothing(session, held, now, settings):
    with pytest.raises(Invalid):  # an operator must say whose parcel it is
        unadvised.complete(session, held.id, claim(), None, now, settings)
    with pytest.raises(Conflict):
        unadvised.complete(session, held.id, claim("DHL"), "UPS", now, settings)
    assert (held.carrier, held.recipient_name) == (UNADVISED_CARRIER, "")
    unadvised.complete(session, held.id, claim("DHL"), None, now, settings)
    with pytest.raises(Conflict) as again:
        unadvised.complete(session, held.id, claim("DHL"), None, now, settings)
    assert again.value.code == "has_recipient"


def test_a_normal_parcel_is_refused(session, make_locker, parcel_data, now, settings):
    from cloud.services import parcels

    make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    with pytest.raises(Conflict) as refusal:
        unadvised.complete(session, parcel.id, claim("DHL"), None, now, settings)
    assert refusal.value.code == "not_unadvised"
