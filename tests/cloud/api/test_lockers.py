import pytest

LOCKER = {
    "id": "L1",
    "name": "Main St",
    "address": "1 Main St",
    "compartments": [{"number": 1, "size": "S"}, {"number": 2, "size": "L"}],
}


def test_provisioning_returns_the_board_key_once(client):
    response = client.post("/api/v1/lockers", json=LOCKER)
    assert response.status_code == 201
    body = response.json()
    assert len(bytes.fromhex(body["device_key"])) == 32
    assert [(c["number"], c["size"], c["state"]) for c in body["compartments"]] == [
        (1, "S", "free"),
        (2, "L", "free"),
    ]
    assert "device_key" not in client.get("/api/v1/lockers/L1").json()
    assert all("device_key" not in locker for locker in client.get("/api/v1/lockers").json())


def test_a_locker_shows_its_compartments_and_connection(client):
    client.post("/api/v1/lockers", json=LOCKER)
    body = client.get("/api/v1/lockers/L1").json()
    assert (body["id"], body["online"], body["last_seen_at"]) == ("L1", False, None)
    assert body["compartments"][1] == {
        "number": 2,
        "size": "L",
        "width_mm": 380,
        "height_mm": 410,
        "depth_mm": 640,
        "state": "free",
        "parcel_id": None,
        "accessible": False,
    }


def test_lists_lockers(client):
    client.post("/api/v1/lockers", json=LOCKER)
    client.post("/api/v1/lockers", json={**LOCKER, "id": "L0"})
    assert [locker["id"] for locker in client.get("/api/v1/lockers").json()] == ["L0", "L1"]


def test_unknown_locker_is_404(client):
    response = client.get("/api/v1/lockers/nope")
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "locker_not_found"


def test_a_second_locker_with_the_same_id_is_409(client):
    client.post("/api/v1/lockers", json=LOCKER)
    response = client.post("/api/v1/lockers", json=LOCKER)
    assert response.status_code == 409 and response.json()["detail"]["code"] == "duplicate_locker"


@pytest.mark.parametrize(
    "change",
    [
        {"id": "has space"},
        {"id": "x" * 33},
        {"id": ""},
        {"name": ""},
        {"compartments": []},
        {"compartments": [{"number": 1, "size": "XL"}]},
        {"compartments": [{"number": 0, "size": "S"}]},
        {"compartments": [{"number": 1, "size": "S"}, {"number": 1, "size": "M"}]},
    ],
)
def test_invalid_lockers_are_422_and_change_nothing(client, row_counts, change):
    before = row_counts()
    assert client.post("/api/v1/lockers", json={**LOCKER, **change}).status_code == 422
    assert row_counts() == before
