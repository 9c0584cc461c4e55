"""Optional coordinates on lockers (for the admin's map): stored, shown, range-checked."""

import pytest

from tests.cloud.api.test_lockers import LOCKER


def test_coordinates_are_kept_and_shown(client):
    response = client.post(
        "/api/v1/lockers", json={**LOCKER, "latitude": 52.52, "longitude": 13.405}
    )
    assert response.status_code == 201
    body = client.get("/api/v1/lockers/L1").json()
    assert (body["latitude"], body["longitude"]) == (52.52, 13.405)
    client.post("/api/v1/lockers", json={**LOCKER, "id": "L2"})
    [_, without] = client.get("/api/v1/lockers").json()
    assert (without["latitude"], without["longitude"]) == (None, None)


@pytest.mark.parametrize(
    "place",
    [
        {"latitude": 91, "longitude": 0},
        {"latitude": -90.5, "longitude": 0},
        {"latitude": 0, "longitude": 180.1},
        {"latitude": 0, "longitude": -181},
        {"latitude": 52.5},
        {"longitude": 13.4},
        {"latitude": "north", "longitude": 1},
    ],
)
def test_bad_coordinates_are_422_and_create_nothing(client, place):
    response = client.post("/api/v1/lockers", json={**LOCKER, **place})
    assert response.status_code == 422
    assert client.get("/api/v1/lockers/L1").status_code == 404
