"""The audit trail: hash-chained and written with the action (tampering with it, attacked:
tests/security/test_audit_tampering.py)."""

import subprocess
import sys

from sqlmodel import select

from cloud.board_events import apply_device_event
from cloud.models import AuditEntry, Compartment
from cloud.services import audit, parcels


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


def test_a_rolled_back_action_leaves_no_entry(session, now):
    audit.record(session, "system", "login", "x", now)
    session.rollback()
    assert audit.verify(session).entries == 0
    audit.record(session, "system", "login", "x", now)
    session.commit()
    assert audit.verify(session).entries == 1


def test_preadvice_cancel_deposit_and_pickup_are_audited(
    session, make_locker, parcel_data, settings, now
):
    locker, _ = make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings, actor="carrier:DHL")
    other = parcels.preadvise(session, parcel_data(tracking_code="JJD0002"), now, settings=settings)
    parcels.cancel(session, other.id, now, settings=settings, actor="operator:alice")
    number = session.get(Compartment, parcel.compartment_id).number
    for seq, kind in ((1, "deposited"), (2, "collected")):
        apply_device_event(
            session,
            locker,
            {"lkr": "L1", "seq": seq, "t": 0, "type": kind, "cmp": number, "parcel": "JJD0001"},
            now,
            settings=settings,
        )
    session.commit()
    entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.actor, e.action) for e in entries] == [
        ("carrier:DHL", "parcel_preadvised"),
        ("system", "parcel_preadvised"),
        ("operator:alice", "parcel_cancelled"),
        ("board:L1", "door_opened"),
        ("system", "credential_issued"),
        ("board:L1", "door_opened"),
    ]
    assert audit.verify(session).entries == 6


def test_locker_admin_create_refuses_a_weak_password(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "locker.cli",
            "admin",
            "create",
            "root",
            "--password-stdin",
            "--database-url",
            f"sqlite:///{tmp_path / 'a.db'}",
        ],
        input="short\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "at least 12" in result.stderr
