"""The audit trail: append-only, hash-chained entries written in the caller's transaction.

Each entry's hash is SHA-256 over its predecessor's hash and the canonical JSON of its own
fields, so changing, removing or reordering any entry breaks every link after it; the head row
remembers the last entry, so cutting entries off the end is seen too. Appends lock the head
row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers anyway),
so concurrent transactions chain one after another, with no gaps in the ids.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from cloud.models import GENESIS_HASH, AuditEntry, AuditHead

ACTIONS = (
    "login",
    "login_failed",
    "parcel_preadvised",
    "parcel_cancelled",
    "credential_issued",
    "door_opened",
    "remote_command",
    "key_issued",
    "key_revoked",
    "operator_created",
    "carrier_created",
    "courier_route_set",
    "route_plan_made",
    "route_plan_replanned",
    "route_plan_follows",
    "route_assigned",
    "depot_created",
    "depot_updated",
    "vehicle_type_created",
    "fleet_set",
    "locker_routing_set",
    "courier_revoked",  # courier routes (issue 5)
    "compartment_out_of_service",
    "compartment_in_service",  # admin (issue 6)
    "parcel_expired",
    "reservation_lapsed",
    "parcel_extended",  # lifecycle (issue 6)
    "webhook_configured",  # carrier webhooks (issue 6)
    # courier flows at the locker (issue 6)
    "return_requested",
    "parcel_retargeted",
    "unadvised_parcel",
    "parcel_returned",
    "unadvised_completed",  # an unadvised parcel given its carrier and recipient
    "door_release",  # a door for someone but the recipient, asked for (door_budget.py)
    "courier_registered",
    "courier_code_issued",  # codes the cloud draws (issue 10)
    "login_locked",
    "logout",
    "password_changed",  # login guessing, sessions (issue 10)
    "device_key_rotated",  # `locker install --reprovision` (issue 13)
    "notification_failed",  # given up on, or its SMS gateway could not deliver it (issue 14)
    "on_call_set",
    "operator_contact_set",
    "operator_paged",
    "page_acknowledged",  # on-call paging (issue 14)
    "parcel_redirected",  # by the recipient (their page), or a locker full at the deposit
    "parcel_held",  # the recipient page (issue 14)
    "operator_sites_set",  # operators scoped to sites (issue 14)
)
_BATCH = 1000  # entries read at a time while verifying


def record(
    session: Session, actor: str, action: str, subject: str, now: datetime, **detail: Any
) -> AuditEntry:
    """Append one entry after the newest; it commits (or rolls back) with the caller's work."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    head = _locked_head(session)
    entry = AuditEntry(
        id=head.last_id + 1,
        at=now,
        actor=actor,
        action=action,
        subject=str(subject),
        detail=_canonical(detail),
        prev_hash=head.last_hash,
        hash="",
    )
    entry.hash = entry_hash(entry)
    head.last_id, head.last_hash = entry.id, entry.hash
    session.add(entry)
    session.add(head)
    session.flush()
    return entry


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 over the previous hash and the entry's fields as canonical JSON."""
    fields = {
        "id": entry.id,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "action": entry.action,
        "subject": entry.subject,
        "detail": entry.detail,
    }
    return hashlib.sha256((entry.prev_hash + _canonical(fields)).encode()).hexdigest()


@dataclass(frozen=True)
class Verdict:
    entries: int
    broken_at: int | None = None  # the id of the first entry that does not fit (or the head)
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(session: Session) -> Verdict:
    """Walk the chain from the first entry; the first broken link, or how many entries hold."""
    expected_id, prev_hash, count = 1, GENESIS_HASH, 0
    for entry in _all_entries(session):
        problem = _problem(entry, expected_id, prev_hash)
        if problem:
            return Verdict(count, expected_id if "missing" in problem else entry.id, problem)
        expected_id, prev_hash, count = entry.id + 1, entry.hash, count + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_id, head.last_hash) != (count, prev_hash):
        return Verdict(
            count, count + 1, f"entries after #{count} are missing (the head names #{head.last_id})"
        )
    return Verdict(count)


def recent(session: Session, limit: int = 100, action: str | None = None) -> list[AuditEntry]:
    """The newest entries first."""
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(session.exec(query).all())


def _problem(entry: AuditEntry, expected_id: int, prev_hash: str) -> str:
    if entry.id != expected_id:
        return f"entry #{expected_id} is missing (next is #{entry.id})"
    if entry.prev_hash != prev_hash:
        return f"entry #{entry.id} does not follow #{entry.id - 1} (prev_hash differs)"
    if entry_hash(entry) != entry.hash:
        return f"entry #{entry.id} was altered (its hash does not match its content)"
    return ""


def _all_entries(session: Session) -> Iterable[AuditEntry]:
    after = 0
    while True:
        query = (
            select(AuditEntry)
            .where(AuditEntry.id > after)
            .order_by(col(AuditEntry.id))
            .limit(_BATCH)
        )
        batch = session.exec(query).all()
        yield from batch
        if len(batch) < _BATCH:
            return
        after = batch[-1].id


def _locked_head(session: Session) -> AuditHead:
    head = session.get(AuditHead, 1, with_for_update=True, populate_existing=True)
    if head is None:  # the migration creates it; only an emptied table lacks it
        head = AuditHead(id=1)
        session.add(head)
        session.flush()
    return head


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
