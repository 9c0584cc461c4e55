"""Step 2, the board's identity: reused from the local folder or the board itself when it
already has one for this locker, else made through the cloud as `locker provision` does.

The local folder (provisioned/LOCKER_ID) is written the moment the cloud hands the key over,
before anything else can fail, so a rerun after a failure reuses it instead of meeting
"locker already exists". `--reprovision` asks the cloud for a new key (and the fleet CA for a
new certificate): the old board, or a stolen copy of its flash, is locked out.
"""

import json
from pathlib import Path

import httpx

from fleet import board_identity
from fleet.identities import IdentityNameError, board_name
from fleet.install.errors import InstallError
from fleet.pki import FleetCA
from fleet.registration import RegistrationRefused, register_locker

IDENTITY = "identity.json"
NEW, LOCAL, BOARD, REPROVISION = "new", "local", "board", "reprovision"


def identity_source(locker_id, board_config, local, *, reprovision):
    """Where the identity comes from (NEW, LOCAL, BOARD or REPROVISION), decided before any
    change; InstallError for a board holding another locker's identity."""
    held = (board_config or {}).get("locker_id")
    if held and held != locker_id and not reprovision:
        raise InstallError(
            "provision",
            "the board holds locker %s's identity, not %s's: give --reprovision to "
            "replace it (the board stops being %s)" % (held, locker_id, held),
        )
    if reprovision:
        return REPROVISION
    if local is not None and local["locker_id"] == locker_id:
        return LOCAL
    if held == locker_id and (board_config or {}).get("key"):
        return BOARD
    return NEW


def read_local(folder, *, tls):
    """identity.json of the local folder, checked (with its certificates for TLS); None if
    there is none."""
    folder = Path(folder)
    if not (folder / IDENTITY).is_file():
        return None
    try:
        if tls:
            return board_identity.read_identity(folder)
        identity = json.loads((folder / IDENTITY).read_text())
        bytes.fromhex(identity["key"])
        return identity
    except (board_identity.IdentityError, ValueError, KeyError, TypeError) as error:
        raise InstallError("provision", "%s: %s" % (folder / IDENTITY, error)) from None


def save_local(folder, locker_id, key, compartments, resume=None):
    """`resume`: where a board given a new key for an existing locker numbers on from."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    identity = {"locker_id": locker_id, "key": key, "compartments": [list(c) for c in compartments]}
    if resume is not None:
        identity["resume"] = resume
    path = folder / IDENTITY
    path.write_text(json.dumps(identity, indent=1))
    path.chmod(0o600)  # the board's own HMAC key: shared with nothing else
    return identity


def obtain(
    source, locker_id, compartments, folder, *, api, headers, ca_dir, tls, board_config, board_files
):
    """The identity ({locker_id, key, compartments}) for `source`, kept in `folder`;
    `board_files(path)` reads a file of the board (its certificates, for BOARD with TLS)."""
    if source == LOCAL:
        return read_local(folder, tls=tls)
    if source == BOARD:
        held = board_config
        identity = save_local(
            folder,
            locker_id,
            held["key"],
            held.get("compartments") or compartments,
            held.get("resume"),
        )
        if tls:
            _copy_board_certificates(board_files, folder)
            return read_local(folder, tls=True)
        return identity
    try:
        board_name(locker_id)  # an id no board may carry: refused before the cloud is asked
        key, resume = _new_key(source, locker_id, compartments, api, headers)
    except (IdentityNameError, RegistrationRefused, httpx.HTTPError) as error:
        raise InstallError("provision", str(error)) from None
    identity = save_local(folder, locker_id, key, compartments, resume)
    if tls:
        identity["certificate_serial"] = str(FleetCA(ca_dir).issue_board(locker_id, folder))
        (Path(folder) / IDENTITY).write_text(json.dumps(identity, indent=1))
    return identity


def _new_key(source, locker_id, compartments, api, headers):
    """(key, resume): resume is where the board numbers on from when the locker existed."""
    if not headers:
        raise InstallError(
            "provision", "the cloud needs an operator's token: --token or LOCKER_API_TOKEN"
        )
    if source == REPROVISION:
        response = httpx.post(
            "%s/api/v1/lockers/%s/device-key" % (api.rstrip("/"), locker_id),
            headers=headers,
            timeout=30,
        )
        if response.status_code == 200:
            answer = response.json()
            return answer["device_key"], {"seq": answer["next_seq"], "conn": answer["next_conn"]}
        if response.status_code != 404:  # unknown locker: registered below, as a new one
            raise InstallError(
                "provision",
                "the cloud refused a new key for %s: %s %s"
                % (locker_id, response.status_code, response.text),
            )
    try:
        return register_locker(api, locker_id, compartments, headers=headers, timeout=30), None
    except RegistrationRefused as refusal:
        if refusal.status != 409:
            raise
        raise InstallError(
            "provision",
            "locker %s already exists in the cloud, but neither the board nor %s holds its "
            "key: give --reprovision for a new one" % (locker_id, IDENTITY),
        ) from None


def _copy_board_certificates(board_files, folder):
    for name, local in board_identity.PROVISIONED.items():
        try:
            data = board_files("tls/%s.pem" % name)
        except OSError:
            raise InstallError(
                "provision",
                "the board holds %s's key but no tls/%s.pem: give --reprovision"
                % (Path(folder).name, name),
            ) from None
        (Path(folder) / local).write_bytes(data)
    (Path(folder) / board_identity.PROVISIONED["client_key"]).chmod(0o600)
