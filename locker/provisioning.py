"""`locker provision`: a board's own identity, made in one step for the installer.

The cloud creates the locker and its HMAC key (returned once); the fleet CA signs the board's
client certificate; both land in the board's folder, ready for `locker firmware build`.
"""
import json
from pathlib import Path

import httpx

from locker.identities import board_name
from locker.pki import FleetCA


def provision(locker_id, compartments, api, ca_folder, out_folder, name=None, address="", headers=None):
    """Create the locker in the cloud and its certificate; the folder holding both.
    IdentityNameError, before anything is made, for an id no board may carry."""
    board_name(locker_id)  # a service's name, a slash, a newline: refused here, not half-made
    response = httpx.post(api.rstrip("/") + "/api/v1/lockers", timeout=30, headers=headers, json={
        "id": locker_id, "name": name or locker_id, "address": address,
        "compartments": [{"number": n, "size": s} for n, s in compartments]})
    if response.status_code != 201:
        raise RuntimeError("the cloud refused locker %s: %s %s" % (locker_id, response.status_code, response.text))
    out = Path(out_folder)
    serial = FleetCA(ca_folder).issue_board(locker_id, out)
    identity = {"locker_id": locker_id, "key": response.json()["device_key"],
                "compartments": [list(c) for c in compartments], "certificate_serial": str(serial)}
    (out / "identity.json").write_text(json.dumps(identity, indent=1))
    (out / "identity.json").chmod(0o600)  # the board's own HMAC key: shared with nothing else
    return out
