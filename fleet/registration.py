"""Registering a locker with the cloud through its HTTP API: the one way every tool does it.

The cloud creates the locker and its compartments and returns the board's HMAC key once;
`locker provision`, `locker sim`, the demo and the WebAssembly board all come through here.
"""

import httpx


class RegistrationRefused(RuntimeError):
    """The cloud answered anything but 201 Created."""

    def __init__(self, locker_id, status, text):
        super().__init__("the cloud refused locker %s: %s %s" % (locker_id, status, text))
        self.locker_id, self.status, self.text = locker_id, status, text


def register_locker(
    api_url,
    locker_id,
    compartments,
    *,
    name=None,
    address="",
    point=None,
    headers=None,
    timeout=30,
):
    """Create locker `locker_id` with `compartments` ((number, size) pairs) in the cloud at
    `api_url`, at `point` ((latitude, longitude), if known); the board's HMAC key as hex.
    RegistrationRefused if the cloud says no."""
    body = {
        "id": locker_id,
        "name": name or locker_id,
        "address": address,
        "compartments": [_compartment(c) for c in compartments],
    }
    if point is not None:
        body["latitude"], body["longitude"] = point
    response = httpx.post(
        api_url.rstrip("/") + "/api/v1/lockers", json=body, timeout=timeout, headers=headers
    )
    if response.status_code != 201:
        raise RegistrationRefused(locker_id, response.status_code, response.text)
    return response.json()["device_key"]


def _compartment(entry):
    # (number, size), or (number, size, True) for an accessible one (protocol/layout.py)
    spec = {"number": entry[0], "size": entry[1]}
    if len(entry) > 2 and entry[2]:
        spec["accessible"] = True
    return spec
