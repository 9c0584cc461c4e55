"""Tampering with the audit trail: altering, deleting, reordering or cutting off entries is
detected by audit.verify and by `locker audit verify` (run once as a subprocess). Moved here
from tests/cloud/services/test_audit.py, with reordering added.

Not detected (docs/security.md): someone who can write the database can recompute the whole
chain and its head, since the hash is not keyed; keep a copy of the head elsewhere to see that."""

import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlmodel import Session

from cloud.services import audit


def _three(session, now):
    for n in range(3):
        audit.record(session, "operator:alice", "login", "operator:alice", now, n=n)
    session.commit()


def _verdict(engine):
    with Session(engine) as fresh:
        return audit.verify(fresh)


def test_an_altered_detail_breaks_the_chain_at_that_entry(session, engine, now):
    _three(session, now)
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditentry SET detail = :d WHERE id = 2"), {"d": '{"n":7}'})
    verdict = _verdict(engine)
    assert (verdict.intact, verdict.broken_at, verdict.entries) == (False, 2, 1)
    assert "altered" in verdict.reason


@pytest.mark.parametrize("deleted", [2, 3], ids=["a_middle_entry", "the_newest_entry"])
def test_a_deleted_entry_breaks_the_chain(session, engine, now, deleted):
    _three(session, now)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditentry WHERE id = :id"), {"id": deleted})
    assert _verdict(engine).broken_at == deleted


def test_locker_audit_verify_reports_and_exits_1_on_tampering(tmp_path, now):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    cli = [sys.executable, "-m", "locker.cli", "audit", "verify", "--database-url", url]
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "locker.cli",
            "admin",
            "create",
            "root",
            "--password-stdin",
            "--database-url",
            url,
        ],
        input="a long enough passphrase\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
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


def test_swapping_two_entries_contents_is_seen(session, engine, now):
    _three(session, now)
    columns = "at, actor, action, subject, detail, prev_hash, hash"
    with engine.begin() as connection:
        two, three = (
            connection.execute(
                text(f"SELECT {columns} FROM auditentry WHERE id = :i"), {"i": i}
            ).one()
            for i in (2, 3)
        )
        for target, row in ((2, three), (3, two)):
            connection.execute(
                text(
                    "UPDATE auditentry SET at = :at, actor = :actor, action = :action, "
                    "subject = :subject, detail = :detail, prev_hash = :prev_hash, "
                    "hash = :hash WHERE id = :id"
                ),
                dict(row._mapping, id=target),
            )
    assert _verdict(engine).broken_at == 2


def test_renumbering_entries_into_another_order_is_seen(session, engine, now):
    _three(session, now)
    with engine.begin() as connection:
        for old, new in ((2, 100), (3, 2), (100, 3)):
            connection.execute(
                text("UPDATE auditentry SET id = :new WHERE id = :old"), {"old": old, "new": new}
            )
    assert _verdict(engine).broken_at == 2
