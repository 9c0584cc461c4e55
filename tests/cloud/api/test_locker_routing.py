"""PATCH /lockers/{id}/routing: the depot serving a locker, where it is, its access hours."""

import pytest
from sqlmodel import Session

from cloud.services import audit
from tests.cloud.api.test_depots import DEPOT
from tests.cloud.api.test_lockers import LOCKER

PLACE = {"latitude": 52.25, "longitude": 20.98}


@pytest.fixture
def locker(client):
    assert client.post("/api/v1/depots", json=DEPOT).status_code == 201
    assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201
    return LOCKER["id"]


def _routing(client, locker, **fields):
    return client.patch(f"/api/v1/lockers/{locker}/routing", json=fields)


def test_a_locker_gets_its_depot_place_and_access_hours(client, locker, engine):
    response = _routing(client, locker, depot_id="WAW1", access_hours="09:00-20:00", **PLACE)
    assert response.status_code == 200
    shown = client.get(f"/api/v1/lockers/{locker}").json()
    assert (shown["depot_id"], shown["access_hours"], shown["latitude"]) == (
        "WAW1",
        "09:00-20:00",
        52.25,
    )
    with Session(engine) as session:
        [entry] = audit.recent(session, action="locker_routing_set")
    assert entry.subject == locker and "09:00-20:00" in entry.detail


def test_only_the_fields_sent_change(client, locker):
    _routing(client, locker, depot_id="WAW1", access_hours="08:00-24:00", **PLACE)
    body = _routing(client, locker, access_hours="24/7").json()
    assert (body["depot_id"], body["access_hours"], body["longitude"]) == ("WAW1", "24/7", 20.98)
    body = _routing(client, locker, depot_id=None).json()
    assert (body["depot_id"], body["latitude"]) == (None, 52.25)


@pytest.mark.parametrize(
    "fields, named",
    [
        ({"depot_id": "NOPE", **PLACE}, "depot NOPE does not exist"),
        ({"depot_id": "WAW1"}, "locker L1 has no coordinates"),
        ({"depot_id": "WAW1", "latitude": 52.2}, "both latitude and longitude"),
        ({"latitude": 52.2, "longitude": None}, "both latitude and longitude"),
        ({"latitude": 95, "longitude": 20}, "latitude"),
        ({"access_hours": "20:00-09:00"}, "must end after they start"),
        ({"access_hours": "25:00-26:00"}, "access_hours"),
        ({"access_hours": "always"}, "access_hours"),
        ({"access_hours": None}, "access_hours"),
    ],
)
def test_bad_routing_is_422_naming_what_is_wrong_and_changes_nothing(
    client, locker, row_counts, fields, named
):
    before, shown = row_counts(), client.get(f"/api/v1/lockers/{locker}").json()
    response = _routing(client, locker, **fields)
    assert response.status_code == 422 and named in response.text
    assert row_counts() == before and client.get(f"/api/v1/lockers/{locker}").json() == shown


def test_clearing_the_coordinates_of_a_locker_a_depot_serves_is_422(client, locker):
    _routing(client, locker, depot_id="WAW1", **PLACE)
    response = _routing(client, locker, latitude=None, longitude=None)
    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "locker_without_coordinates"


def test_routing_an_unknown_locker_is_404(client, locker):
    assert _routing(client, "nope", access_hours="24/7").status_code == 404


def test_only_operators_set_routing(client, locker, credentials):
    viewer = credentials.operator("viewer")
    response = client.patch(
        f"/api/v1/lockers/{locker}/routing", json={"access_hours": "24/7"}, headers=viewer
    )
    assert response.status_code == 403


def test_a_locker_is_provisioned_with_its_depot_and_access_hours(client, locker):
    body = {**LOCKER, "id": "L2", **PLACE, "depot_id": "WAW1", "access_hours": "10:00-21:00"}
    assert client.post("/api/v1/lockers", json=body).status_code == 201
    shown = client.get("/api/v1/lockers/L2").json()
    assert (shown["depot_id"], shown["access_hours"]) == ("WAW1", "10:00-21:00")


@pytest.mark.parametrize(
    "fields, named",
    [
        ({"depot_id": "WAW1"}, "locker L2 has no coordinates"),
        ({"depot_id": "NOPE", **PLACE}, "depot NOPE does not exist"),
        ({"access_hours": "21:00-10:00"}, "must end after they start"),
    ],
)
def test_a_locker_provisioned_with_bad_routing_is_422_and_not_created(
    client, locker, row_counts, fields, named
):
    before = row_counts()
    response = client.post("/api/v1/lockers", json={**LOCKER, "id": "L2", **fields})
    assert response.status_code == 422 and named in response.text
    assert row_counts() == before
