"""The audit trail: hash-chained, written with the action, and `verify` finds any tampering."""
import subprocess
import sys

from sqlalchemy import text
from sqlmodel import Session, select

from cloud.models import AuditEntry, Compartment
from cloud.services import audit, parcels
from cloud.services.device_events import apply_device_event


def _three(session, now):
    for n in range(3):
        audit.record(session, "operator:alice", "login", "operator:alice", now, n=n)
    session.commit()


def test_entries_chain_and_verify_intact(session, now):
    _three(session, now)
    entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.id for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    assert audit.verify(session).entries == 3 and audit.verify(session).intact


def test_an_altered_detail_breaks_the_chain_at_that_entry(session, engine, now):
    _three(session, now)
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditentry SET detail = :d WHERE id = 2"), {"d": '{"n":7}'})
    with Session(engine) as fresh:
        verdict = audit.verify(fresh)
    assert (verdict.intact, verdict.broken_at, verdict.entries) == (False, 2, 1)
    assert "altered" in verdict.reason


def test_a_deleted_entry_breaks_the_chain(session, engine, now):
    _three(session, now)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditentry WHERE id = 2"))
    with Session(engine) as fresh:
        assert audit.verify(fresh).broken_at == 2


def test_cutting_off_the_newest_entry_is_seen_too(session, engine, now):
    _three(session, now)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditentry WHERE id = 3"))
    with Session(engine) as fresh:
        assert audit.verify(fresh).broken_at == 3


def test_a_rolled_back_action_leaves_no_entry(session, now):
    audit.record(session, "system", "login", "x", now)
    session.rollback()
    assert audit.verify(session).entries == 0
    audit.record(session, "system", "login", "x", now)
    session.commit()
    assert audit.verify(session).entries == 1


def test_preadvice_cancel_deposit_and_pickup_are_audited(session, make_locker, parcel_data, settings, now):
    locker, _ = make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings, actor="carrier:DHL")
    other = parcels.preadvise(session, parcel_data(tracking_code="JJD0002"), now, settings=settings)
    parcels.cancel(session, other.id, now, settings=settings, actor="operator:alice")
    number = session.get(Compartment, parcel.compartment_id).number
    for seq, kind in ((1, "deposited"), (2, "collected")):
        apply_device_event(session, locker, {"lkr": "L1", "seq": seq, "t": 0, "type": kind,
                                             "cmp": number, "parcel": "JJD0001"}, now, settings=settings)
    session.commit()
    entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.actor, e.action) for e in entries] == [
        ("carrier:DHL", "parcel_preadvised"), ("system", "parcel_preadvised"),
        ("operator:alice", "parcel_cancelled"), ("board:L1", "door_opened"),
        ("system", "credential_issued"), ("board:L1", "door_opened")]
    assert audit.verify(session).entries == 6


def test_locker_audit_verify_reports_and_exits_1_on_tampering(tmp_path, now):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    cli = [sys.executable, "-m", "locker.cli", "audit", "verify", "--database-url", url]
    created = subprocess.run([sys.executable, "-m", "locker.cli", "admin", "create", "root",
                              "--password-stdin", "--database-url", url],
                             input="a long enough passphrase\n", capture_output=True, text=True, timeout=60)
    assert created.returncode == 0, created.stderr
    ok = subprocess.run(cli, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "1 entries, chain intact" in ok.stdout
    from cloud.db import make_engine
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditentry SET actor = 'system:someone-else'"))
    engine.dispose()
    broken = subprocess.run(cli, capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1 and "BROKEN at entry #1" in broken.stdout


def test_locker_admin_create_refuses_a_weak_password(tmp_path):
    result = subprocess.run([sys.executable, "-m", "locker.cli", "admin", "create", "root", "--password-stdin",
                             "--database-url", f"sqlite:///{tmp_path / 'a.db'}"],
                            input="short\n", capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "at least 12" in result.stderr
