"""Admins scope operators to sites through the operators API: on creation or later, listed
with their sites, audited, in effect at the operator's next request; a site-scoped admin grants
their sites or fewer, never more and never the whole fleet, and never widens their own."""

import pytest
from sqlmodel import Session, select

from cloud.models import AuditEntry, Locker, Operator
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def sites(client, make_locker, session):
    """Lockers N1 at north, S1 at south, F1 of the fleet (no site)."""
    for locker_id, site in (("N1", "north"), ("S1", "south"), ("F1", "")):
        locker, _ = make_locker(locker_id, "S")
        locker.site = site
    session.commit()
    session.close()
    return client


def new_operator(client, username, sites=None, headers=None, role="operator"):
    body = {"username": username, "password": TEST_PASSWORD, "role": role, "sites": sites}
    return client.post("/api/v1/operators", json=body, headers=headers)


def login(client, username) -> dict:
    answer = client.post(
        "/api/v1/auth/login", json={"username": username, "password": TEST_PASSWORD}
    )
    return {"Authorization": "Bearer " + answer.json()["access_token"]}


def lockers_seen(client, headers) -> list[str]:
    return [locker["id"] for locker in client.get("/api/v1/lockers", headers=headers).json()]


def set_sites(client, username, sites, headers=None):
    return client.put(f"/api/v1/operators/{username}/sites", json={"sites": sites}, headers=headers)


def test_an_operator_created_with_sites_sees_those_sites_lockers_only(sites, engine):
    created = new_operator(sites, "pm-1", ["south", "north"])
    assert created.status_code == 201
    assert created.json() == {"username": "pm-1", "role": "operator", "active": True,
                              "sites": ["north", "south"]}  # fmt: skip
    assert lockers_seen(sites, login(sites, "pm-1")) == ["N1", "S1"]
    listed = {o["username"]: o["sites"] for o in sites.get("/api/v1/operators").json()}
    assert listed == {"admin-1": None, "pm-1": ["north", "south"]}


def test_a_new_scope_holds_at_the_next_request_and_is_audited(sites, engine):
    new_operator(sites, "pm-1")
    pm = login(sites, "pm-1")
    assert lockers_seen(sites, pm) == ["F1", "N1", "S1"]  # no sites: the whole fleet
    assert set_sites(sites, "pm-1", ["north"]).json()["sites"] == ["north"]
    assert lockers_seen(sites, pm) == ["N1"]
    assert set_sites(sites, "pm-1", []).json()["sites"] is None  # [] is the whole fleet again
    assert lockers_seen(sites, pm) == ["F1", "N1", "S1"]
    with Session(engine) as session:
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.action == "operator_sites_set")
        ).all()
    assert [(e.actor, e.subject) for e in entries] == [("operator:admin-1", "operator:pm-1")] * 2
    assert '"sites":"north"' in entries[0].detail.replace(" ", "")


@pytest.mark.parametrize(
    "bad",
    [["a,b"], [""], ["x" * 33], ["ok", 5], ["s"] * 65, "north"],
    ids=["comma", "empty code", "too long", "not text", "too many", "not a list"],
)
def test_a_malformed_scope_is_refused_and_changes_nothing(sites, engine, bad):
    new_operator(sites, "pm-1", ["north"])
    before = _stored_sites(engine)
    assert set_sites(sites, "pm-1", bad).status_code == 422
    assert new_operator(sites, "pm-2", bad).status_code == 422
    assert _stored_sites(engine) == before


def test_only_admins_scope_operators(sites, credentials):
    new_operator(sites, "pm-1")
    operator = credentials.operator("operator")
    refused = set_sites(sites, "pm-1", ["north"], headers=operator)
    assert (refused.status_code, refused.json()["detail"]["code"]) == (403, "forbidden")
    assert sites.get("/api/v1/operators", headers=operator).status_code == 403


@pytest.fixture
def north_admin(sites, engine):
    """An admin scoped to north: headers."""
    new_operator(sites, "north-admin", ["north"], role="admin")
    return login(sites, "north-admin")


def test_a_scoped_admin_grants_their_sites_or_fewer_only(sites, north_admin, engine):
    assert new_operator(sites, "pm-1", ["north"], north_admin).status_code == 201
    before = _stored_sites(engine)
    for wanted in (None, [], ["south"], ["north", "south"]):
        refused = new_operator(sites, "pm-2", wanted, north_admin)
        assert refused.json()["detail"]["code"] == "scope_widened", wanted
        assert set_sites(sites, "pm-1", wanted, north_admin).status_code == 403
    assert _stored_sites(engine) == before


def test_a_scoped_admin_never_widens_their_own_scope(sites, north_admin, engine):
    for wanted in (None, ["north", "south"]):
        refused = set_sites(sites, "north-admin", wanted, north_admin)
        assert refused.json()["detail"]["code"] == "scope_widened"
    assert lockers_seen(sites, north_admin) == ["N1"]


def test_a_scoped_admin_manages_the_operators_of_their_sites_only(sites, north_admin):
    new_operator(sites, "fleet-op")
    new_operator(sites, "south-op", ["south"])
    new_operator(sites, "pm-1", ["north"], north_admin)
    listed = [o["username"] for o in sites.get("/api/v1/operators", headers=north_admin).json()]
    assert listed == ["north-admin", "pm-1"]
    for username in ("fleet-op", "south-op", "admin-1"):
        hidden = set_sites(sites, username, ["north"], north_admin)
        assert (hidden.status_code, hidden.json()["detail"]["code"]) == (404, "operator_not_found")
    # narrowing an operator of theirs works
    assert set_sites(sites, "pm-1", ["north"], north_admin).status_code == 200


def _stored_sites(engine) -> dict:
    with Session(engine) as session:
        return {o.username: o.sites for o in session.exec(select(Operator)).all()}


def test_lockers_without_a_site_are_the_fleets(sites, engine):
    """A scoped operator does not see the fleet's lockers (site ""), whatever their sites."""
    new_operator(sites, "pm-1", ["north", "south"])
    with Session(engine) as session:
        assert session.get(Locker, "F1").site == ""
    pm = login(sites, "pm-1")
    assert sites.get("/api/v1/lockers/F1", headers=pm).status_code == 404
