"""The bridge worker's own identity on the fleet's TLS broker (`locker broker-config` issues it).

The folder holds ca.crt (the fleet CA), client.crt and client.key. The broker takes the
certificate's name as the username and insists the client id is that username, so the name is
read from the certificate rather than configured twice. Only a service's name ("svc:...") has a
bridge's rights there: a board's certificate, or a bridge's from before that prefix, is refused
here with what to do about it.
"""

from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID

from cloud.models import SERVICE_IDENTITY_PREFIX

FILES = ("ca.crt", "client.crt", "client.key")


class BridgeIdentity:
    def __init__(self, folder):
        self.folder = Path(folder)
        missing = [name for name in FILES if not (self.folder / name).is_file()]
        if missing:
            raise ValueError(
                "bridge identity %s lacks %s (made by `locker broker-config`)"
                % (self.folder, ", ".join(missing))
            )
        certificate = x509.load_pem_x509_certificate((self.folder / "client.crt").read_bytes())
        self.name = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
        if not self.name.startswith(SERVICE_IDENTITY_PREFIX):
            raise ValueError(
                "%s holds %s's certificate, not a service's (%s...): run `locker "
                "broker-config` again for the bridge workers' identities"
                % (self.folder, self.name, SERVICE_IDENTITY_PREFIX)
            )

    def apply_to(self, client):
        """Make a paho client speak TLS with this certificate, checking the broker's."""
        client.tls_set(
            ca_certs=str(self.folder / "ca.crt"),
            certfile=str(self.folder / "client.crt"),
            keyfile=str(self.folder / "client.key"),
        )
