"""An operator scoped to a site can never read or act on another site's lockers, parcels,
alarms, pages or rota, on any API route: the routes are enumerated from the app, and each must
be sorted into a class below, so a new endpoint is attacked too. Another site's thing answers
404 as a thing that does not exist does (same code), lists leave it out, fleet-wide work is
refused 403 `fleet_wide`, and nothing in the database changes."""

import uuid

import pytest

from tests.security.routes import BODIES, api_routes, filled
from tests.security.site_world import NORTH, SOUTH, scope_operator
from tests.security.test_carrier_isolation import snapshot
from tests.security.test_operator_roles import OWN_LOGIN, PUBLIC, SIGNED

# A carrier's own webhook: an operator is refused it whatever their scope.
CARRIERS_OWN = {("PUT", "/api/v1/webhook"), ("DELETE", "/api/v1/webhook")}
NOT_SCOPED = PUBLIC | SIGNED | OWN_LOGIN | CARRIERS_OWN
FLEET_WIDE = (
    "/api/v1/audit",
    "/api/v1/carriers",
    "/api/v1/couriers",
    "/api/v1/depots",
    "/api/v1/kpis",
    "/api/v1/plans",
    "/api/v1/vehicle-types",
)
LISTS = {
    ("GET", "/api/v1/lockers"),
    ("GET", "/api/v1/alarms"),
    ("GET", "/api/v1/parcels"),
    ("GET", "/api/v1/remote-opens"),
    ("GET", "/api/v1/door-releases"),
    ("GET", "/api/v1/pages"),
    ("GET", "/api/v1/operators"),
}
# A south thing named in the body, and the refusal: 404 for a locker, 403 for a site granted.
IN_BODY = {
    ("POST", "/api/v1/parcels"): ({"locker_id": SOUTH}, 404, "locker_not_found"),
    ("POST", "/api/v1/returns"): ({"locker_id": SOUTH}, 404, "locker_not_found"),
    ("POST", "/api/v1/lockers"): ({"site": "south"}, 403, "site_out_of_scope"),
    ("POST", "/api/v1/operators"): ({"sites": ["south"]}, 403, "scope_widened"),
}
ALL = [r for r in api_routes() if r not in NOT_SCOPED]
FLEET_ROUTES = [r for r in ALL if r[1].startswith(FLEET_WIDE)]
NAMED = [r for r in ALL if r not in LISTS and r not in IN_BODY and r not in FLEET_ROUTES]


def south_names(world, parcel_id=None) -> dict:
    return {
        "locker_id": SOUTH,
        "parcel_id": parcel_id or world.south_parcels[0],
        "alarm_id": str(world.south_alarm),
        "page_id": str(world.south_page),
        "site": "south",
        "username": "south-op",
    }


def nowhere_names() -> dict:
    """Names of things that do not exist: what another site's must look like."""
    return {
        "locker_id": "NOWHERE",
        "parcel_id": str(uuid.uuid4()),
        "alarm_id": "999999",
        "page_id": "999999",
        "site": "nowhere",
        "username": "nobody",
    }


@pytest.fixture
def north(credentials, engine, two_sites):
    """Headers of north's admin: the strongest role, so only the scope can refuse."""
    headers = credentials.operator("admin", "north-admin")
    scope_operator(engine, "north-admin", "north")
    return headers


def test_every_route_is_sorted_into_a_class():
    """A named route names its target in the path: a new one must say what it acts on."""
    assert set(IN_BODY) <= set(ALL) and LISTS <= set(ALL)
    for method, path in NAMED:
        assert any("{" + n + "}" in path for n in nowhere_names()), (method, path)


@pytest.mark.parametrize("route", NAMED, ids=" ".join)
def test_another_sites_thing_does_not_exist_for_a_scoped_operator(
    client, north, two_sites, engine, route
):
    method, path = route
    for parcel_id in two_sites.south_parcels:
        before = snapshot(engine)
        names = south_names(two_sites, parcel_id)
        response = client.request(
            method, filled(path, **names), json=BODIES.get(route), headers=north
        )
        assert response.status_code == 404, response.text
        assert snapshot(engine) == before
        nowhere = client.request(
            method, filled(path, **nowhere_names()), json=BODIES.get(route), headers=north
        )
        assert nowhere.json()["detail"]["code"] == response.json()["detail"]["code"]


@pytest.mark.parametrize("route", FLEET_ROUTES, ids=" ".join)
def test_fleet_wide_work_is_refused_to_a_scoped_operator(client, north, two_sites, engine, route):
    method, path = route
    before = snapshot(engine)
    response = client.request(method, filled(path), json=BODIES.get(route), headers=north)
    assert response.status_code == 403, response.text
    assert response.json()["detail"]["code"] == "fleet_wide"
    assert snapshot(engine) == before


@pytest.mark.parametrize("route", sorted(IN_BODY), ids=" ".join)
def test_a_scoped_operator_cannot_name_another_site_in_a_body(
    client, north, two_sites, engine, route
):
    changes, status, code = IN_BODY[route]
    before = snapshot(engine)
    response = client.request(*route, json={**BODIES[route], **changes}, headers=north)
    assert (response.status_code, response.json()["detail"]["code"]) == (status, code)
    assert snapshot(engine) == before


@pytest.mark.parametrize("route", sorted(LISTS), ids=" ".join)
def test_lists_leave_out_another_sites_things(client, north, two_sites, route):
    response = client.request(*route, headers=north)
    assert response.status_code == 200, response.text
    assert "SOUTH" not in response.text and "south" not in response.text
    whole_fleet = client.request(*route)  # the fleet's admin sees the south: the test can fail
    assert "SOUTH" in whole_fleet.text or "south" in whole_fleet.text


def test_a_scoped_operator_sees_and_acts_on_their_own_site(client, north, two_sites):
    lockers = client.get("/api/v1/lockers", headers=north).json()
    assert [locker["id"] for locker in lockers] == [NORTH]
    assert client.get(f"/api/v1/lockers/{NORTH}", headers=north).status_code == 200
    parcel = client.get(f"/api/v1/parcels/{two_sites.north_parcel}", headers=north)
    assert parcel.json()["tracking_code"] == "NORTH-P1"
    alarms = client.get("/api/v1/alarms", headers=north).json()
    assert [a["id"] for a in alarms] == [two_sites.north_alarm]  # not the fleet's login alarm
    acknowledged = client.post(f"/api/v1/alarms/{two_sites.north_alarm}/acknowledge", headers=north)
    assert acknowledged.status_code == 200
    cancelled = client.post(f"/api/v1/parcels/{two_sites.north_parcel}/cancel", headers=north)
    assert cancelled.json()["state"] == "cancelled"


def test_a_scoped_operator_provisions_lockers_at_their_sites_only(client, north, two_sites):
    body = {**BODIES[("POST", "/api/v1/lockers")], "site": "north"}
    assert client.post("/api/v1/lockers", json=body, headers=north).status_code == 201
    fleet = {**BODIES[("POST", "/api/v1/lockers")], "id": "L10"}  # no site: the fleet's
    refused = client.post("/api/v1/lockers", json=fleet, headers=north)
    assert refused.json()["detail"]["code"] == "site_out_of_scope"


def test_a_scoped_operator_preadvises_for_a_named_locker_only(client, north, two_sites):
    by_address = {
        **BODIES[("POST", "/api/v1/parcels")],
        "locker_id": None,
        "delivery_point": {"latitude": 52.2, "longitude": 21.0},
    }
    refused = client.post("/api/v1/parcels", json=by_address, headers=north)
    assert (refused.status_code, refused.json()["detail"]["code"]) == (403, "locker_required")
