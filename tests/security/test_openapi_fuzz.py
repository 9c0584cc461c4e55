"""schemathesis against the cloud's OpenAPI schema, over real HTTP (uvicorn on a free port, a
migrated SQLite file and, when reachable, PostgreSQL).

As an admin and as a carrier no operation answers 5xx and every answer fits the schema or is one
of our domain errors (cloud/web/errors.py); without credentials, or with forged ones, every
operation but the public ones is refused with 401/403 (or, from the request alone, before anyone
is asked who calls: 405, a body that is not JSON, a malformed path): never a 2xx, never a 5xx.
What the fuzzing found is kept as regression tests at the end."""

import json
import re

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from cloud.app import create_app
from cloud.core.config import Settings
from tests.security.live_cloud import live_cloud
from tests.security.routes import BODIES, filled
from tests.support.databases import pg_schema, reachable_pg_url

EXAMPLES = 6  # generated per operation and caller, on top of schemathesis' coverage cases
LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"  # it would end the session every other case calls with
PUBLIC = {("GET", "/healthz"), ("POST", LOGIN)}
FORGED = (
    {},
    {"Authorization": "Bearer v1.e30.AAAA"},
    {"Authorization": "Basic YWRtaW46YWRtaW4="},
    {"X-API-Key": "olk_not-a-key"},
    {"X-API-Key": ""},
)
NAIVE_UTC = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$"


def _openapi():
    """The schema the API serves (test_the_served_schema_is_the_one_fuzzed checks it is)."""
    return create_app(Settings(database_url="sqlite://")).openapi()


def _naive_timestamps(node):
    """The API's times are naive UTC ("2030-01-01T12:00:00"), which RFC 3339's date-time
    refuses for want of an offset: checked against that shape instead (a known gap)."""
    if isinstance(node, dict):
        if node.get("format") == "date-time":
            node = {k: v for k, v in node.items() if k != "format"} | {"pattern": NAIVE_UTC}
        return {k: _naive_timestamps(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_naive_timestamps(v) for v in node]
    return node


# Who calls is each test's choice of headers, not a generated X-API-Key. Known gaps that are no
# failure here: the routes do not list their 401/403/404/409 answers; FastAPI answers OPTIONS
# with 405 and no Allow header; pydantic's lax mode takes 0 for false on purpose; and rules the
# schema cannot state (unique compartment numbers, a phone or an email) answer 422 to data the
# schema calls valid.
CHECKS = {
    "status_code_conformance": {"enabled": False},
    "allow_header_conformance": {"enabled": False},
    "negative_data_rejection": {"enabled": False},
    "positive_data_acceptance": {"enabled": False},
}
FUZZED = _naive_timestamps(_openapi())
schema = schemathesis.openapi.from_dict(
    FUZZED,
    config=schemathesis.Config.from_dict(
        {
            "generation": {"with-security-parameters": False, "max-examples": EXAMPLES},
            "checks": CHECKS,
        }
    ),
)
# Who calls is looked at before anything else: a few cases per operation show it for each.
light = schemathesis.openapi.from_dict(
    FUZZED,
    config=schemathesis.Config.from_dict(
        {
            "generation": {"with-security-parameters": False, "max-examples": 3},
            "checks": CHECKS,
            "phases": {"coverage": {"enabled": False}},
        }
    ),
)
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def sqlite_api(tmp_path_factory):
    with live_cloud("sqlite:///%s" % (tmp_path_factory.mktemp("fuzz") / "locker.db")) as running:
        yield running


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def api(request):
    """SQLite, and PostgreSQL where reachable: it refuses what SQLite lets by (over-long text,
    NUL characters, out-of-range integers), so the admin's pass runs on both."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_api")
        return
    url, why = reachable_pg_url()
    if url is None:
        pytest.skip("PostgreSQL unreachable (%s); the SQLite variant still runs" % why)
    with pg_schema(url) as name, live_cloud(url, name) as running:
        yield running


def test_the_served_schema_is_the_one_fuzzed(sqlite_api):
    assert httpx.get(sqlite_api.url + "/openapi.json", timeout=10).json() == _openapi()


@schema.exclude(path=LOGIN).exclude(path=LOGOUT).parametrize()
@FUZZ
def test_an_admin_never_gets_a_server_error(case, api):
    _call_and_validate(case, api.url, api.headers["admin"])


@schema.exclude(path=LOGIN).parametrize()
@FUZZ
def test_a_carrier_never_gets_a_server_error(case, sqlite_api):
    _call_and_validate(case, sqlite_api.url, sqlite_api.headers["acme"])


@light.include(path=LOGIN).parametrize()
@FUZZ
def test_a_login_never_gets_a_server_error(case, api):
    """Public; each attempt costs an argon2 hash on purpose, so fewer of them."""
    _call_and_validate(case, api.url, {})


@light.parametrize()
@FUZZ
def test_without_valid_credentials_every_operation_but_the_public_ones_is_refused(case, sqlite_api):
    public = (case.operation.method.upper(), case.operation.path) in PUBLIC
    for headers in FORGED[:1] if public else FORGED:
        response = case.call(base_url=sqlite_api.url, headers=headers)
        assert response.status_code < 500, (headers, response.status_code, response.text)
        assert (
            public or response.status_code in (401, 403) or _refused_before_auth(case, response)
        ), (headers, response.status_code, response.text)


def _call_and_validate(case, base_url, headers):
    response = case.call(base_url=base_url, headers=headers)
    assert response.status_code < 500, (response.status_code, response.text)
    if not _domain_error(response):  # cloud/web/errors.py's shape, not in the schema (a known gap)
        case.validate_response(response, headers=headers)


def _domain_error(response):
    try:
        detail = response.json()["detail"]
    except (ValueError, KeyError, TypeError):
        return False
    return (
        400 <= response.status_code < 500
        and isinstance(detail, dict)
        and set(detail) == {"code", "message"}
    )


def _refused_before_auth(case, response):
    """What the HTTP layer may refuse before anyone is asked who calls, from the request alone:
    a method the path does not have (405), a body that is not JSON (400, 422), a path parameter
    that is malformed (422 from FastAPI's validation). None reads data or changes any."""
    if response.status_code == 405:
        return case.method.upper() != case.operation.method.upper()
    if response.status_code == 422:  # FastAPI's own list of what is malformed, not a service's
        return isinstance(response.json()["detail"], list)
    if response.status_code == 400:  # not even UTF-8
        return response.json() == {"detail": "There was an error parsing the body"}
    return False


# --- what the fuzzing found (each a 500 on PostgreSQL before its fix) ----------------------


def test_an_id_beyond_the_id_columns_range_is_refused_not_a_database_overflow(api):
    """cloud/api/deps.py RowId: alarm 2**31 used to overflow PostgreSQL's INTEGER."""
    for path in (
        "/api/v1/alarms/2147483648/acknowledge",
        "/api/v1/carriers/acme/keys/2147483648/revoke",
    ):
        response = httpx.post(api.url + path, headers=api.headers["admin"], timeout=10)
        assert response.status_code == 422, (path, response.text)


def _nul_requests():
    """(method, path, params, body): a NUL in each text path and query parameter of every
    operation, and in the text of a login and of a pre-advice."""
    for path, operations in _openapi()["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            filled = path
            for p in parameters:
                if p["in"] == "path":
                    filled = filled.replace("{%s}" % p["name"], _placeholder(p["schema"]))
            for p in parameters:
                if (
                    p["in"] == "path"
                    and p["schema"].get("type") == "string"
                    and "format" not in p["schema"]
                ):
                    yield method, path.replace("{%s}" % p["name"], "a%00b"), {}, None
                elif p["in"] == "query":
                    yield method, filled, {p["name"]: "a\x00b"}, None
    yield "post", "/api/v1/auth/login", {}, {"username": "admin-1\x00", "password": "x"}
    yield (
        "post",
        "/api/v1/parcels",
        {},
        {
            "carrier": "acme",
            "tracking_code": "T1",
            "locker_id": "L1",
            "width_mm": 1,
            "height_mm": 1,
            "depth_mm": 1,
            "recipient": {"name": "Ada\x00", "phone": "+441234567890"},
        },
    )


def _placeholder(schema):
    return {"integer": "1"}.get(
        schema.get("type"),
        "00000000-0000-4000-8000-000000000000" if schema.get("format") == "uuid" else "L1",
    )


def test_a_nul_character_anywhere_is_refused_not_a_database_error(api):
    """cloud/web/text_guard.py: PostgreSQL cannot store NUL; it used to answer 500."""
    tried = 0
    for method, path, params, body in _nul_requests():
        response = httpx.request(
            method,
            api.url + path,
            params=params,
            json=body,
            headers=api.headers["admin"],
            timeout=10,
        )
        assert response.status_code == 422, (
            method,
            path,
            params,
            response.status_code,
            response.text,
        )
        tried += 1
    assert tried >= 10


def _bodies_with_a_lone_surrogate():
    """(method, path, raw JSON): for every operation with a body, a body that is one lone
    surrogate, and its valid body with one in its first string (tests/security/routes.py
    BODIES), if it has one (a fleet's counts have none)."""
    for path, operations in _openapi()["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            filled_path = filled(path)
            yield method, filled_path, b'"\\ud800"'
            body = BODIES.get((method.upper(), path))
            text = json.dumps(body) if body else ""
            spoiled = re.sub(r'": "([^"]*)"', r'": "\1\\udc00"', text, count=1)
            if spoiled != text:
                yield method, filled_path, spoiled.encode()


def test_a_lone_surrogate_in_any_body_is_refused_not_a_server_error(api):
    """cloud/web/text_guard.py and errors.py: FastAPI's 422 echoed "\\ud800", which no JSON
    response can encode: every operation with a body answered 500."""
    tried = 0
    for method, path, body in _bodies_with_a_lone_surrogate():
        response = httpx.request(
            method,
            api.url + path,
            content=body,
            timeout=10,
            headers={**api.headers["admin"], "content-type": "application/json"},
        )
        assert response.status_code == 422, (
            method,
            path,
            body,
            response.status_code,
            response.text,
        )
        assert response.json()["detail"][0]["type"] == "string_lone_surrogate", response.text
        tried += 1
    assert tried >= 20
