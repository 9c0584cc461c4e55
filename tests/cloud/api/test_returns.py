"""POST /api/v1/returns: a carrier or retailer asks for a return drop-off and gets the code."""

import json

import pytest
from sqlmodel import Session, select

from cloud.models import OutboxMessage, Parcel

LOCKER = {
    "id": "L1",
    "name": "Main St",
    "compartments": [{"number": 1, "size": "S"}, {"number": 2, "size": "M"}],
}
RETURN = {
    "locker_id": "L1",
    "carrier": "acme",
    "size": "M",
    "contact": {"name": "Ada Lovelace", "email": "ada@example.org"},
}


@pytest.fixture
def locker(client):
    assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201


def test_a_carrier_gets_a_return_code_and_the_board_a_return(client, locker, credentials, engine):
    response = client.post("/api/v1/returns", json=RETURN, headers=credentials.carrier("acme"))
    assert response.status_code == 201
    body = response.json()
    assert (body["locker_id"], body["compartment"], body["size"]) == ("L1", 2, "M")
    assert body["return_code"].isdigit() and body["tracking_code"].startswith("RET-")
    assert "Ada" not in response.text
    with Session(engine) as session:
        [command] = session.exec(select(OutboxMessage).where(OutboxMessage.type == "return")).all()
        parcel = session.exec(select(Parcel)).one()
    assert json.loads(command.body)["cmp"] == 2 and body["return_code"] not in command.body
    assert (parcel.kind, parcel.state, parcel.carrier) == ("return", "reserved", "acme")


def test_dimensions_pick_the_smallest_compartment_that_fits(client, locker):
    fields = {**RETURN, "size": None, "width_mm": 300, "height_mm": 80, "depth_mm": 500}
    assert client.post("/api/v1/returns", json=fields).json()["compartment"] == 1


@pytest.mark.parametrize(
    "change, status",
    [
        ({"size": None}, 422),  # neither a size nor dimensions
        ({"size": "XXL"}, 422),
        ({"contact": {"name": "Ada"}}, 422),  # no way to send the code
        ({"locker_id": "NOPE"}, 404),
        ({"tracking_code": "bad code!"}, 422),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(client, locker, row_counts, change, status):
    before = row_counts()
    response = client.post("/api/v1/returns", json={**RETURN, **change})
    assert response.status_code == status and "detail" in response.json()
    assert row_counts() == before


def test_a_full_locker_is_a_conflict(client, locker):
    assert client.post("/api/v1/returns", json=RETURN).status_code == 201
    response = client.post("/api/v1/returns", json={**RETURN, "size": "L"})
    assert response.status_code == 409


def test_a_carrier_cannot_ask_in_another_carriers_name(client, locker, credentials, row_counts):
    acme = credentials.carrier("acme")
    before = row_counts()
    response = client.post("/api/v1/returns", json={**RETURN, "carrier": "bolt"}, headers=acme)
    assert response.status_code == 403 and row_counts() == before


def test_a_viewer_may_not(client, locker, credentials):
    assert (
        client.post(
            "/api/v1/returns", json=RETURN, headers=credentials.operator("viewer")
        ).status_code
        == 403
    )
