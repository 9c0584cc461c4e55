"""The fleet's device PKI: one CA, a client certificate per board and per service (a bridge
worker), and the broker's own.

A board's certificate name is its locker id, a service's "svc:<word>" (fleet/identities.py:
two name spaces that cannot meet); Mosquitto takes the name as the username and the username as
the client id, so a board can only ever be itself. Keys are EC P-256: small enough for an ESP32's
TLS stack. Every certificate issued is recorded by serial, name and kind (issued.json), so that
`locker ca revoke NAME` can put all of that name's certificates on the CRL.
"""

import datetime
import ipaddress
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from fleet.identities import board_name, identity_name, service_name

CA_YEARS, LEAF_YEARS = 10, 5
EVICTION_MINUTES = 10  # `locker ca revoke` closes a live connection with such a certificate
BOARD, SERVICE, EVICTION, SERVER = "board", "service", "eviction", "server"  # kinds issued
CLIENT_KINDS = (BOARD, SERVICE, EVICTION)


class UnknownIdentity(LookupError):
    """No client certificate was issued to this name by this CA (as far as issued.json knows)."""


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "openlocker fleet"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _pem_key(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _pem_cert(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


class FleetCA:
    """The device CA in a folder: ca.key, ca.crt, the revocation list and the serials issued."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.key_path, self.cert_path = self.folder / "ca.key", self.folder / "ca.crt"
        self.crl_path = self.folder / "ca.crl"
        self.revoked_path = self.folder / "revoked.txt"  # serial numbers, one per line
        self.issued_path = self.folder / "issued.json"  # [{"serial", "name", "kind"}]

    def create(self, name="openlocker device CA"):
        if self.key_path.exists():
            raise FileExistsError("a CA already exists in %s" % self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_now() - datetime.timedelta(minutes=5))
            .not_valid_after(_now() + datetime.timedelta(days=365 * CA_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                critical=True,
            )
            .sign(key, hashes.SHA256())
        )
        self.key_path.write_bytes(_pem_key(key))
        self.key_path.chmod(0o600)
        self.cert_path.write_bytes(_pem_cert(cert))
        self.revoked_path.write_text("")
        self.issued_path.write_text("[]\n")
        self.write_crl()
        return self

    def _load(self):
        key = serialization.load_pem_private_key(self.key_path.read_bytes(), password=None)
        return key, x509.load_pem_x509_certificate(self.cert_path.read_bytes())

    def issue_board(self, locker_id, out_folder):
        """A board's client certificate and key; its name is the locker id, checked first."""
        return self._issue_client(board_name(locker_id), out_folder, BOARD)

    def issue_service(self, word, out_folder):
        """A service's client certificate and key, named "svc:<word>"."""
        return self._issue_client(service_name(word), out_folder, SERVICE)

    def issue_eviction(self, name, out_folder):
        """A short-lived certificate for an identity already issued: connecting with it closes
        that identity's live connection (the broker lets one client id in at a time)."""
        self._issued_to(name)
        return self._issue_client(
            name, out_folder, EVICTION, datetime.timedelta(minutes=EVICTION_MINUTES)
        )

    def _issue_client(self, common_name, out_folder, kind, lifetime=None):
        cert = self._issue_leaf(
            common_name,
            out_folder,
            "client",
            ExtendedKeyUsageOID.CLIENT_AUTH,
            x509.BasicConstraints(ca=False, path_length=None),
            True,
            lifetime,
        )
        (Path(out_folder) / "ca.crt").write_bytes(self.cert_path.read_bytes())
        self._record(cert.serial_number, common_name, kind)
        return cert.serial_number

    def server_certificate(self, out_folder, host="127.0.0.1"):
        """The broker's own certificate, for `host` (an IP address or a DNS name)."""
        try:
            alt = x509.IPAddress(ipaddress.ip_address(host))
        except ValueError:
            alt = x509.DNSName(host)
        cert = self._issue_leaf(
            host,
            out_folder,
            "server",
            ExtendedKeyUsageOID.SERVER_AUTH,
            x509.SubjectAlternativeName([alt]),
            False,
        )
        self._record(cert.serial_number, host, SERVER)

    def _issue_leaf(self, common_name, out_folder, stem, usage, extension, critical, lifetime=None):
        # a fresh key and its certificate signed by this CA, written as <stem>.key / <stem>.crt
        ca_key, ca_cert = self._load()
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_now() - datetime.timedelta(minutes=5))
            .not_valid_after(_now() + (lifetime or datetime.timedelta(days=365 * LEAF_YEARS)))
            .add_extension(extension, critical=critical)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        out = Path(out_folder)
        out.mkdir(parents=True, exist_ok=True)
        (out / (stem + ".key")).write_bytes(_pem_key(key))
        (out / (stem + ".key")).chmod(0o600)
        (out / (stem + ".crt")).write_bytes(_pem_cert(cert))
        return cert

    def issued(self):
        """Every certificate this CA recorded issuing: [{"serial", "name", "kind"}], oldest
        first."""
        if not self.issued_path.exists():  # a CA from before the record: nothing known
            return []
        return json.loads(self.issued_path.read_text())

    def _record(self, serial, name, kind):
        entries = self.issued() + [{"serial": str(serial), "name": name, "kind": kind}]
        self.issued_path.write_text(json.dumps(entries, indent=1) + "\n")

    def _issued_to(self, name):
        serials = [
            e["serial"] for e in self.issued() if e["name"] == name and e["kind"] in CLIENT_KINDS
        ]
        if not serials:
            raise UnknownIdentity(
                "no certificate for %s was issued by the CA in %s (%s lists what was)"
                % (name, self.folder, self.issued_path.name)
            )
        return serials

    def revoke_identity(self, name, keep=()):
        """Put every client certificate of `name` on the CRL but those in `keep`; the serials
        newly revoked. UnknownIdentity if this CA never issued one to that name."""
        revoked = self.revoked_serials()
        fresh = [
            s
            for s in self._issued_to(identity_name(name))
            if s not in revoked and int(s) not in keep
        ]
        if fresh:
            self._write_revoked(revoked | set(fresh))
        return [int(s) for s in fresh]

    def revoked_serials(self):
        return set(self.revoked_path.read_text().split())

    def denied_names(self):
        """The names none of whose client certificates is still good: the broker's ACL shuts
        them out even if a certificate of theirs escaped the record or the CRL."""
        revoked, names = self.revoked_serials(), {}
        for entry in self.issued():
            if entry["kind"] in CLIENT_KINDS:
                names.setdefault(entry["name"], []).append(entry["serial"] in revoked)
        return sorted(name for name, states in names.items() if all(states))

    def revoke(self, serial):
        """Put one certificate, by serial number, on the CRL."""
        self._write_revoked(self.revoked_serials() | {str(serial)})

    def _write_revoked(self, serials):
        self.revoked_path.write_text("\n".join(sorted(serials)) + "\n")
        self.write_crl()

    def write_crl(self):
        # Valid as long as the CA: the broker refuses every client once its CRL's next update
        # has passed (OpenSSL's CRL check), and this one is a local file, replaced whenever a
        # certificate is revoked, never fetched: a short life would only take the fleet down.
        ca_key, ca_cert = self._load()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(ca_cert.subject)
            .last_update(_now() - datetime.timedelta(minutes=5))
            .next_update(ca_cert.not_valid_after_utc)
        )
        for serial in self.revoked_path.read_text().split():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(int(serial))
                .revocation_date(_now())
                .build()
            )
        crl = builder.sign(ca_key, hashes.SHA256())
        self.crl_path.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
