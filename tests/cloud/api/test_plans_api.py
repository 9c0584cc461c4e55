"""Planning a depot's wave over the API: plan, re-plan, manifests, couriers, KPIs (real PyVRP,
real database; solver budgets kept to a second)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from cloud.services import courier_routes
from tests.cloud.api.test_depots import DEPOT
from tests.cloud.api.test_vehicle_types import BIKE, E_VAN

SECONDS = 0.5
# Lockers a few km around the depot (Warsaw's centre), six compartments each.
PLACES = [(52.2297, 21.0122), (52.2400, 21.0300), (52.2150, 20.9900), (52.2500, 20.9800),
          (52.2050, 21.0400), (52.2350, 20.9600)]  # fmt: skip
SIZES = "SSSMML"
PARCELS = 20


def zone_at_ten() -> str:
    """An Etc/GMT zone where it is about 10:00 now, so every shift (06:00-18:00) has hours left
    whenever the tests run (the API's clock is the real one)."""
    offset = (10 - datetime.now(UTC).hour + 12) % 24 - 12  # hours east of UTC, -12..11
    return "Etc/GMT" + ("+%d" % -offset if offset <= 0 else "-%d" % offset)


@pytest.fixture
def world(client):
    """Depot D1 with two e-vans and a cargo bike, six lockers it serves, twenty parcels."""
    depot = {**DEPOT, "id": "D1", "latitude": 52.2297, "longitude": 21.0122}
    depot |= {"timezone": zone_at_ten(), "opens": "00:00", "closes": "23:59"}
    assert client.post("/api/v1/depots", json=depot).status_code == 201
    for kind in (E_VAN, BIKE):
        assert client.post("/api/v1/vehicle-types", json=kind).status_code == 201
    fleet = client.put("/api/v1/depots/D1/fleet", json={"vehicles": {"e-van": 2, "bike": 1}})
    assert fleet.status_code == 200
    lockers = [f"L{n}" for n in range(1, len(PLACES) + 1)]
    for locker_id, (latitude, longitude) in zip(lockers, PLACES):
        _locker(client, locker_id, latitude, longitude)
    parcels = [_parcel(client, n, lockers[n % len(lockers)]) for n in range(PARCELS)]
    return {"lockers": lockers, "parcels": parcels}


def _locker(client, locker_id, latitude, longitude):
    compartments = [{"number": n, "size": s} for n, s in enumerate(SIZES, 1)]
    body = {"id": locker_id, "name": f"Locker {locker_id}", "compartments": compartments}
    assert client.post("/api/v1/lockers", json=body).status_code == 201
    place = {"depot_id": "D1", "latitude": latitude, "longitude": longitude}
    assert client.patch(f"/api/v1/lockers/{locker_id}/routing", json=place).status_code == 200


def _parcel(client, n, locker_id):
    body = {
        "carrier": "DHL",
        "tracking_code": f"JJD{n:04d}",
        "locker_id": locker_id,
        "width_mm": 200,
        "height_mm": 80,
        "depth_mm": 300,
        "recipient": {"name": "Ada Lovelace", "phone": "+441234567890"},
    }
    response = client.post("/api/v1/parcels", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _plan(client, depot_id="D1", **fields):
    return client.post(f"/api/v1/depots/{depot_id}/plans", json={"seconds": SECONDS, **fields})


def _accounted(plan) -> dict[str, str]:
    """parcel id -> the vehicle carrying it, or the reason it is not routed."""
    found = {}
    for route in plan["routes"]:
        for stop in route["stops_list"]:
            for parcel in stop["parcels"]:
                found[str(parcel["parcel_id"])] = route["vehicle_id"]
    for parcel in plan["unrouted"]:
        assert parcel["reason"], parcel
        found[str(parcel["parcel_id"])] = parcel["reason"]
    return found


def test_a_wave_is_planned_into_routes_and_every_parcel_is_accounted_for(client, world):
    response = _plan(client)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert (plan["depot_id"], plan["state"], plan["replaces"]) == ("D1", "active", None)
    assert plan["routes"] and all(route["stops_list"] for route in plan["routes"])
    assert set(_accounted(plan)) == set(world["parcels"])
    routed = sum(len(s["parcels"]) for r in plan["routes"] for s in r["stops_list"])
    assert routed == plan["parcels"] > 0
    for route in plan["routes"]:
        assert [s["seq"] for s in route["stops_list"]] == list(
            range(1, len(route["stops_list"]) + 1)
        )
    assert client.get(f"/api/v1/plans/{plan['id']}").json() == plan
    [listed] = client.get("/api/v1/depots/D1/plans", params={"day": plan["day"]}).json()
    assert listed["id"] == plan["id"]
    assert all(route["stops_list"] == [] for route in listed["routes"])  # a list, not the stops


def test_a_replan_without_a_broken_down_van_moves_its_parcels(client, world):
    plan = _plan(client).json()
    broken = max(plan["routes"], key=lambda r: len(r["stops_list"]))["vehicle_id"]
    response = client.post(
        f"/api/v1/plans/{plan['id']}/replan", json={"seconds": SECONDS, "broken_down": [broken]}
    )
    assert response.status_code == 201, response.text
    new = response.json()
    assert new["id"] != plan["id"] and new["replaces"] == plan["id"]
    assert new["changes"]["broken_down"] == [broken]
    assert set(_accounted(new)) == set(world["parcels"])
    left = [r for r in new["routes"] if r["vehicle_id"] == broken]
    assert all(stop["done_at"] for route in left for stop in route["stops_list"])  # driven only
    assert client.get(f"/api/v1/plans/{plan['id']}").json()["state"] == "replaced"
    again = client.post(f"/api/v1/plans/{plan['id']}/replan", json={"seconds": SECONDS})
    assert again.status_code == 409, again.text  # only the active plan is re-planned


def test_a_manifest_lists_the_stops_in_order_with_what_to_drop(client, world):
    plan = _plan(client).json()
    route = plan["routes"][0]
    response = client.get(f"/api/v1/plans/{plan['id']}/routes/{route['id']}/manifest")
    assert response.status_code == 200
    manifest = response.json()
    assert manifest["vehicle_id"] == route["vehicle_id"]
    assert [s["locker_id"] for s in manifest["stops"]] == [
        s["locker_id"] for s in route["stops_list"]
    ]
    etas = [s["eta"] for s in manifest["stops"]]
    assert etas == sorted(etas)
    dropped = {str(p["parcel_id"]) for s in manifest["stops"] for p in s["drop"]}
    assert dropped == {
        str(p["parcel_id"])
        for s in route["stops_list"]
        for p in s["parcels"]
        if p["action"] == "deliver"
    }


def test_a_courier_given_a_route_gets_exactly_its_lockers(client, world, engine):
    plan = _plan(client).json()
    route = plan["routes"][0]
    courier = client.post("/api/v1/couriers", json={"name": "Sam"}).json()
    path = f"/api/v1/plans/{plan['id']}/routes/{route['id']}/courier"
    response = client.put(path, json={"courier_id": courier["id"]})
    assert response.status_code == 200, response.text
    assert response.json()["courier_id"] == courier["id"]
    with Session(engine) as session:
        day = datetime.fromisoformat(plan["starts_at"]).date()  # courier routes: UTC days
        lockers = courier_routes.route_of(session, uuid.UUID(courier["id"]), day)
    assert lockers == sorted({s["locker_id"] for s in route["stops_list"]})


def test_couriers_named_in_the_request_get_the_routes_in_order(client, world):
    courier = client.post("/api/v1/couriers", json={"name": "Sam"}).json()
    response = _plan(client, couriers=[courier["id"]])
    assert response.status_code == 201, response.text
    first = response.json()["routes"][0]
    assert (first["courier_id"], first["courier_name"]) == (courier["id"], "Sam")


def test_routing_kpis_are_read_from_the_plans(client, world):
    plan = _plan(client).json()
    response = client.get("/api/v1/kpis/routing", params={"depot_id": "D1"})
    assert response.status_code == 200, response.text
    kpis = response.json()
    assert kpis["plans"] == 1 and kpis["stops_planned"] == plan["stops"]
    assert kpis["km"] == pytest.approx(plan["km"], rel=0.01)


def test_bad_plan_requests_are_refused_and_change_nothing(client, world, row_counts):
    before = row_counts()
    assert _plan(client, depot_id="nope").status_code == 404
    assert _plan(client, seconds=0).status_code == 422
    assert _plan(client, seconds=-1).status_code == 422
    unknown = uuid.uuid4()
    response = _plan(client, couriers=[str(unknown)])
    assert response.status_code == 404 and response.json()["detail"]["code"] == "courier_not_found"
    assert client.get(f"/api/v1/plans/{unknown}").status_code == 404
    assert client.post(f"/api/v1/plans/{unknown}/replan", json={}).status_code == 404
    assert client.get(f"/api/v1/plans/{unknown}/routes/1/manifest").status_code == 404
    assert client.get("/api/v1/kpis/routing", params={"depot_id": "nope"}).status_code == 404
    now = datetime.now(UTC).replace(tzinfo=None)
    window = {"since": now.isoformat(), "until": (now - timedelta(days=1)).isoformat()}
    response = client.get("/api/v1/kpis/routing", params=window)
    assert response.status_code == 422 and "must be before" in response.text
    assert row_counts() == before


def test_a_depot_without_vehicles_is_422_and_plans_nothing(client, world, row_counts):
    assert client.put("/api/v1/depots/D1/fleet", json={"vehicles": {}}).status_code == 200
    before = row_counts()
    response = _plan(client)
    assert response.status_code == 422
    assert "depot D1 has no vehicle in service" in response.json()["detail"]["message"]
    assert row_counts() == before


def test_bad_replans_and_assignments_are_refused_and_change_nothing(client, world, row_counts):
    plan = _plan(client).json()
    route = plan["routes"][0]
    before = row_counts()
    replan = f"/api/v1/plans/{plan['id']}/replan"
    assert client.post(replan, json={"seconds": 0}).status_code == 422
    unknown_van = client.post(replan, json={"broken_down": ["no-such-van"]})
    assert unknown_van.status_code == 404 and "no-such-van" in unknown_van.text
    offline = client.post(replan, json={"offline": ["NOPE"]})
    assert offline.status_code == 404 and "NOPE" in offline.text
    blocked = client.post(replan, json={"blocked": [["D1", "NOPE"]]})
    assert blocked.status_code == 404 and "NOPE" in blocked.text
    to_itself = client.post(replan, json={"blocked": [["L1", "L1"]]})
    assert to_itself.status_code == 422 and "itself" in to_itself.text
    courier = f"/api/v1/plans/{plan['id']}/routes/{route['id']}/courier"
    assert client.put(courier, json={"courier_id": str(uuid.uuid4())}).status_code == 404
    assert client.put(courier, json={"courier_id": "sam"}).status_code == 422
    other = f"/api/v1/plans/{plan['id']}/routes/2147483647/manifest"
    assert client.get(other).status_code == 404
    assert row_counts() == before


def test_viewers_read_plans_carriers_do_not_and_only_operators_plan(client, world, credentials):
    viewer, carrier = credentials.operator("viewer"), credentials.carrier("DHL")
    assert client.post("/api/v1/depots/D1/plans", json={}, headers=viewer).status_code == 403
    plan = _plan(client).json()
    path = f"/api/v1/plans/{plan['id']}"
    assert client.get(path, headers=viewer).status_code == 200
    assert client.get(path, headers=carrier).status_code == 403
    assert client.get("/api/v1/depots/D1/plans", headers=carrier).status_code == 403
    assert client.get("/api/v1/kpis/routing", headers=carrier).status_code == 403
    assert client.post(path + "/replan", json={}, headers=viewer).status_code == 403
