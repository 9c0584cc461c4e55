"""Claiming unadvised parcels in bulk (issue 10): a courier leaves parcels without pre-advice;
until a carrier or an operator names their recipient they belong to nobody, and whoever names
the recipient decides whose phone the PIN goes to. A stolen carrier key (or operator login)
claiming every unadvised parcel for one outside phone is a door release for someone other than
the recipient: it shares the door-release budget and the contact watch with delegations."""

import pytest
from sqlmodel import Session, select

from cloud.core.clock import utcnow
from cloud.models import Alarm, Compartment, Parcel
from cloud.models.door_release import CLAIM
from tests.security.door_world import THIEF_PHONE, DoorWorld, code_of


@pytest.fixture
def world(client, engine, settings):
    """Lockers U1 and U2, each with four unadvised parcels a courier left there."""
    world = DoorWorld(client, engine, settings)
    for locker_id in ("U1", "U2"):
        world.locker(locker_id, 4)
        for n in range(4):
            _left_unadvised(world, locker_id, f"{locker_id}UN{n}")
    return world


def _left_unadvised(world: DoorWorld, locker_id: str, code: str) -> None:
    world.board_event(locker_id, "unadvised", utcnow(), parcel=code, size="M")
    with Session(world.engine) as session:
        parcel = session.exec(select(Parcel).where(Parcel.tracking_code == code)).one()
        parcel_id, number = str(parcel.id), session.get(Compartment, parcel.compartment_id).number
    world.board_event(locker_id, "deposited", utcnow(), parcel=code, cmp=number)
    world.parcels[locker_id].append(parcel_id)
    world.codes[parcel_id] = code


def _claim(world: DoorWorld, parcel_id: str, headers, phone: str = THIEF_PHONE, carrier=None):
    body = {"recipient": {"name": "Mallory", "phone": phone}}
    if carrier is not None:
        body["carrier"] = carrier
    return world.client.put(f"/api/v1/parcels/{parcel_id}/recipient", json=body, headers=headers)


def test_a_carrier_key_claiming_every_unadvised_parcel_is_stopped_by_the_budget(world, credentials):
    thief = credentials.carrier("acme")
    answers = [_claim(world, parcel_id, thief) for parcel_id in world.all_parcels()]
    granted = [a for a in answers if a.status_code == 200]
    assert len(granted) == 3 + 3  # three per locker an hour, then 429
    refused = {code_of(a) for a in answers if a.status_code != 200}
    assert refused <= {"claim_locker_limit", "delegate_contact_limit"}, refused
    claims = [r for r in world.ledger() if r.kind == CLAIM]
    assert len(claims) == 8 and all(r.actor == "carrier:acme" and r.counted for r in claims)
    with Session(world.engine) as session:  # the refused ones are still nobody's
        still_open = session.exec(select(Parcel).where(Parcel.carrier == "unadvised")).all()
    assert len(still_open) == 2
    assert world.sent_to(THIEF_PHONE) == len(granted)
    assert "delegate_contact" in _alarm_kinds(world)  # one outside phone, parcel after parcel


def test_claims_and_delegations_share_one_budget(world, credentials):
    operator = credentials.operator("operator", "mallory")
    u1 = world.parcels["U1"]
    assert _claim(world, u1[0], operator, carrier="DHL").status_code == 200
    assert _claim(world, u1[1], operator, carrier="DHL").status_code == 200
    assert world.delegate(u1[0], operator).status_code == 200  # the third release at U1
    before = world.effects()
    fourth = _claim(world, u1[2], operator, carrier="DHL")
    assert fourth.status_code == 429 and code_of(fourth) == "claim_locker_limit"
    assert world.effects() == before  # no credential, no command, no message
    assert _claim(world, world.parcels["U2"][0], operator, carrier="DHL").status_code == 200


def _alarm_kinds(world: DoorWorld) -> set[str]:
    with Session(world.engine) as session:
        return set(session.exec(select(Alarm.kind)).all())
