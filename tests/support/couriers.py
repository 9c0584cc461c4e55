"""A courier registered through the API and routed to some lockers for today (UTC): without a
route no board knows the code (cloud/services/courier_routes.py)."""
from datetime import UTC, datetime

import httpx


def register_routed_courier(api_url, headers, locker_ids, code="4711", name="Sam"):
    """The courier's id; `api_url` is the server's root (http://host:port)."""
    api = api_url.rstrip("/") + "/api/v1"
    response = httpx.post(api + "/couriers", json={"name": name, "code": code}, timeout=10, headers=headers)
    response.raise_for_status()
    courier_id = response.json()["id"]
    route = {"day": datetime.now(UTC).date().isoformat(), "locker_ids": list(locker_ids)}
    httpx.put(api + "/couriers/%s/route" % courier_id, json=route, timeout=10,
              headers=headers).raise_for_status()
    return courier_id
