"""A parcel's timeline: its own milestones, its board events, notifications and audit entries."""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from cloud.models import AuditEntry, DeviceEvent, Notification, Parcel
from cloud.services import site_scope
from cloud.services.site_scope import Sites

MILESTONES = (
    ("created_at", "pre-advised"),
    ("deposited_at", "deposited"),
    ("extended_at", "pickup deadline extended"),
    ("collected_at", "collected"),
    ("expired_at", "expired"),
)


@dataclass(frozen=True)
class Moment:
    at: datetime
    source: str  # parcel, board, notification, audit
    what: str


def search(
    session: Session, code: str = "", locker_id: str = "", limit: int = 100, *, sites: Sites = None
) -> list[Parcel]:
    """Parcels whose tracking code starts with `code`, in `locker_id` if given, in the `sites`'
    lockers if given, newest first."""
    query = select(Parcel).order_by(col(Parcel.created_at).desc()).limit(limit)
    if code:
        query = query.where(col(Parcel.tracking_code).startswith(code, autoescape=True))
    if locker_id:
        query = query.where(Parcel.locker_id == locker_id)
    return list(session.exec(site_scope.within(query, Parcel.locker_id, sites)).all())


def timeline(session: Session, parcel: Parcel) -> list[Moment]:
    """Everything known about the parcel, oldest first."""
    moments = [
        Moment(getattr(parcel, name), "parcel", what)
        for name, what in MILESTONES
        if getattr(parcel, name, None) is not None
    ]
    moments += _board_events(session, parcel)
    for n in session.exec(select(Notification).where(Notification.parcel_id == parcel.id)):
        moments += _notification_moments(n)
    moments += [
        Moment(e.at, "audit", f"{e.action} by {e.actor} {_detail(e.detail)}")
        for e in session.exec(select(AuditEntry).where(AuditEntry.subject == f"parcel:{parcel.id}"))
    ]
    return sorted(moments, key=lambda m: (m.at, m.source))


def _notification_moments(n: Notification) -> list[Moment]:
    """Queued (and sent, or how far it got); delivered or given up on, when that happened."""
    to = "the carrier" if n.channel == "webhook" else "the recipient"
    if n.sent_at:
        state = f"sent {n.sent_at:%Y-%m-%d %H:%M:%S}"
    elif n.dead_at:
        state = f"never sent ({n.attempts} attempts)"
    else:
        state = f"not sent yet ({n.attempts} attempts)"
    moments = [Moment(n.created_at, "notification", f"{n.channel} ({n.kind}) to {to}: {state}")]
    if n.delivered_at:
        moments.append(Moment(n.delivered_at, "notification", f"{n.channel} ({n.kind}) delivered"))
    if n.dead_at:
        failed = f"{n.channel} ({n.kind}) FAILED, given up: {n.last_error or 'no reason given'}"
        moments.append(Moment(n.dead_at, "notification", failed))
    return moments


def parse_id(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _board_events(session: Session, parcel: Parcel) -> list[Moment]:
    # A board names parcels by tracking code; the code may come back in a later parcel, so only
    # events from this parcel's life count.
    query = (
        select(DeviceEvent)
        .where(
            DeviceEvent.locker_id == parcel.locker_id,
            DeviceEvent.received_at >= parcel.created_at,
            col(DeviceEvent.body).contains(parcel.tracking_code, autoescape=True),
        )
        .order_by(col(DeviceEvent.seq))
    )
    return [
        Moment(event.received_at, "board", f"{event.type} (#{event.seq}): {event.outcome}")
        for event in session.exec(query)
        if _names(event.body, parcel.tracking_code)
    ]


def _names(body: str, code: str) -> bool:
    try:
        return json.loads(body).get("parcel") == code
    except (ValueError, AttributeError):
        return False


def _detail(detail: str) -> str:
    try:
        fields = json.loads(detail)
    except ValueError:
        return detail
    return ", ".join(
        f"{key}={value}" for key, value in sorted(fields.items()) if value not in ("", None)
    )
