"""The admin's pages hold an operator's site scope as the API does: every page is enumerated
from the app and sorted into a class, so a new page is attacked too. Another site's locker,
compartment, parcel or alarm answers 404 with the code of one that does not exist; the fleet,
alarm, parcel and KPI pages and the live events show their sites only; depots, vans and route
plans are refused 403 `fleet_wide`; nothing in the database changes."""

import uuid
import warnings
from datetime import timedelta

import pytest
from sqlmodel import Session

from cloud.admin.auth import SESSION_COOKIE, csrf_token
from cloud.admin.events import snapshot as live_snapshot
from cloud.admin.kpis import last_mile_kpis, occupancy_series
from cloud.admin.occupancy import sample_occupancy
from tests.security.routes import api_routes, filled
from tests.security.site_world import NORTH, SOUTH, scope_operator
from tests.security.test_carrier_isolation import snapshot

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

# Logging in and out, one's own password, and the live events (a stream: tested on its
# snapshot below) are no site's.
NOT_SCOPED = {
    ("GET", "/admin/login"),
    ("POST", "/admin/login"),
    ("POST", "/admin/logout"),
    ("GET", "/admin/password"),
    ("POST", "/admin/password"),
    ("GET", "/admin/events"),
}
FLEET_WIDE = ("/admin/routes", "/admin/plans", "/admin/depots", "/admin/vehicle-types")
LISTS = {
    ("GET", "/admin"),
    ("GET", "/admin/"),
    ("GET", "/admin/fleet/rows"),
    ("GET", "/admin/fleet/map"),
    ("GET", "/admin/alarms"),
    ("GET", "/admin/alarms/rows"),
    ("GET", "/admin/parcels"),
    ("GET", "/admin/kpis"),
    ("GET", "/admin/oncall"),
}
# A south thing named in the form: the south's rota.
IN_FORM = {("POST", "/admin/oncall/rota"): {"site": "south", "operators": "north-admin"}}
PATH_NAMES = ("{locker_id}", "{parcel_id}", "{alarm_id}", "{page_id}", "{username}")
ALL = [r for r in api_routes("/admin") if r not in NOT_SCOPED]
FLEET_ROUTES = [r for r in ALL if r[1].startswith(FLEET_WIDE)]
NAMED = [r for r in ALL if r not in LISTS and r not in FLEET_ROUTES and r not in IN_FORM]
# What the forms send (the fields of the compartment and routing forms are optional).
FORMS = {"reason": "stuck parcel", "depot": "", "seconds": "1"}


def browser(app, credentials, settings, username: str) -> TestClient:
    """An admin session of `username`: its cookie, and its CSRF token on every request."""
    token = credentials.operator("admin", username)["Authorization"].removeprefix("Bearer ")
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, token)
    client.headers["X-CSRF-Token"] = csrf_token(settings.token_key, "session", token)
    return client


@pytest.fixture
def north(app, credentials, settings, engine, two_sites):
    """North's admin in the admin pages: the strongest role, so only the scope can refuse."""
    with browser(app, credentials, settings, "north-admin") as client:
        scope_operator(engine, "north-admin", "north")
        yield client


@pytest.fixture
def fleet_admin(app, credentials, settings, two_sites):
    with browser(app, credentials, settings, "fleet-admin") as client:
        yield client


def call(client, route, form=FORMS, **names):
    method, path = route
    return client.request(method, filled(path, **names), data=form if method == "POST" else None)


def south_names(world, parcel_id) -> dict:
    return {
        "locker_id": SOUTH,
        "parcel_id": parcel_id,
        "alarm_id": str(world.south_alarm),
        "page_id": str(world.south_page),
        "username": "south-op",
    }


NOWHERE = {"locker_id": "NOWHERE", "alarm_id": "999999", "page_id": "999999", "username": "x"}


def refusal(response) -> object:
    """What a refusal says: the code of a JSON one, the status of a page shown again."""
    if response.headers["content-type"].startswith("application/json"):
        return response.json()["detail"]["code"]
    return response.status_code


def test_every_page_is_sorted_into_a_class():
    assert LISTS <= set(ALL) and set(IN_FORM) <= set(ALL)
    for method, path in NAMED:
        assert any(n in path for n in PATH_NAMES), path


@pytest.mark.parametrize("route", NAMED, ids=" ".join)
def test_another_sites_locker_parcel_or_alarm_page_does_not_exist(north, two_sites, engine, route):
    for parcel_id in two_sites.south_parcels:
        before = snapshot(engine)
        response = call(north, route, **south_names(two_sites, parcel_id))
        assert response.status_code == 404, response.text
        assert snapshot(engine) == before
        absent = call(north, route, **NOWHERE, parcel_id=str(uuid.uuid4()))
        assert refusal(absent) == refusal(response)


@pytest.mark.parametrize("route", sorted(IN_FORM), ids=" ".join)
def test_another_sites_rota_cannot_be_set(north, engine, route):
    before = snapshot(engine)
    response = call(north, route, form=IN_FORM[route])
    assert response.status_code == 404, response.text
    assert snapshot(engine) == before


def test_the_fleets_alarm_does_not_exist_for_a_scoped_operator(north, two_sites, engine):
    before = snapshot(engine)
    route = ("POST", "/admin/alarms/{alarm_id}/acknowledge")
    assert call(north, route, alarm_id=str(two_sites.fleet_alarm)).status_code == 404
    assert snapshot(engine) == before


@pytest.mark.parametrize("route", FLEET_ROUTES, ids=" ".join)
def test_depots_vans_and_plans_are_refused_to_a_scoped_operator(north, engine, route):
    before = snapshot(engine)
    response = call(north, route)
    assert response.status_code == 403, response.text
    assert response.json()["detail"]["code"] == "fleet_wide"
    assert snapshot(engine) == before


@pytest.mark.parametrize("route", sorted(LISTS), ids=" ".join)
def test_pages_show_their_sites_only(north, fleet_admin, route):
    mine = call(north, route)
    assert mine.status_code == 200, mine.text
    assert "SOUTH" not in mine.text and "south-op" not in mine.text
    fleet = call(fleet_admin, route).text
    assert "SOUTH" in fleet or "south-op" in fleet or route[1] == "/admin/kpis"


def test_the_pages_show_their_own_site(north, two_sites):
    assert NORTH in north.get("/admin").text
    assert "NORTH door forced" in north.get("/admin/alarms").text
    assert "NORTH-P1" in north.get("/admin/parcels").text
    assert north.get(f"/admin/lockers/{NORTH}").status_code == 200
    assert north.get(f"/admin/parcels/{two_sites.north_parcel}").status_code == 200
    menu = north.get("/admin").text
    assert 'href="/admin/routes"' not in menu and 'href="/admin/depots"' not in menu


def test_the_parcel_search_finds_nothing_of_another_site(north):
    found = north.get("/admin/parcels", params={"code": "SOUTH-P"}).text
    assert "SOUTH-P1" not in found and "SOUTH-P2" not in found
    by_locker = north.get("/admin/parcels", params={"locker": SOUTH}).text
    assert "SOUTH-P1" not in by_locker and "SOUTH-P2" not in by_locker


def test_kpis_are_counted_over_their_sites_only(engine, now, two_sites):
    """The one parcel deposited is the south's: north's KPIs count none of it, and its
    occupancy history only north's three compartments."""
    window = (now - timedelta(hours=1), now + timedelta(hours=1))
    north = frozenset({"north"})
    with Session(engine) as session:
        sample_occupancy(session, now)
        mine, fleet = (
            last_mile_kpis(session, *window, sites=north),
            last_mile_kpis(session, *window),
        )
        assert (mine.delivered, fleet.delivered) == (0, 1)
        assert occupancy_series(session, *window, sites=north) == [(now, 0, 3)]
        assert occupancy_series(session, *window) == [(now, 1, 6)]


def test_the_kpi_page_says_whose_and_leaves_out_the_routes(north, fleet_admin):
    """A van's route spans the fleet: no routing figures for a scoped operator."""
    mine, fleet = north.get("/admin/kpis").text, fleet_admin.get("/admin/kpis").text
    assert "<h2>Routing</h2>" not in mine and "<h2>Routing</h2>" in fleet
    assert 'id="kpi-scope"' in mine and 'id="kpi-scope"' not in fleet


def test_live_events_count_their_sites_only(engine, two_sites):
    mine, fleet = live_snapshot(engine, frozenset({"north"})), live_snapshot(engine)
    assert (mine["lockers"], mine["open_alarms"]) == (1, 1)
    assert (fleet["lockers"], fleet["open_alarms"]) == (2, 3)
    assert SOUTH not in mine["offline"] and SOUTH in fleet["offline"]
