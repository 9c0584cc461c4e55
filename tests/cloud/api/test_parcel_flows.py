"""Extension and delegation over the API: by the recipient's signed link, by the parcel's
carrier, refused to anyone else; bad input changes nothing."""
import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session

from cloud.core.clock import utcnow
from cloud.models import Locker, Parcel
from cloud.services import recipient_links
from cloud.services.device_events import apply_device_event

LOCKER = {"id": "L1", "name": "Main St", "compartments": [
    {"number": 1, "size": "M"}, {"number": 2, "size": "L", "accessible": True}]}
PARCEL = {"carrier": "DHL", "tracking_code": "JJD0001", "locker_id": "L1",
          "width_mm": 300, "height_mm": 150, "depth_mm": 500,
          "recipient": {"name": "Ada Lovelace", "phone": "+441234567890"}}


@pytest.fixture
def parcel(client, engine, settings):
    """JJD0001 pre-advised by the API and deposited by its board: its id."""
    assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201
    created = client.post("/api/v1/parcels", json=PARCEL).json()
    with Session(engine) as session:
        body = {"lkr": "L1", "seq": 1, "t": 1_893_499_200_000, "type": "deposited",
                "parcel": "JJD0001", "cmp": created["compartment"]}
        apply_device_event(session, session.get(Locker, "L1"), body, utcnow(), settings=settings)
        session.commit()
    return created["id"]


def link(settings, parcel_id):
    return recipient_links.link_token(settings, parcel_id, utcnow() + timedelta(days=3))


def test_the_recipient_extends_once_by_the_signed_link(anonymous, parcel, settings):
    response = anonymous.post(f"/api/v1/parcels/{parcel}/extend", params={"token": link(settings, parcel)})
    assert response.status_code == 200, response.text
    assert response.json()["extended_at"] is not None
    again = anonymous.post(f"/api/v1/parcels/{parcel}/extend", params={"token": link(settings, parcel)})
    assert again.status_code == 409 and again.json()["detail"]["code"] == "already_extended"


def test_a_link_for_another_parcel_or_a_forged_one_is_refused(anonymous, parcel, settings, engine):
    for token in (link(settings, "00000000-0000-0000-0000-000000000000"), "v1.bad.token", ""):
        response = anonymous.post(f"/api/v1/parcels/{parcel}/extend", params={"token": token})
        assert response.status_code == 401, token
    assert anonymous.post(f"/api/v1/parcels/{parcel}/extend").status_code == 401
    with Session(engine) as session:
        assert session.get(Parcel, uuid.UUID(parcel)).extended_at is None


def test_the_carrier_delegates_for_the_recipient_and_another_carrier_cannot(client, credentials, parcel, engine):
    other = client.post(f"/api/v1/parcels/{parcel}/delegate", json={"name": "Bob", "phone": "+449876543210"},
                        headers=credentials.carrier("UPS"))
    assert other.status_code == 404
    viewer = client.post(f"/api/v1/parcels/{parcel}/delegate", json={"name": "Bob", "phone": "+449876543210"},
                         headers=credentials.operator("viewer"))
    assert viewer.status_code == 403
    response = client.post(f"/api/v1/parcels/{parcel}/delegate", json={"name": "Bob", "phone": "+449876543210"},
                           headers=credentials.carrier("DHL"))
    assert response.status_code == 200, response.text
    assert response.json()["delegated"] is True and "Bob" not in response.text


@pytest.mark.parametrize("body", [{"name": "Bob"}, {"name": "", "phone": "+449876543210"},
                                  {"name": "Bob", "email": "not-an-email"}])
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
