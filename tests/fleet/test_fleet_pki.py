"""The fleet's names, its CA's record of what it issued, the broker's folder and ACL."""

import datetime
import os
import pwd
import subprocess

import pytest
from cryptography import x509

from fleet.broker_folder import BrokerFolder
from fleet.fleet_broker import acl_text, bridge_identity
from fleet.identities import IdentityNameError, board_name, identity_name, is_service, service_name
from fleet.pki import FleetCA, UnknownIdentity
from fleet.revocation import revoke
from fleet.service_user import unreachable


@pytest.fixture
def ca(tmp_path):
    return FleetCA(tmp_path / "pki").create()


@pytest.mark.parametrize("locker_id", ["L-1", "A", "bank_7.north", "x" * 32, "bridgeton", "svcs"])
def test_a_locker_id_is_a_boards_name(locker_id):
    assert board_name(locker_id) == locker_id and not is_service(locker_id)


@pytest.mark.parametrize("word, name", [("bridge-1", "svc:bridge-1"), ("relay", "svc:relay")])
def test_a_services_name_carries_the_prefix_no_locker_id_can(word, name):
    assert service_name(word) == name and is_service(name) and identity_name(name) == name
    with pytest.raises(IdentityNameError):
        board_name(name)


@pytest.mark.parametrize("bad", ["svc:", "svc:Bridge", "svc:a b", "svc:a\n", "a\nb", "", None])
def test_what_is_neither_name_is_refused(bad):
    with pytest.raises(IdentityNameError):
        identity_name(bad)


def test_every_certificate_issued_is_recorded_by_serial_name_and_kind(ca, tmp_path):
    board = ca.issue_board("L-1", tmp_path / "L-1")
    service = ca.issue_service("bridge-1", tmp_path / "bridge-1")
    ca.server_certificate(tmp_path / "tls", "broker.example")
    assert [(e["serial"], e["name"], e["kind"]) for e in ca.issued()][:2] == [
        (str(board), "L-1", "board"),
        (str(service), "svc:bridge-1", "service"),
    ]
    assert (ca.issued()[2]["name"], ca.issued()[2]["kind"]) == ("broker.example", "server")
    cert = x509.load_pem_x509_certificate((tmp_path / "bridge-1" / "client.crt").read_bytes())
    assert cert.subject.rfc4514_string().startswith("CN=svc:bridge-1")


def test_revoking_a_name_revokes_all_its_certificates_but_those_kept(ca, tmp_path):
    first, second = ca.issue_board("L-1", tmp_path / "a"), ca.issue_board("L-1", tmp_path / "b")
    other = ca.issue_board("L-2", tmp_path / "c")
    assert sorted(ca.revoke_identity("L-1", keep=(second,))) == [first]
    assert ca.denied_names() == []  # L-1 still has a good certificate
    assert ca.revoke_identity("L-1") == [second] and ca.revoke_identity("L-1") == []
    assert ca.denied_names() == ["L-1"]
    revoked = {r.serial_number for r in x509.load_pem_x509_crl(ca.crl_path.read_bytes())}
    assert revoked == {first, second} and other not in revoked


def test_a_name_never_issued_is_unknown_and_nothing_changes(ca, tmp_path):
    ca.server_certificate(tmp_path / "tls", "broker.example")
    crl = ca.crl_path.read_bytes()
    for name in ("nobody", "broker.example"):  # a server certificate is no identity
        with pytest.raises(UnknownIdentity, match=name):
            ca.revoke_identity(name)
        with pytest.raises(UnknownIdentity):
            ca.issue_eviction(name, tmp_path / "x")
    assert ca.crl_path.read_bytes() == crl


def test_an_eviction_certificate_lives_minutes(ca, tmp_path):
    ca.issue_board("L-1", tmp_path / "L-1")
    ca.issue_eviction("L-1", tmp_path / "evict")
    cert = x509.load_pem_x509_certificate((tmp_path / "evict" / "client.crt").read_bytes())
    assert cert.not_valid_after_utc - datetime.datetime.now(
        datetime.timezone.utc
    ) < datetime.timedelta(minutes=11)


def test_the_acl_gives_services_their_rights_and_denied_names_nothing():
    acl = acl_text(2, denied=["L-9", bridge_identity(2)]).split("\n\n")
    assert acl[1].splitlines()[:2] == ["user svc:bridge-1", "topic deny lockers/svc:bridge-1/#"]
    assert "user svc:bridge-2\ntopic deny #" in acl[-1] and "user L-9\ntopic deny #" in acl[-2]
    assert not [block for block in acl if block.startswith("user svc:bridge-2\ntopic read")]


def test_the_acl_refuses_a_name_that_would_break_its_lines():
    with pytest.raises(IdentityNameError):
        acl_text(1, denied=["L-1\ntopic readwrite #"])


def test_a_pid_file_naming_another_process_is_not_the_broker(ca, tmp_path):
    broker = BrokerFolder(tmp_path / "broker")
    broker.write(ca, port=8883, user=pwd.getpwuid(os.geteuid()).pw_name)
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        broker.pid_path.write_text("%d\n" % sleeper.pid)
        assert broker.broker_pid() is None and broker.reload() is False
        broker.pid_path.write_text("garbage")
        assert broker.broker_pid() is None
    finally:
        sleeper.kill()
        sleeper.wait()


def test_without_a_running_broker_revoke_updates_the_folder_and_says_to_reload(ca, tmp_path):
    broker = BrokerFolder(tmp_path / "broker")
    broker.write(ca, port=8883, user=pwd.getpwuid(os.geteuid()).pw_name)
    serial = ca.issue_board("L-1", tmp_path / "L-1")
    said = []
    assert revoke(ca, "L-1", broker, say=said.append) == [serial]
    assert "user L-1\ntopic deny #" in broker.acl.read_text()
    assert (broker.tls / "ca.crl").read_bytes() == ca.crl_path.read_bytes()
    assert "reload the broker" in said[-1]


def test_a_folder_is_unreachable_through_a_closed_parent(tmp_path):
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    nobody = pwd.getpwnam("nobody")
    assert unreachable(closed / "broker" / "x", nobody) in (closed, *closed.parents)
    assert unreachable(closed / "broker", pwd.getpwuid(0)) is None  # root passes everywhere


def test_the_crl_stays_valid_as_long_as_the_ca(ca, tmp_path):
    # an expired CRL makes the broker refuse every board: it must not run out after a month
    ca.revoke(ca.issue_board("L-1", tmp_path / "L-1"))
    crl = x509.load_pem_x509_crl(ca.crl_path.read_bytes())
    assert (
        crl.next_update_utc
        == x509.load_pem_x509_certificate(ca.cert_path.read_bytes()).not_valid_after_utc
    )
