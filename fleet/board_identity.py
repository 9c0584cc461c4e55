"""A provisioned board's identity (the folder `locker provision` writes), checked and turned
into the files its firmware bundle carries: tls/ca, tls/client and tls/client_key, each in PEM
(CPython) and DER (MicroPython's mbedTLS, see firmware/board/tls.py).

Only the board's own key and certificate and the fleet CA's certificate are read: whatever
else lies in the folder (a CA key copied there by mistake) never reaches the bundle.
"""

import json
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from fleet.identities import IdentityNameError, board_name

# bundle name -> file in the provision folder
PROVISIONED = {"ca": "ca.crt", "client": "client.crt", "client_key": "client.key"}
IDENTITY = "identity.json"


class IdentityError(ValueError):
    """A provision folder that does not hold one complete, consistent board identity."""


def read_identity(folder):
    """identity.json's locker id, key and compartments, once every file is there and the
    certificate is the board's, matches its key and was signed by the fleet CA."""
    folder = Path(folder)
    missing = [name for name in [IDENTITY, *PROVISIONED.values()] if not (folder / name).is_file()]
    if missing:
        raise IdentityError(
            "%s is not a provisioned board: %s missing (run `locker provision`)"
            % (folder, ", ".join(missing))
        )
    identity = _identity_json(folder / IDENTITY)
    try:
        board_name(identity["locker_id"])  # a service's name is never a board's (identities.py)
    except IdentityNameError as error:
        raise IdentityError("%s: %s" % (folder / IDENTITY, error)) from None
    ca, cert, key = _load(folder)
    _check_certificate(identity["locker_id"], ca, cert, key)
    return identity


def tls_files(folder):
    """{bundle name: (PEM bytes, DER bytes)} for the board's TLS files."""
    ca, cert, key = _load(Path(folder))
    der = serialization.Encoding.DER
    pkcs8, plain = serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    return {
        "ca": (ca.public_bytes(serialization.Encoding.PEM), ca.public_bytes(der)),
        "client": (cert.public_bytes(serialization.Encoding.PEM), cert.public_bytes(der)),
        "client_key": (
            key.private_bytes(serialization.Encoding.PEM, pkcs8, plain),
            key.private_bytes(der, pkcs8, plain),
        ),
    }


def write_tls_files(out, files):
    """Write `files` (from tls_files) into out/tls; the key readable by its owner only."""
    if not files:
        return
    folder = Path(out) / "tls"
    folder.mkdir(parents=True, exist_ok=True)
    for name, (pem, der) in files.items():
        for suffix, data in ((".pem", pem), (".der", der)):
            path = folder / (name + suffix)
            path.write_bytes(data)
            if name == "client_key":
                path.chmod(0o600)


def _identity_json(path):
    try:
        identity = json.loads(path.read_text())
        bytes.fromhex(identity["key"])
        locker_id, compartments = identity["locker_id"], identity["compartments"]
    except (ValueError, KeyError, TypeError) as error:
        raise IdentityError("%s is not a board identity: %s" % (path, error)) from None
    if not isinstance(locker_id, str) or not locker_id or not isinstance(compartments, list):
        raise IdentityError("%s is not a board identity: locker_id or compartments" % path)
    return identity


def _load(folder):
    try:
        ca = x509.load_pem_x509_certificate((folder / PROVISIONED["ca"]).read_bytes())
        cert = x509.load_pem_x509_certificate((folder / PROVISIONED["client"]).read_bytes())
        key = serialization.load_pem_private_key(
            (folder / PROVISIONED["client_key"]).read_bytes(), None
        )
    except (ValueError, TypeError) as error:
        raise IdentityError("%s: unreadable certificate or key: %s" % (folder, error)) from None
    return ca, cert, key


def _check_certificate(locker_id, ca, cert, key):
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if [n.value for n in names] != [locker_id]:
        raise IdentityError(
            "the certificate is not %s's (the broker takes its name as the board's)" % locker_id
        )
    if cert.public_key() != key.public_key():
        raise IdentityError("client.key is not the key of client.crt")
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        raise IdentityError("client.crt was not signed by the fleet CA in ca.crt") from None
