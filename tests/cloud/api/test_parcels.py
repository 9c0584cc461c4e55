import json
import uuid

import pytest
from sqlmodel import Session, select

from cloud.models import Alarm, OutboxMessage, Parcel

LOCKER = {
    "id": "L1",
    "name": "Main St",
    "compartments": [
        {"number": 1, "size": "L"},
        {"number": 2, "size": "S"},
        {"number": 3, "size": "M"},
    ],
}
PARCEL = {
    "carrier": "DHL",
    "tracking_code": "JJD0001",
    "locker_id": "L1",
    "width_mm": 300,
    "height_mm": 150,
    "depth_mm": 500,
    "recipient": {"name": "Ada Lovelace", "phone": "+441234567890", "email": "ada@example.org"},
}


@pytest.fixture
def locker(client):
    assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201


def test_preadvice_reserves_a_compartment_and_queues_the_reserve(client, locker, engine):
    response = client.post("/api/v1/parcels", json=PARCEL)
    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["compartment"], body["size"]) == ("reserved", 3, "M")
    assert "recipient" not in body and "Ada" not in response.text
    with Session(engine) as session:
        [command] = session.exec(select(OutboxMessage).where(OutboxMessage.type == "reserve")).all()
    assert json.loads(command.body) == {"parcel": "JJD0001", "cmp": 3, "asof": 0}


def test_a_parcel_can_be_read_back_and_found(client, locker):
    created = client.post("/api/v1/parcels", json=PARCEL).json()
    assert client.get(f"/api/v1/parcels/{created['id']}").json() == created
    assert client.get(
        "/api/v1/parcels", params={"carrier": "DHL", "tracking_code": "JJD0001"}
    ).json() == [created]
    assert client.get("/api/v1/parcels", params={"carrier": "UPS"}).json() == []


def test_an_unknown_parcel_is_404(client):
    assert client.get(f"/api/v1/parcels/{uuid.uuid4()}").status_code == 404
    assert client.post(f"/api/v1/parcels/{uuid.uuid4()}/cancel").status_code == 404


def test_a_duplicate_is_409_and_changes_nothing(client, locker, row_counts):
    client.post("/api/v1/parcels", json=PARCEL)
    before = row_counts()
    response = client.post("/api/v1/parcels", json=PARCEL)
    assert response.status_code == 409
    assert response.json() == {
        "detail": {"code": "duplicate_parcel", "message": "parcel JJD0001 is already announced"}
    }
    assert row_counts() == before


def test_too_big_is_409_and_changes_nothing(client, locker, row_counts):
    before = row_counts()
    response = client.post(
        "/api/v1/parcels", json={**PARCEL, "width_mm": 500, "height_mm": 500, "depth_mm": 700}
    )
    assert (
        response.status_code == 409 and response.json()["detail"]["code"] == "no_compartment_fits"
    )
    assert row_counts() == before


def test_a_full_locker_is_409(client, locker):
    for n in range(3):
        assert (
            client.post(
                "/api/v1/parcels", json={**PARCEL, "tracking_code": f"P{n}", "height_mm": 80}
            ).status_code
            == 201
        )
    response = client.post("/api/v1/parcels", json={**PARCEL, "tracking_code": "P9"})
    assert response.status_code == 409 and response.json()["detail"]["code"] == "locker_full"


def test_a_full_locker_leaves_its_alarm_although_the_preadvice_fails(client, locker, engine):
    for n in range(3):
        client.post("/api/v1/parcels", json={**PARCEL, "tracking_code": f"P{n}", "height_mm": 80})
    for n in range(2):
        response = client.post("/api/v1/parcels", json={**PARCEL, "tracking_code": f"Q{n}"})
        assert response.status_code == 409 and response.json()["detail"]["code"] == "locker_full"
    with Session(engine) as session:  # committed by the request's session (cloud/web/deps.py)
        [alarm] = session.exec(select(Alarm)).all()
        assert session.exec(select(Parcel).where(Parcel.tracking_code.startswith("Q"))).all() == []
    assert (alarm.locker_id, alarm.kind, alarm.count, alarm.resolved_at) == ("L1", "full", 2, None)


def test_an_unknown_locker_is_404_and_changes_nothing(client, row_counts):
    before = row_counts()
    response = client.post("/api/v1/parcels", json={**PARCEL, "locker_id": "nowhere"})
    assert response.status_code == 404 and response.json()["detail"]["code"] == "locker_not_found"
    assert row_counts() == before


def without(field):
    return {k: v for k, v in PARCEL.items() if k != field}


@pytest.mark.parametrize(
    "body",
    [
        without("carrier"),
        without("tracking_code"),
        without("locker_id"),
        without("width_mm"),
        without("recipient"),
        {**PARCEL, "tracking_code": "JJD 0001"},
        {**PARCEL, "tracking_code": "X" * 33},
        {**PARCEL, "width_mm": 0},
        {**PARCEL, "depth_mm": -5},
        {**PARCEL, "height_mm": 100_000},
        {**PARCEL, "width_mm": "wide"},
        {**PARCEL, "carrier": ""},
        {**PARCEL, "recipient": {"name": "Ada"}},
        {**PARCEL, "recipient": {"name": "Ada", "phone": "call me"}},
        {**PARCEL, "recipient": {"name": "Ada", "email": "not-an-address"}},
        {**PARCEL, "recipient": {"phone": "+441234567890"}},
    ],
)
def test_missing_or_invalid_fields_are_422_and_change_nothing(client, locker, row_counts, body):
    before = row_counts()
    assert client.post("/api/v1/parcels", json=body).status_code == 422
    assert row_counts() == before


def test_cancel_frees_the_compartment_once(client, locker):
    created = client.post("/api/v1/parcels", json=PARCEL).json()
    response = client.post(f"/api/v1/parcels/{created['id']}/cancel")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["compartment"]) == ("cancelled", None)
    assert client.get("/api/v1/lockers/L1").json()["compartments"][2]["state"] == "free"
    again = client.post(f"/api/v1/parcels/{created['id']}/cancel")
    assert again.status_code == 409 and again.json()["detail"]["code"] == "not_cancellable"
