"""`locker provision`: a board's own identity, made in one step for the installer.

The cloud creates the locker and its HMAC key (returned once); the fleet CA signs the board's
client certificate; both land in the board's folder, ready for `locker firmware build`.
"""

import json
from pathlib import Path

from fleet.identities import board_name
from fleet.pki import FleetCA
from fleet.registration import register_locker


def provision(
    locker_id, compartments, api, ca_folder, out_folder, name=None, address="", headers=None
):
    """Create the locker in the cloud and its certificate; the folder holding both.
    IdentityNameError, before anything is made, for an id no board may carry."""
    board_name(locker_id)  # a service's name, a slash, a newline: refused here, not half-made
    key = register_locker(api, locker_id, compartments, name=name, address=address, headers=headers)
    out = Path(out_folder)
    serial = FleetCA(ca_folder).issue_board(locker_id, out)
    identity = {
        "locker_id": locker_id,
        "key": key,
        "compartments": [list(c) for c in compartments],
        "certificate_serial": str(serial),
    }
    (out / "identity.json").write_text(json.dumps(identity, indent=1))
    (out / "identity.json").chmod(0o600)  # the board's own HMAC key: shared with nothing else
    return out
