"""The fleet's device PKI: one CA, a client certificate per board and one for the bridge.

Each board's identity is the certificate's common name, which is its locker id; Mosquitto
takes it as the username and the username as the client id, so a board can only ever be
itself. Keys are EC P-256: small enough for an ESP32's TLS stack.
"""
import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_YEARS, LEAF_YEARS = 10, 5


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "openlocker fleet"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _pem_key(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _pem_cert(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


class FleetCA:
    """The device CA in a folder: ca.key, ca.crt, the revocation list and the serials issued."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.key_path, self.cert_path = self.folder / "ca.key", self.folder / "ca.crt"
        self.crl_path = self.folder / "ca.crl"
        self.revoked_path = self.folder / "revoked.txt"  # serial numbers, one per line

    def create(self, name="openlocker device CA"):
        if self.key_path.exists():
            raise FileExistsError("a CA already exists in %s" % self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(_now() - datetime.timedelta(minutes=5))
                .not_valid_after(_now() + datetime.timedelta(days=365 * CA_YEARS))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
                .sign(key, hashes.SHA256()))
        self.key_path.write_bytes(_pem_key(key))
        self.key_path.chmod(0o600)
        self.cert_path.write_bytes(_pem_cert(cert))
        self.revoked_path.write_text("")
        self.write_crl()
        return self

    def _load(self):
        key = serialization.load_pem_private_key(self.key_path.read_bytes(), password=None)
        return key, x509.load_pem_x509_certificate(self.cert_path.read_bytes())

    def issue(self, common_name, out_folder):
        """A client certificate and key for `common_name` (a locker id, or "bridge")."""
        cert = self._issue_leaf(common_name, out_folder, "client", ExtendedKeyUsageOID.CLIENT_AUTH,
                                x509.BasicConstraints(ca=False, path_length=None), True)
        (Path(out_folder) / "ca.crt").write_bytes(self.cert_path.read_bytes())
        return cert.serial_number

    def server_certificate(self, out_folder, host="127.0.0.1"):
        """The broker's own certificate, for `host` (an IP address or a DNS name)."""
        try:
            alt = x509.IPAddress(ipaddress.ip_address(host))
        except ValueError:
            alt = x509.DNSName(host)
        self._issue_leaf(host, out_folder, "server", ExtendedKeyUsageOID.SERVER_AUTH,
                         x509.SubjectAlternativeName([alt]), False)

    def _issue_leaf(self, common_name, out_folder, stem, usage, extension, critical):
        # a fresh key and its certificate signed by this CA, written as <stem>.key / <stem>.crt
        ca_key, ca_cert = self._load()
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca_cert.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(_now() - datetime.timedelta(minutes=5))
                .not_valid_after(_now() + datetime.timedelta(days=365 * LEAF_YEARS))
                .add_extension(extension, critical=critical)
                .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
                .sign(ca_key, hashes.SHA256()))
        out = Path(out_folder)
        out.mkdir(parents=True, exist_ok=True)
        (out / (stem + ".key")).write_bytes(_pem_key(key))
        (out / (stem + ".key")).chmod(0o600)
        (out / (stem + ".crt")).write_bytes(_pem_cert(cert))
        return cert

    def revoke(self, serial):
        serials = set(self.revoked_path.read_text().split())
        serials.add(str(serial))
        self.revoked_path.write_text("\n".join(sorted(serials)) + "\n")
        self.write_crl()

    def write_crl(self):
        ca_key, ca_cert = self._load()
        builder = (x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
                   .last_update(_now() - datetime.timedelta(minutes=5))
                   .next_update(_now() + datetime.timedelta(days=30)))
        for serial in self.revoked_path.read_text().split():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(int(serial)).revocation_date(_now()).build())
        crl = builder.sign(ca_key, hashes.SHA256())
        self.crl_path.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
