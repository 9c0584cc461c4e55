"""Every route of the API, enumerated from the app itself, so an attack table cannot forget a
new endpoint; and a request for each with its path parameters filled in."""

import functools
import uuid

from fastapi import routing
from fastapi.routing import APIRoute

from cloud.app import create_app
from cloud.core.config import Settings

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@functools.cache
def _app():
    return create_app(Settings(database_url="sqlite://"))  # never started: no database needed


def api_routes(prefix="/api/v1"):
    """(method, path) of every operation whose path starts with `prefix`, sorted."""
    found = set()
    for context in routing.iter_route_contexts(
        _app().routes
    ):  # FastAPI's own walk (included routers too)
        route = context.route
        if isinstance(route, APIRoute) and context.path.startswith(prefix):
            found |= {(method, context.path) for method in route.methods}
    return sorted(found)


def writes(prefix="/api/v1"):
    return [(m, p) for m, p in api_routes(prefix) if m in WRITE_METHODS]


def filled(path, parcel_id=None, **names):
    """`path` with its {parameters} filled: ids of things that need not exist (a caller is
    refused before anything is looked up), or those given."""
    values = {
        "parcel_id": str(parcel_id or uuid.uuid4()),
        "courier_id": str(uuid.uuid4()),
        "locker_id": "L1",
        "name": "acme",
        "number": "1",
        "alarm_id": "1",
        "key_id": "1",
        "depot_id": "D1",
        "plan_id": str(uuid.uuid4()),
        "route_id": "1",
    }
    values.update(names)
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + values.get(path[start + 1 : end], "x") + path[end + 1 :]
    return path


def recipient(name="Ada"):
    return {"name": name, "phone": "+441234567890"}


# A valid body for every operation that takes one (test_every_body_is_known keeps it complete):
# callers must be refused for who they are, not for a malformed request.
BODIES = {
    ("POST", "/api/v1/lockers"): {
        "id": "L9",
        "name": "New",
        "compartments": [{"number": 1, "size": "S"}],
    },
    ("POST", "/api/v1/couriers"): {"name": "Sam"},
    ("PUT", "/api/v1/couriers/{courier_id}/route"): {"day": "2030-01-01", "locker_ids": ["L1"]},
    ("POST", "/api/v1/parcels"): {
        "carrier": "acme",
        "tracking_code": "T9",
        "locker_id": "L1",
        "width_mm": 100,
        "height_mm": 100,
        "depth_mm": 100,
        "recipient": recipient(),
    },
    ("POST", "/api/v1/parcels/{parcel_id}/delegate"): {
        **recipient("Bob"),
        "reason": "recipient called",
    },
    ("PUT", "/api/v1/parcels/{parcel_id}/recipient"): {"carrier": "acme", "recipient": recipient()},
    ("POST", "/api/v1/auth/login"): {"username": "nobody", "password": "nothing at all"},
    ("POST", "/api/v1/auth/password"): {
        "current_password": "nothing at all",
        "new_password": "a new one, long enough",
    },
    ("POST", "/api/v1/carriers"): {"name": "newco"},
    ("POST", "/api/v1/operators"): {
        "username": "bob",
        "password": "correct horse battery staple",
        "role": "viewer",
    },
    ("POST", "/api/v1/lockers/{locker_id}/compartments/{number}/open"): {"reason": "stuck parcel"},
    ("POST", "/api/v1/returns"): {
        "locker_id": "L1",
        "carrier": "acme",
        "size": "S",
        "contact": recipient(),
    },
    ("PUT", "/api/v1/webhook"): {"url": "https://example.com/hook"},
    ("PUT", "/api/v1/carriers/{name}/webhook"): {"url": "https://example.com/hook"},
    ("POST", "/api/v1/depots"): {"id": "D9", "name": "Depot", "latitude": 52.2, "longitude": 21},
    ("PATCH", "/api/v1/depots/{depot_id}"): {"name": "Depot"},
    ("PUT", "/api/v1/depots/{depot_id}/fleet"): {"vehicles": {}},
    ("POST", "/api/v1/depots/{depot_id}/plans"): {"seconds": 0.5},
    ("POST", "/api/v1/vehicle-types"): {
        "id": "van",
        "name": "van",
        "capacity_parcels": 100,
        "capacity_litres": 5000,
        "speed_kmh": 25,
    },
    ("PATCH", "/api/v1/lockers/{locker_id}/routing"): {"access_hours": "24/7"},
    ("POST", "/api/v1/plans/{plan_id}/replan"): {"seconds": 0.5},
    ("PUT", "/api/v1/plans/{plan_id}/routes/{route_id}/courier"): {"courier_id": str(uuid.uuid4())},
    ("PUT", "/api/v1/operators/{username}/contact"): {"phone": "+48123456789"},
    ("PUT", "/api/v1/oncall/{site}"): {"operators": ["admin-1"]},
    ("PUT", "/api/v1/operators/{username}/sites"): {"sites": ["north"]},
}


def takes_body(route):
    method, path = route
    operation = _app().openapi()["paths"][path][method.lower()]
    return "requestBody" in operation


def body_for(route):
    return BODIES.get(route)


def routes_acting_on_a_parcel():
    """Every operation naming one parcel in its path."""
    return [r for r in api_routes() if "{parcel_id}" in r[1]]
