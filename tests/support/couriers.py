"""Couriers for tests: registered through the service with a code of the test's choosing (a
scripted draw), or through the API and routed to some lockers for today (UTC): without a route
no board knows the code (cloud/services/courier_routes.py)."""

from datetime import UTC, datetime

import httpx

from cloud.services import courier_codes
from tests.support.scripted_random import ScriptedRandom


def registered(session, name, now, settings, code, actor="operator:test"):
    """A courier whose drawn code is `code` (10 digits while few are live)."""
    courier, drawn = courier_codes.register_courier(
        session, name, now, actor=actor, settings=settings, rng=ScriptedRandom(code)
    )
    assert drawn == code, (drawn, code)
    return courier


def register_routed_courier(api_url, headers, locker_ids, name="Sam"):
    """(the courier's id, their code, drawn by the cloud); `api_url` is the server's root
    (http://host:port)."""
    api = api_url.rstrip("/") + "/api/v1"
    response = httpx.post(api + "/couriers", json={"name": name}, timeout=10, headers=headers)
    response.raise_for_status()
    courier_id, code = response.json()["id"], response.json()["code"]
    route = {"day": datetime.now(UTC).date().isoformat(), "locker_ids": list(locker_ids)}
    httpx.put(
        api + "/couriers/%s/route" % courier_id, json=route, timeout=10, headers=headers
    ).raise_for_status()
    return courier_id, code
