"""Operators and carriers, attacked: every operation wants credentials (but the public ones),
roles hold on every write endpoint (enumerated from the app, so a new one is covered), login
guessing is slowed and audited, forged and expired tokens are refused, there is no default
account, and production refuses placeholder secrets."""

import os
import time
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from cloud.core import tokens
from cloud.core.clock import utcnow
from cloud.core.config import Settings
from cloud.models import ApiKey, Carrier, Operator
from cloud.services import operator_sessions
from tests.conftest import TEST_PASSWORD
from tests.security.routes import BODIES, api_routes, body_for, filled, takes_body, writes

PUBLIC = {("GET", "/healthz"), ("POST", "/api/v1/auth/login")}
ADMIN_ONLY = ("/api/v1/carriers", "/api/v1/operators", "/api/v1/audit")  # people, keys, the trail
# What a carrier's key may write: its own parcels, returns and webhook; nothing else.
CARRIER_WRITES = {
    ("POST", "/api/v1/parcels"),
    ("POST", "/api/v1/parcels/{parcel_id}/cancel"),
    ("POST", "/api/v1/parcels/{parcel_id}/extend"),
    ("POST", "/api/v1/returns"),  # not delegate: the recipient's or an operator's
    ("PUT", "/api/v1/parcels/{parcel_id}/recipient"),  # a carrier claims an unadvised one
    ("PUT", "/api/v1/webhook"),
    ("DELETE", "/api/v1/webhook"),
}
# What every operator, a viewer too, may do to their own login (test_sessions.py): end it, or
# change their password.
OWN_LOGIN = {("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/auth/password")}
# Called with a signature or a signed link instead of a login: the SMS gateway's receipts
# (tests/cloud/notify/test_sms.py), the link in an on-call page (test_pager.py).
SIGNED = {
    ("POST", "/api/v1/notifications/sms-receipts"),
    ("GET", "/api/v1/pages/{page_id}/link"),
    ("POST", "/api/v1/pages/{page_id}/acknowledge-link"),
}
GUARDED = [r for r in api_routes() if r not in PUBLIC | SIGNED]
GUARDED_WRITES = [r for r in writes() if r not in PUBLIC | SIGNED]


def call(client, route, headers=None):
    method, path = route
    return client.request(method, filled(path), json=body_for(route), headers=headers)


@pytest.fixture
def world(client, make_locker, session):
    make_locker()
    session.commit()
    return client


@pytest.mark.parametrize("route", GUARDED, ids=" ".join)
def test_every_operation_refuses_a_caller_without_valid_credentials(world, anonymous, route):
    for headers in (None, {"Authorization": "Bearer v1.e30.AAAA"}, {"X-API-Key": "olk_not-a-key"}):
        assert call(anonymous, route, headers).status_code == 401, headers


@pytest.mark.parametrize("route", sorted(SIGNED), ids=" ".join)
def test_a_signed_endpoint_takes_no_persons_credentials_for_its_signature(
    world, credentials, row_counts, route
):
    people = (None, credentials.operator("admin"), credentials.carrier("acme"))
    before = row_counts()
    for headers in people:
        # 422 for a link's route called without its token (a required parameter)
        assert call(world, route, headers).status_code in (401, 422), headers
    assert row_counts() == before


@pytest.mark.parametrize("route", [r for r in GUARDED_WRITES if r not in OWN_LOGIN], ids=" ".join)
def test_a_viewer_can_change_nothing(world, credentials, row_counts, route):
    viewer = credentials.operator("viewer")
    before = row_counts()
    assert call(world, route, viewer).status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize(
    "route", [r for r in api_routes() if r[1].startswith(ADMIN_ONLY)], ids=" ".join
)
def test_people_carrier_keys_and_the_audit_trail_are_for_admins_only(
    world, credentials, row_counts, route
):
    operator = credentials.operator("operator")
    before = row_counts()
    assert call(world, route, operator).status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize(
    "route", [r for r in GUARDED_WRITES if r not in CARRIER_WRITES], ids=" ".join
)
def test_a_carrier_key_writes_nothing_but_its_own_parcels(world, credentials, row_counts, route):
    acme = credentials.carrier("acme")
    before = row_counts()
    assert call(world, route, acme).status_code == 403
    assert row_counts() == before


def test_the_carrier_writes_are_real_routes():
    assert CARRIER_WRITES <= set(writes())  # a renamed route must not leave a stale exemption
    assert OWN_LOGIN <= set(writes())


def test_every_body_is_known():
    """A new operation with a body gets one in tests/security/routes.py BODIES, so the role
    tests reach its role check instead of stopping at a 422."""
    assert {r for r in api_routes() if takes_body(r)} == set(BODIES)


# --- tokens ---------------------------------------------------------------------------------


def test_forged_altered_expired_and_orphaned_tokens_are_refused(
    world, anonymous, credentials, settings, engine
):
    good = credentials.operator("admin")["Authorization"].removeprefix(
        "Bearer "
    )  # admin-1's session
    viewer = credentials.operator("viewer")["Authorization"].removeprefix("Bearer ")
    _, sid = tokens.verified_session(settings.token_key, good, utcnow())
    _, viewer_sid = tokens.verified_session(settings.token_key, viewer, utcnow())
    later = utcnow() + timedelta(hours=1)
    version, payload, mac = good.split(".")
    other = tokens.sign_session(settings.token_key, "viewer-9", sid, later).split(".")[1]
    with Session(engine) as session:
        gone = Operator(username="gone-1", password_hash="x", role="admin")
        session.add(gone)
        session.flush()
        gone_token, _ = operator_sessions.start(session, gone, utcnow(), settings, source="tests")
        gone.active = False
        session.commit()
    refused = {
        "another key": tokens.sign_session(b"not the server's key", "admin-1", sid, later),
        "altered subject": ".".join([version, other, mac]),
        "expired": tokens.sign_session(
            settings.token_key, "admin-1", sid, utcnow() - timedelta(seconds=1)
        ),
        "deactivated operator": gone_token,
        "unknown operator": tokens.sign_session(settings.token_key, "nobody", sid, later),
        "another operator's session": tokens.sign_session(
            settings.token_key, "admin-1", viewer_sid, later
        ),
        "no such session": tokens.sign_session(settings.token_key, "admin-1", 2**31 - 1, later),
        "a v1 token, naming no session": tokens.sign(settings.token_key, "admin-1", later),
        "other version": ".".join(["v1", payload, mac]),
        "no mac": ".".join([version, payload, ""]),
    }
    for why, token in refused.items():
        response = anonymous.get("/api/v1/lockers", headers={"Authorization": "Bearer " + token})
        assert response.status_code == 401, why
    assert (
        anonymous.get("/api/v1/lockers", headers={"Authorization": "Bearer " + good}).status_code
        == 200
    )


def test_a_demoted_operator_loses_the_role_at_once(world, credentials, engine):
    admin = credentials.operator("admin", "demoted-1")
    assert world.get("/api/v1/audit", headers=admin).status_code == 200
    with Session(engine) as session:
        session.exec(select(Operator).where(Operator.username == "demoted-1")).one().role = "viewer"
        session.commit()
    assert world.get("/api/v1/audit", headers=admin).status_code == 403


# --- login guessing -------------------------------------------------------------------------


def test_login_guessing_is_slowed_and_every_guess_is_audited(
    world, anonymous, credentials, settings
):
    credentials.operator("admin", "alice")
    settings.login_failure_delay_s = 0.3
    started = time.monotonic()
    for guess in ("123456", "password", "alice", "letmein"):
        response = anonymous.post(
            "/api/v1/auth/login", json={"username": "alice", "password": guess}
        )
        assert response.status_code == 401
    assert time.monotonic() - started >= 4 * 0.3  # a lower bound: a slow machine only adds to it
    ok = anonymous.post("/api/v1/auth/login", json={"username": "alice", "password": TEST_PASSWORD})
    assert ok.status_code == 200
    trail = [(e["action"], e["subject"]) for e in world.get("/api/v1/audit").json()]
    assert trail[:5] == [("login", "operator:alice")] + [("login_failed", "operator:alice")] * 4


# --- no default credentials, no placeholder secrets -------------------------------------------

DEFAULTS = [
    ("admin", "admin"),
    ("admin", "password"),
    ("admin", "changeme"),
    ("root", "root"),
    ("operator", "operator"),
    ("admin", ""),
    ("bootstrap-admin", "bootstrap-admin"),
]


def test_a_new_installation_has_no_account_and_no_key(anonymous, engine):
    with Session(engine) as session:
        assert session.exec(select(Operator)).all() == []
        assert (
            session.exec(select(Carrier)).all() == [] and session.exec(select(ApiKey)).all() == []
        )
    for username, password in DEFAULTS:
        response = anonymous.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert response.status_code == 401, (username, password)


@pytest.fixture
def clean_environment(monkeypatch):
    for name in [n for n in os.environ if n.startswith("LOCKER_")]:
        monkeypatch.delenv(name)


REAL = "9f2c4e1a7b3d5f608e2a4c6b8d0f1a3c"


@pytest.mark.parametrize(
    "placeholder",
    [
        None,
        "",
        "changeme",
        "CHANGEME",
        "secret",
        "dev-pepper-not-a-secret",
        "dev123456789abcdefgh",
        "short",
    ],
)
def test_production_refuses_placeholder_secrets(clean_environment, placeholder):
    with pytest.raises(ValidationError, match="LOCKER_PIN_PEPPER"):
        Settings(environment="production", pin_pepper=placeholder, auth_secret=REAL)
    with pytest.raises(ValidationError, match="LOCKER_AUTH_SECRET"):
        Settings(environment="production", pin_pepper=REAL, auth_secret=placeholder)


def test_development_never_signs_tokens_with_a_well_known_key(clean_environment):
    first, second = Settings(), Settings()
    assert len(first.token_key) >= 32 and first.token_key != second.token_key
