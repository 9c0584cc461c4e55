"""The admin's pages attacked the way the API is: schemathesis over their forms, queries and
paths (a schema of their own: cloud/admin admin_router(documented=True)), as a logged-in admin
with the session cookie and the CSRF token, over real HTTP on SQLite and PostgreSQL: never a
5xx. And what used to be a 500 there, each now a 422 in the API's shape: NUL characters
reaching PostgreSQL (a login name, the parcel search, a remote-open reason, a locker id in the
path), ids past the id column's range; plus a check that every integer input, API and admin,
is bounded to its column."""

from contextlib import nullcontext

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings

from cloud.admin import admin_router
from cloud.admin.auth import LOGIN_COOKIE, SESSION_COOKIE, csrf_token
from cloud.app import create_app
from cloud.core.config import Settings
from tests.security.live_cloud import AUTH_SECRET, live_cloud
from tests.security.routes import api_routes
from tests.support.databases import pg_schema, reachable_pg_url

LOGIN_NONCE = "fuzz-login-nonce"  # the pre-login cookie the login form's CSRF token is bound to
LOGIN_CSRF = csrf_token(AUTH_SECRET.encode(), "login", LOGIN_NONCE)
# Logging out would end the session every other case calls with; the event stream lasts minutes.
NOT_FUZZED = ("/admin/logout", "/admin/events")
INT32_MAX = 2**31 - 1
# Integers clamped in code before any query (cloud/api/routes/operators.py read_audit).
CLAMPED = {("GET", "/api/v1/audit", "limit")}


def _admin_openapi():
    app = FastAPI()
    app.include_router(admin_router(documented=True))
    schema = app.openapi()
    login_form = schema["components"]["schemas"]["Body_log_in_admin_login_post"]
    login_form["properties"]["csrf"] = {
        "type": "string",
        "enum": [LOGIN_CSRF],
    }  # past the CSRF check
    login_form["required"].append("csrf")
    return schema


ADMIN = _admin_openapi()
admin_schema = schemathesis.openapi.from_dict(
    ADMIN,
    config=schemathesis.Config.from_dict(
        {"generation": {"with-security-parameters": False, "max-examples": 12}}
    ),
)
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def cloud(request, tmp_path_factory):
    """A live cloud (tests/security/live_cloud.py) and the headers of a logged-in admin's browser:
    the session cookie, the pre-login cookie, and the session's CSRF token."""
    url, schema = (
        "sqlite:///%s" % (tmp_path_factory.mktemp("admin-fuzz") / "locker.db"),
        nullcontext(),
    )
    if request.param == "postgresql":
        url, why = reachable_pg_url()
        if url is None:
            pytest.skip("PostgreSQL unreachable (%s); the SQLite variant still runs" % why)
        schema = pg_schema(url)
    with schema as name, live_cloud(url, name) as running:
        token = running.headers["admin"]["Authorization"].removeprefix("Bearer ")
        running.browser = {
            "Cookie": "%s=%s; %s=%s" % (SESSION_COOKIE, token, LOGIN_COOKIE, LOGIN_NONCE),
            "X-CSRF-Token": csrf_token(running.settings.token_key, "session", token),
        }
        yield running


def test_the_fuzzed_schema_holds_every_admin_page():
    """A new page is fuzzed without anyone remembering to add it."""
    documented = {(m.upper(), p) for p, ops in ADMIN["paths"].items() for m in ops}
    assert documented == set(api_routes(prefix="/admin"))


@admin_schema.exclude(path=list(NOT_FUZZED)).parametrize()
@FUZZ
def test_a_logged_in_admin_never_gets_a_server_error_from_the_admin(case, cloud):
    response = case.call(base_url=cloud.url, headers=cloud.browser)
    assert response.status_code < 500, (response.status_code, response.text[:2000])


def test_the_session_survived_the_fuzzing(cloud):
    """Else the cases after a lost session would only have met the login redirect."""
    assert (
        httpx.get(cloud.url + "/admin/alarms", headers=cloud.browser, timeout=10).status_code == 200
    )


# --- what used to be a 500 (each on PostgreSQL, the ids on both) ---------------------------


def _placeholder(schema):
    if schema.get("type") == "integer":
        return "1"
    return (
        "00000000-0000-4000-8000-000000000000"
        if "parcel" in schema.get("title", "").lower()
        else "L1"
    )


def _form_of(operation):
    """A form with every field of the operation's body filled with harmless text."""
    content = operation.get("requestBody", {}).get("content", {})
    if not content:
        return None
    name = content["application/x-www-form-urlencoded"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = ADMIN["components"]["schemas"][name]["properties"]
    return {field: spec.get("enum", ["abcd"])[0] for field, spec in fields.items()}


def _admin_requests_with_a_nul():
    """(method, path, query, form): a NUL in each text path parameter, query parameter and form
    field of every admin page."""
    for path, operations in ADMIN["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            filled = path
            for p in parameters:
                if p["in"] == "path":
                    filled = filled.replace("{%s}" % p["name"], _placeholder(p["schema"]))
            form = _form_of(operation)
            for p in parameters:
                if p["in"] == "path" and p["schema"].get("type") == "string":
                    yield method, path.replace("{%s}" % p["name"], "L%001"), {}, form
                elif p["in"] == "query" and p["schema"].get("type") == "string":
                    yield method, filled, {p["name"]: "a\x00b"}, form
            for field in form or {}:
                yield method, filled, {}, {**form, field: "ab\x00cd"}


def test_a_nul_in_any_admin_input_is_refused_not_a_database_error(cloud):
    """cloud/web/text_guard.py, now on the admin's router too: a login name, the parcel search,
    a remote-open reason, a locker id in the path, ... used to reach PostgreSQL (500)."""
    tried = set()
    for method, path, query, form in _admin_requests_with_a_nul():
        response = httpx.request(
            method, cloud.url + path, params=query, data=form, headers=cloud.browser, timeout=10
        )
        assert response.status_code == 422, (method, path, query, form, response.status_code)
        assert response.json()["detail"][0]["type"] == "string_nul_character", response.text
        tried.add(path)
    assert {
        "/admin/login",
        "/admin/parcels",
        "/admin/lockers/L%001",
        "/admin/lockers/L1/compartments/1/open",
    } <= tried


@pytest.mark.parametrize(
    "path",
    [
        "/admin/alarms/%d/acknowledge" % 2**31,
        "/admin/alarms/%d/acknowledge" % 2**63,
        "/admin/alarms/%d/acknowledge" % 2**64,
        "/admin/lockers/L1/compartments/%d/in-service" % 2**63,
        "/admin/lockers/L1/compartments/%d/out-of-service" % 2**31,
    ],
)
def test_an_id_beyond_its_column_in_an_admin_path_is_refused_not_an_overflow(cloud, path):
    """An alarm id past int64 overflowed SQLite's INTEGER, past int32 PostgreSQL's (500)."""
    response = httpx.post(cloud.url + path, headers=cloud.browser, timeout=10)
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["detail"], list)


def _integer_inputs(schema):
    """(method, path, name, its schema) of every integer parameter and form field."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for p in operation.get("parameters", []):
                if p["schema"].get("type") == "integer":
                    yield method.upper(), path, p["name"], p["schema"]
            content = operation.get("requestBody", {}).get("content", {})
            form = content.get("application/x-www-form-urlencoded")
            if form:
                name = form["schema"]["$ref"].rsplit("/", 1)[1]
                for field, spec in schema["components"]["schemas"][name]["properties"].items():
                    if spec.get("type") == "integer":
                        yield method.upper(), path, field, spec


def test_every_integer_input_is_bounded_to_its_column():
    """An integer past the column's range is a 422 from validation, never an overflow in the
    database: API (ids are int32 on PostgreSQL) and admin alike."""
    api = create_app(Settings(database_url="sqlite://")).openapi()
    found = list(_integer_inputs(api)) + list(_integer_inputs(ADMIN))
    assert len(found) >= 4
    for method, path, name, spec in found:
        if (method, path, name) not in CLAMPED:
            assert spec.get("maximum", float("inf")) <= INT32_MAX, (method, path, name)
