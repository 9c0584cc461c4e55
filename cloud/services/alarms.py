"""Operator alarms: raised by board events and reconciliation, acknowledged by an operator.

At most one open alarm per (locker, compartment, kind): a repeat bumps its count. An alarm is
open until an operator acknowledges it or its cause goes away by itself (`resolve`). Raising
locks the locker's compartment rows (lockers.compartments_of(for_update=True); callers that hold
them already lose nothing), so two bridge workers never raise the same alarm twice. An alarm
about no one locker (login guessing: `raise_fleet_alarm`) is one per kind, and takes turns on the
audit head's row instead.
"""

import logging
from datetime import datetime

from sqlmodel import Session, col, select

from cloud.models import ALARM_KINDS, Alarm, AuditHead
from cloud.services import lockers, site_scope
from cloud.services.errors import NotFound

log = logging.getLogger(__name__)


def raise_alarm(
    session: Session,
    locker_id: str,
    kind: str,
    detail: str,
    now: datetime,
    compartment: int | None = None,
) -> Alarm:
    """The open alarm of this kind for the compartment, new or with its count bumped."""
    assert kind in ALARM_KINDS, kind
    lockers.compartments_of(session, locker_id, for_update=True)  # one raiser per locker at a time
    query = select(Alarm).where(Alarm.locker_id == locker_id, Alarm.kind == kind, is_open())
    query = query.where(
        col(Alarm.compartment).is_(None)
        if compartment is None
        else Alarm.compartment == compartment
    )
    alarm = session.exec(query).first()
    if alarm is not None:
        alarm.count += 1
        return alarm
    alarm = Alarm(
        locker_id=locker_id, compartment=compartment, kind=kind, detail=detail, raised_at=now
    )
    session.add(alarm)
    session.flush()
    log.warning("ALARM %s on locker %s compartment %s: %s", kind, locker_id, compartment, detail)
    return alarm


def raise_fleet_alarm(session: Session, kind: str, detail: str, now: datetime) -> Alarm:
    """The open alarm of this kind that names no locker (login guessing), new or with its count
    bumped and its detail the latest."""
    assert kind in ALARM_KINDS, kind
    session.get(
        AuditHead, 1, with_for_update=True
    )  # one raiser at a time (audit appends lock it too)
    query = select(Alarm).where(col(Alarm.locker_id).is_(None), Alarm.kind == kind, is_open())
    alarm = session.exec(query).first()
    if alarm is not None:
        alarm.count, alarm.detail = alarm.count + 1, detail
        return alarm
    alarm = Alarm(kind=kind, detail=detail, raised_at=now)
    session.add(alarm)
    session.flush()
    log.warning("ALARM %s: %s", kind, detail)
    return alarm


def list_alarms(
    session: Session,
    open_only: bool = False,
    *,
    locker_id: str | None = None,
    limit: int | None = None,
    sites: site_scope.Sites = None,
) -> list[Alarm]:
    """Alarms, newest first; only the unacknowledged ones with open_only, only one locker's with
    locker_id, only those of the `sites`' lockers, at most `limit` of them."""
    query = select(Alarm).order_by(col(Alarm.raised_at).desc(), col(Alarm.id).desc()).limit(limit)
    if open_only:
        query = query.where(is_open())
    if locker_id is not None:
        query = query.where(Alarm.locker_id == locker_id)
    return list(session.exec(site_scope.within(query, Alarm.locker_id, sites)).all())


def is_open():  # noqa: ANN201 (an SQL expression)
    """The condition of an open alarm: neither acknowledged nor resolved."""
    return col(Alarm.acknowledged_at).is_(None) & col(Alarm.resolved_at).is_(None)


def resolve(session: Session, locker_id: str, kind: str, now: datetime) -> list[Alarm]:
    """Close the locker's unresolved alarms of this kind because their cause went away (an
    acknowledged one too: it now says when the cause ended)."""
    query = select(Alarm).where(
        Alarm.locker_id == locker_id, Alarm.kind == kind, col(Alarm.resolved_at).is_(None)
    )
    resolved = list(session.exec(query).all())
    for alarm in resolved:
        alarm.resolved_at = now
    if resolved:
        log.info("alarm %s on locker %s resolved", kind, locker_id)
    return resolved


def acknowledge(session: Session, alarm_id: int, now: datetime) -> Alarm:
    """Mark an alarm seen (a second acknowledgement keeps the first time); NotFound if unknown."""
    alarm = session.get(Alarm, alarm_id)
    if alarm is None:
        raise NotFound("alarm", alarm_id)
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at = now
    return alarm
