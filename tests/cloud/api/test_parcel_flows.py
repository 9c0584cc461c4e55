"""Extension and delegation over the API: by the recipient's signed link, by the parcel's
carrier, refused to anyone else; bad input changes nothing."""

import json
import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from cloud.board_events import apply_device_event
from cloud.core.clock import utcnow
from cloud.models import AuditEntry, DoorRelease, Locker, Parcel
from cloud.services import recipient_links

LOCKER = {
    "id": "L1",
    "name": "Main St",
    "compartments": [{"number": 1, "size": "M"}, {"number": 2, "size": "L", "accessible": True}],
}
PARCEL = {
    "carrier": "DHL",
    "tracking_code": "JJD0001",
    "locker_id": "L1",
    "width_mm": 300,
    "height_mm": 150,
    "depth_mm": 500,
    "recipient": {"name": "Ada Lovelace", "phone": "+441234567890"},
}


@pytest.fixture
def parcel(client, engine, settings):
    """JJD0001 pre-advised by the API and deposited by its board: its id."""
    assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201
    created = client.post("/api/v1/parcels", json=PARCEL).json()
    with Session(engine) as session:
        body = {
            "lkr": "L1",
            "seq": 1,
            "t": 1_893_499_200_000,
            "type": "deposited",
            "parcel": "JJD0001",
            "cmp": created["compartment"],
        }
        apply_device_event(session, session.get(Locker, "L1"), body, utcnow(), settings=settings)
        session.commit()
    return created["id"]


def link(settings, parcel_id):
    return recipient_links.link_token(settings, parcel_id, utcnow() + timedelta(days=3))


def test_the_recipient_extends_once_by_the_signed_link(anonymous, parcel, settings):
    response = anonymous.post(
        f"/api/v1/parcels/{parcel}/extend", params={"token": link(settings, parcel)}
    )
    assert response.status_code == 200, response.text
    assert response.json()["extended_at"] is not None
    again = anonymous.post(
        f"/api/v1/parcels/{parcel}/extend", params={"token": link(settings, parcel)}
    )
    assert again.status_code == 409 and again.json()["detail"]["code"] == "already_extended"


def test_a_link_for_another_parcel_or_a_forged_one_is_refused(anonymous, parcel, settings, engine):
    for token in (link(settings, "00000000-0000-0000-0000-000000000000"), "v1.bad.token", ""):
        response = anonymous.post(f"/api/v1/parcels/{parcel}/extend", params={"token": token})
        assert response.status_code == 401, token
    assert anonymous.post(f"/api/v1/parcels/{parcel}/extend").status_code == 401
    with Session(engine) as session:
        assert session.get(Parcel, uuid.UUID(parcel)).extended_at is None


def test_the_recipient_delegates_by_the_signed_link(anonymous, parcel, settings, engine):
    response = anonymous.post(
        f"/api/v1/parcels/{parcel}/delegate",
        params={"token": link(settings, parcel)},
        json={"name": "Bob", "phone": "+449876543210"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["delegated"] is True and "Bob" not in response.text
    with Session(engine) as session:
        [release] = session.exec(select(DoorRelease)).all()
    assert (release.kind, release.actor, release.counted, release.outcome) == (
        "delegation",
        "recipient",
        False,
        "issued",
    )


def test_an_operator_delegates_only_with_a_reason_and_carriers_and_viewers_not_at_all(
    client, credentials, parcel, engine
):
    bob = {"name": "Bob", "phone": "+449876543210"}
    for headers in (credentials.carrier("UPS"), credentials.carrier("DHL")):  # another's, its own
        refused = client.post(f"/api/v1/parcels/{parcel}/delegate", json=bob, headers=headers)
        assert (
            refused.status_code == 403
            and refused.json()["detail"]["code"] == "delegation_forbidden"
        )
    viewer = client.post(
        f"/api/v1/parcels/{parcel}/delegate", json=bob, headers=credentials.operator("viewer")
    )
    assert viewer.status_code == 403
    operator = credentials.operator("operator", "olga")
    no_reason = client.post(f"/api/v1/parcels/{parcel}/delegate", json=bob, headers=operator)
    assert no_reason.status_code == 422 and no_reason.json()["detail"]["code"] == "reason_required"
    with Session(engine) as session:
        assert session.exec(select(DoorRelease)).all() == []  # bad input changes nothing
    response = client.post(
        f"/api/v1/parcels/{parcel}/delegate",
        json={**bob, "reason": "recipient called"},
        headers=operator,
    )
    assert response.status_code == 200, response.text
    assert response.json()["delegated"] is True and "Bob" not in response.text
    with Session(engine) as session:
        [release] = session.exec(select(DoorRelease)).all()
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "door_release")).all()
    assert (release.actor, release.reason, release.counted) == (
        "operator:olga",
        "recipient called",
        True,
    )
    assert (
        entry.actor == "operator:olga" and json.loads(entry.detail)["reason"] == "recipient called"
    )


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Bob"},
        {"name": "", "phone": "+449876543210"},
        {"name": "Bob", "email": "not-an-email"},
    ],
)
def test_a_bad_delegate_is_refused_and_changes_nothing(client, parcel, body, row_counts):
    before = row_counts()
    response = client.post(f"/api/v1/parcels/{parcel}/delegate", json=body)
    assert response.status_code == 422
    assert row_counts() == before


def test_an_accessible_preadvice_gets_the_low_compartment(client):
    assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201
    accessible = {**PARCEL, "recipient": {**PARCEL["recipient"], "accessible": True}}
    response = client.post("/api/v1/parcels", json=accessible)
    assert response.status_code == 201
    assert (response.json()["compartment"], response.json()["accessible"]) == (2, True)
    second = client.post("/api/v1/parcels", json={**accessible, "tracking_code": "JJD0002"})
    assert second.status_code == 409 and second.json()["detail"]["code"] == "locker_full"
