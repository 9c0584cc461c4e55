import pytest
from sqlmodel import Session

from cloud.services import audit
from tests.cloud.api.test_vehicle_types import BIKE, E_VAN

DEPOT = {
    "id": "WAW1",
    "name": "Warsaw Wola",
    "address": "Kasprzaka 1",
    "latitude": 52.23,
    "longitude": 20.96,
    "timezone": "Europe/Warsaw",
    "opens": "05:00",
    "closes": "21:00",
    "cutoffs": "12:00, 06:00",
}


@pytest.fixture
def depot(client):
    """A depot with two vehicle types set up (no vehicles yet)."""
    assert client.post("/api/v1/depots", json=DEPOT).status_code == 201
    for vehicle_type in (E_VAN, BIKE):
        assert client.post("/api/v1/vehicle-types", json=vehicle_type).status_code == 201
    return DEPOT["id"]


def test_a_depot_is_set_up_read_and_listed(client):
    response = client.post("/api/v1/depots", json=DEPOT)
    assert response.status_code == 201
    body = response.json()
    assert body["cutoffs"] == "06:00,12:00" and body["vehicles"] == {}
    assert client.get("/api/v1/depots/WAW1").json() == body
    client.post("/api/v1/depots", json={**DEPOT, "id": "KRK1"})
    assert [d["id"] for d in client.get("/api/v1/depots").json()] == ["KRK1", "WAW1"]


def test_an_unknown_depot_is_404(client):
    response = client.get("/api/v1/depots/nope")
    assert response.status_code == 404 and response.json()["detail"]["code"] == "depot_not_found"


def test_a_second_depot_with_the_same_id_is_409_and_changes_nothing(client, depot, row_counts):
    before = row_counts()
    response = client.post("/api/v1/depots", json={**DEPOT, "name": "other"})
    assert response.status_code == 409 and response.json()["detail"]["code"] == "duplicate_depot"
    assert row_counts() == before


@pytest.mark.parametrize(
    "change, named",
    [
        ({"timezone": "Europe/Atlantis"}, "unknown time zone 'Europe/Atlantis'"),
        ({"timezone": "../etc/passwd"}, "unknown time zone"),
        ({"opens": "25:00"}, "opens"),
        ({"closes": "9pm"}, "closes"),
        ({"opens": "21:00", "closes": "05:00"}, "must close after it opens"),
        ({"cutoffs": "06:00,6am"}, "cut-off '6am' is not a time of day"),
        ({"cutoffs": " , "}, "at least one cut-off"),
        ({"latitude": 91}, "latitude"),
        ({"longitude": None}, "longitude"),
        ({"id": "has space"}, "id"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_depots_are_422_naming_what_is_wrong_and_change_nothing(
    client, row_counts, change, named
):
    before = row_counts()
    response = client.post("/api/v1/depots", json={**DEPOT, **change})
    assert response.status_code == 422 and named in response.text
    assert row_counts() == before


def test_patch_changes_only_the_fields_sent_and_is_audited(client, depot, engine):
    response = client.patch(f"/api/v1/depots/{depot}", json={"closes": "22:30", "cutoffs": "07:00"})
    assert response.status_code == 200
    body = response.json()
    assert (body["closes"], body["cutoffs"], body["opens"], body["name"]) == (
        "22:30",
        "07:00",
        "05:00",
        DEPOT["name"],
    )
    with Session(engine) as session:
        [entry] = audit.recent(session, action="depot_updated")
    assert (entry.subject, entry.actor) == (depot, "operator:admin-1")
    assert "22:30" in entry.detail


@pytest.mark.parametrize(
    "change, named",
    [
        ({"name": None}, "name cannot be null"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"closes": "04:00"}, "must close after it opens"),
        ({"opens": "5"}, "opens"),
        ({"cutoffs": "noon"}, "cut-off 'noon'"),
    ],
)
def test_a_bad_patch_is_422_and_changes_nothing(client, depot, row_counts, change, named):
    before, shown = row_counts(), client.get(f"/api/v1/depots/{depot}").json()
    response = client.patch(f"/api/v1/depots/{depot}", json=change)
    assert response.status_code == 422 and named in response.text
    assert row_counts() == before and client.get(f"/api/v1/depots/{depot}").json() == shown


def test_patching_an_unknown_depot_is_404(client):
    assert client.patch("/api/v1/depots/nope", json={"name": "x"}).status_code == 404


def _fleet(client, depot, vehicles):
    return client.put(f"/api/v1/depots/{depot}/fleet", json={"vehicles": vehicles})


def _in_service(client, depot):
    vehicles = client.get(f"/api/v1/depots/{depot}/vehicles").json()
    return {v["id"]: v["in_service"] for v in vehicles}


def test_the_fleet_is_set_to_exactly_the_counts_given(client, depot):
    response = _fleet(client, depot, {"e-van": 2, "bike": 1})
    assert response.status_code == 200
    assert [v["id"] for v in response.json()] == ["WAW1-bike-1", "WAW1-e-van-1", "WAW1-e-van-2"]
    assert client.get(f"/api/v1/depots/{depot}").json()["vehicles"] == {"bike": 1, "e-van": 2}


def test_fewer_vehicles_are_taken_out_of_service_never_deleted(client, depot):
    _fleet(client, depot, {"e-van": 2, "bike": 1})
    _fleet(client, depot, {"e-van": 1})  # a type left out: none in service
    assert _in_service(client, depot) == {
        "WAW1-bike-1": False,
        "WAW1-e-van-1": True,
        "WAW1-e-van-2": False,
    }
    assert client.get(f"/api/v1/depots/{depot}").json()["vehicles"] == {"e-van": 1}


def test_more_vehicles_bring_retired_ones_back_before_new_ones(client, depot):
    _fleet(client, depot, {"e-van": 2})
    _fleet(client, depot, {"e-van": 1})
    _fleet(client, depot, {"e-van": 11})
    vehicles = client.get(f"/api/v1/depots/{depot}/vehicles").json()
    assert [v["id"] for v in vehicles] == [f"WAW1-e-van-{n}" for n in range(1, 12)]
    assert all(v["in_service"] for v in vehicles)


def test_setting_the_fleet_is_audited(client, depot, engine):
    _fleet(client, depot, {"bike": 3})
    with Session(engine) as session:
        [entry] = audit.recent(session, action="fleet_set")
    assert entry.subject == depot and '"bike":3' in entry.detail


@pytest.mark.parametrize(
    "vehicles, named",
    [
        ({"e-van": 1, "hovercraft": 2}, "unknown vehicle type hovercraft"),
        ({"e-van": -1}, "between 0 and 500"),
        ({"e-van": 501}, "between 0 and 500"),
        ({"e-van": "two"}, "vehicles"),
    ],
)
def test_a_bad_fleet_is_422_and_changes_nothing(client, depot, row_counts, vehicles, named):
    _fleet(client, depot, {"e-van": 2})
    before = row_counts()
    response = _fleet(client, depot, vehicles)
    assert response.status_code == 422 and named in response.text
    assert row_counts() == before
    assert _in_service(client, depot) == {"WAW1-e-van-1": True, "WAW1-e-van-2": True}


def test_vehicle_ids_too_long_for_their_column_are_422(client, row_counts):
    long_id = "D" * 32
    client.post("/api/v1/depots", json={**DEPOT, "id": long_id})
    client.post("/api/v1/vehicle-types", json={**E_VAN, "id": "t" * 32})
    before = row_counts()
    response = _fleet(client, long_id, {"t" * 32: 1})
    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "vehicle_id_too_long"
    assert row_counts() == before


def test_the_fleet_of_an_unknown_depot_is_404(client, depot):
    assert _fleet(client, "nope", {"e-van": 1}).status_code == 404
    assert client.get("/api/v1/depots/nope/vehicles").status_code == 404


def test_viewers_read_depots_and_only_operators_change_them(client, depot, credentials):
    viewer = credentials.operator("viewer")
    assert client.get(f"/api/v1/depots/{depot}", headers=viewer).status_code == 200
    assert client.get(f"/api/v1/depots/{depot}/vehicles", headers=viewer).status_code == 200
    for method, path, body in [
        ("POST", "/api/v1/depots", {**DEPOT, "id": "X"}),
        ("PATCH", f"/api/v1/depots/{depot}", {"name": "x"}),
        ("PUT", f"/api/v1/depots/{depot}/fleet", {"vehicles": {"bike": 1}}),
    ]:
        assert client.request(method, path, json=body, headers=viewer).status_code == 403
    carrier = credentials.carrier("DHL")
    assert client.get("/api/v1/depots", headers=carrier).status_code == 403
