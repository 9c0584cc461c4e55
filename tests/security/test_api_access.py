"""Who may call what (moved here from tests/cloud/api/test_access.py): every endpoint refuses the
anonymous (401), the wrong role (403), and a carrier never sees or changes another carrier's parcel.
The enumerated versions are in test_operator_roles.py and test_carrier_isolation.py."""

import uuid

import pytest
from sqlmodel import Session

from cloud.models import Parcel
from tests.conftest import TEST_PASSWORD

LOCKER = {
    "id": "L1",
    "name": "Main St",
    "compartments": [{"number": n, "size": "L"} for n in (1, 2, 3)],
}
COURIER = {"name": "Sam"}


def parcel(carrier, code="T1"):
    return {
        "carrier": carrier,
        "tracking_code": code,
        "locker_id": "L1",
        "width_mm": 100,
        "height_mm": 100,
        "depth_mm": 100,
        "recipient": {"name": "Ada", "phone": "+441234567890"},
    }


PID = str(uuid.uuid4())
# (method, path, body): every endpoint under /api/v1 except the login itself
ENDPOINTS = [
    ("POST", "/api/v1/lockers", LOCKER),
    ("GET", "/api/v1/lockers", None),
    ("GET", "/api/v1/lockers/L1", None),
    ("POST", "/api/v1/couriers", COURIER),
    ("POST", "/api/v1/parcels", parcel("acme")),
    ("GET", "/api/v1/parcels", None),
    ("GET", f"/api/v1/parcels/{PID}", None),
    ("POST", f"/api/v1/parcels/{PID}/cancel", None),
    ("GET", "/api/v1/alarms", None),
    ("POST", "/api/v1/alarms/1/acknowledge", None),
    ("POST", "/api/v1/carriers", {"name": "newco"}),
    ("GET", "/api/v1/carriers", None),
    ("POST", "/api/v1/carriers/acme/keys", None),
    ("GET", "/api/v1/carriers/acme/keys", None),
    ("POST", "/api/v1/carriers/acme/keys/1/revoke", None),
    ("POST", "/api/v1/operators", {"username": "bob", "password": TEST_PASSWORD, "role": "viewer"}),
    ("GET", "/api/v1/audit", None),
    ("POST", "/api/v1/lockers/L1/compartments/1/open", {"reason": "stuck door"}),
    ("GET", "/api/v1/remote-opens", None),
    ("POST", f"/api/v1/couriers/{PID}/revoke", None),
    ("GET", f"/api/v1/couriers/{PID}/route", None),
    ("GET", "/api/v1/couriers", None),
    ("POST", f"/api/v1/couriers/{PID}/code", None),
    ("PUT", f"/api/v1/couriers/{PID}/route", {"day": "2030-01-01", "locker_ids": ["L1"]}),
]
VIEWER_MAY_NOT = [e for e in ENDPOINTS if e[0] == "POST"]
ADMIN_ONLY = [
    e
    for e in ENDPOINTS
    if e[1].startswith(("/api/v1/carriers", "/api/v1/operators", "/api/v1/audit"))
]
CARRIER_MAY_NOT = [
    e
    for e in ENDPOINTS
    if not e[1].startswith(("/api/v1/parcels", "/api/v1/lockers"))
    or e[:2] == ("POST", "/api/v1/lockers")
]


@pytest.fixture
def world(client, credentials):
    assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201
    credentials.carrier("acme"), credentials.carrier("bolt")
    return client


def call(client, method, path, body, headers=None):
    return client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_every_endpoint_refuses_a_caller_without_credentials(world, anonymous, method, path, body):
    response = call(anonymous, method, path, body)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_every_endpoint_refuses_a_forged_token_and_an_unknown_key(
    world, anonymous, method, path, body
):
    assert (
        call(anonymous, method, path, body, {"Authorization": "Bearer v1.e30.AAAA"}).status_code
        == 401
    )
    assert call(anonymous, method, path, body, {"X-API-Key": "olk_not-a-key"}).status_code == 401


@pytest.mark.parametrize("method, path, body", VIEWER_MAY_NOT)
def test_a_viewer_cannot_change_anything(world, credentials, row_counts, method, path, body):
    viewer = credentials.operator("viewer")
    before = row_counts()
    assert call(world, method, path, body, viewer).status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize("method, path, body", ADMIN_ONLY)
def test_people_carriers_keys_and_the_audit_trail_are_for_admins(
    world, credentials, method, path, body
):
    assert call(world, method, path, body, credentials.operator("operator")).status_code == 403


@pytest.mark.parametrize("method, path, body", CARRIER_MAY_NOT)
def test_a_carrier_key_opens_only_parcels_and_reading_lockers(
    world, credentials, method, path, body
):
    assert call(world, method, path, body, credentials.carrier("acme")).status_code == 403


def test_a_viewer_reads_and_an_operator_writes(world, credentials):
    viewer, operator = credentials.operator("viewer"), credentials.operator("operator")
    assert world.get("/api/v1/lockers", headers=viewer).status_code == 200
    assert world.get("/api/v1/parcels", headers=viewer).status_code == 200
    assert world.post("/api/v1/couriers", json=COURIER, headers=operator).status_code == 201
    assert world.post("/api/v1/parcels", json=parcel("acme"), headers=operator).status_code == 201


def test_a_carrier_reads_lockers(world, credentials):
    assert world.get("/api/v1/lockers/L1", headers=credentials.carrier("acme")).status_code == 200


def test_a_carrier_cannot_read_or_cancel_another_carriers_parcel(world, credentials, engine):
    acme, bolt = credentials.carrier("acme"), credentials.carrier("bolt")
    theirs = world.post("/api/v1/parcels", json=parcel("bolt"), headers=bolt).json()
    assert world.get(f"/api/v1/parcels/{theirs['id']}", headers=acme).status_code == 404
    assert world.post(f"/api/v1/parcels/{theirs['id']}/cancel", headers=acme).status_code == 404
    assert world.get("/api/v1/parcels", headers=acme).json() == []
    assert world.get("/api/v1/parcels", params={"tracking_code": "T1"}, headers=acme).json() == []
    assert world.get("/api/v1/parcels", params={"carrier": "bolt"}, headers=acme).status_code == 403
    with Session(engine) as session:
        assert session.get(Parcel, uuid.UUID(theirs["id"])).state == "reserved"  # unchanged
    assert world.get(f"/api/v1/parcels/{theirs['id']}", headers=bolt).json() == theirs


def test_a_carrier_cannot_preadvise_in_another_carriers_name(world, credentials, row_counts):
    before = row_counts()
    response = world.post(
        "/api/v1/parcels", json=parcel("bolt"), headers=credentials.carrier("acme")
    )
    assert response.status_code == 403 and row_counts() == before


def test_a_carrier_sees_and_cancels_its_own(world, credentials):
    acme = credentials.carrier("acme")
    mine = world.post("/api/v1/parcels", json=parcel("acme"), headers=acme).json()
    assert world.get("/api/v1/parcels", headers=acme).json() == [mine]
    assert (
        world.post(f"/api/v1/parcels/{mine['id']}/cancel", headers=acme).json()["state"]
        == "cancelled"
    )


def test_a_key_is_shown_once_and_a_revoked_key_is_refused(world, anonymous):
    assert world.post("/api/v1/carriers", json={"name": "newco"}).status_code == 201
    issued = world.post("/api/v1/carriers/newco/keys").json()
    key = {"X-API-Key": issued["key"]}
    assert anonymous.get("/api/v1/parcels", headers=key).status_code == 200
    listed = world.get("/api/v1/carriers/newco/keys").json()
    assert "key" not in listed[0] and issued["key"].startswith(listed[0]["prefix"])
    assert world.post(f"/api/v1/carriers/newco/keys/{issued['id']}/revoke").json()["revoked_at"]
    assert anonymous.get("/api/v1/parcels", headers=key).status_code == 401


def test_login_gives_a_token_and_every_wrong_gets_the_same_401(world, anonymous):
    assert (
        world.post(
            "/api/v1/operators",
            json={"username": "bob", "password": TEST_PASSWORD, "role": "viewer"},
        ).status_code
        == 201
    )
    token = anonymous.post(
        "/api/v1/auth/login", json={"username": "bob", "password": TEST_PASSWORD}
    ).json()
    assert token["role"] == "viewer"
    bearer = {"Authorization": "Bearer " + token["access_token"]}
    assert anonymous.get("/api/v1/lockers", headers=bearer).status_code == 200
    wrong = anonymous.post("/api/v1/auth/login", json={"username": "bob", "password": "nope"})
    unknown = anonymous.post("/api/v1/auth/login", json={"username": "eve", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401 and wrong.json() == unknown.json()
    actions = [e["action"] for e in world.get("/api/v1/audit").json()]
    assert actions[:3] == ["login_failed", "login_failed", "login"]


def test_a_weak_password_is_refused(world):
    response = world.post(
        "/api/v1/operators", json={"username": "bob", "password": "short", "role": "admin"}
    )
    assert response.status_code == 422
