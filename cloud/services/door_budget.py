"""One budget for every door opened for someone other than the parcel's recipient (DESIGN.md,
invariant 3): remote opens, delegates' PINs, redirects, reissued PINs, couriers' collections.

A stolen operator login must not empty a locker bank (Moscow, 2020) by any of these paths, so
they all come through here. Every attempt is one DoorRelease row, granted or refused, and an
audit entry. What an actor asks for (everything but the recipient's own and couriers'
collections) is `counted`: at most `remote_open_per_locker` per locker and
`remote_open_per_operator` per actor in `remote_open_window_s`. An actor that runs past its
limit (once in the window), or more than `remote_open_burst` across the fleet in
`remote_open_burst_window_s`, raises the `door_release_burst` alarm, and every counted release
is refused until an admin acknowledges it. Collections cannot be refused (the board opened the door
already and reports
it); they are recorded and too many raise the same alarm. Delegates' contacts are watched in
delegate_contacts.py.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from cloud.core.config import Settings
from cloud.models import Alarm, AuditHead, DoorRelease, Parcel
from cloud.models.base import CODE_LENGTH
from cloud.models.door_release import COLLECTION, GRANTED, REMOTE_OPEN
from cloud.services import alarms, audit, couriers, delegate_contacts, lockers, site_scope
from cloud.services.errors import Conflict, DomainError, RateLimited
from cloud.services.site_scope import Sites

BURST = "door_release_burst"
RECIPIENT = "recipient"  # the actor of a recipient acting through their signed link
UNATTRIBUTED = "courier:unattributed"
_AUDIT_ACTION = {REMOTE_OPEN: "remote_command"}  # as before the ledger was shared
_WHAT = (
    "door releases (remote opens, delegations, redirects, reissued PINs, unadvised parcels claimed)"
)


def release(
    kind: str,
    locker_id: str,
    now: datetime,
    *,
    actor: str,
    compartment: int | None = None,
    parcel_id: uuid.UUID | None = None,
    reason: str = "",
    contact_keys: tuple[str | None, str | None] = (None, None),
) -> DoorRelease:
    """An attempt, neither checked nor recorded yet: counted unless it is the recipient's own
    or a collection."""
    return DoorRelease(
        at=now,
        kind=kind,
        locker_id=locker_id[:CODE_LENGTH],
        compartment=compartment,
        parcel_id=parcel_id,
        actor=actor,
        reason=reason,
        outcome=GRANTED[kind],
        counted=actor != RECIPIENT and kind != COLLECTION,
        phone_key=contact_keys[0],
        email_key=contact_keys[1],
    )


@contextmanager
def attempt(session: Session, attempted: DoorRelease, settings: Settings) -> Iterator[DoorRelease]:
    """Grant `attempted` if the caller's checks (the with-block) and the budget allow it; the
    caller changes nothing before the block and releases the door after it.

    Either way the attempt is recorded and audited. A refusal (a DomainError from the block or
    the budget) is raised marked `on_record`: the caller commits the record (and any alarm it
    raised) instead of rolling it back."""
    _take_turn(session, attempted.locker_id)
    try:
        yield attempted
        _check(session, attempted, settings)
    except DomainError as refusal:
        attempted.outcome = refusal.code
        _record(session, attempted)
        refusal.on_record = True
        raise
    _record(session, attempted)


def record_collection(
    session: Session, parcel: Parcel, compartment: int, now: datetime, settings: Settings
) -> DoorRelease:
    """A courier took `parcel` out of its compartment (the board's `courier_collected`): on
    the ledger against the locker and the courier; too many raise the burst alarm."""
    courier = collecting_courier(session, parcel.locker_id, now)
    collected = release(
        COLLECTION,
        parcel.locker_id,
        now,
        actor=courier,
        compartment=compartment,
        parcel_id=parcel.id,
        reason="expired" if parcel.expired_at else parcel.kind,
    )
    _record(session, collected)
    _watch_collections(session, collected, settings)
    return collected


def collecting_courier(session: Session, locker_id: str, now: datetime) -> str:
    """The courier routed to the locker today, if only one is: the board does not say whose
    code opened its courier session."""
    routed = couriers.routed_couriers(session, locker_id, now.date())
    return f"courier:{routed[0].id}" if len(routed) == 1 else UNATTRIBUTED


def may_acknowledge(session: Session, alarm_id: int, role: str | None) -> bool:
    """Whether `role` may acknowledge the alarm: a burst alarm only an admin (acknowledging
    it resumes door releases, so the operator whose login caused it must not)."""
    alarm = session.get(Alarm, alarm_id)
    return alarm is None or alarm.kind != BURST or role == "admin"


def recent(
    session: Session,
    limit: int = 100,
    *,
    kind: str | None = None,
    locker_id: str | None = None,
    sites: Sites = None,
) -> list[DoorRelease]:
    """The newest attempts first, refused ones included; only `kind`'s, only one locker's, or
    only those at the `sites`' lockers, if given."""
    query = select(DoorRelease).order_by(col(DoorRelease.at).desc(), col(DoorRelease.id).desc())
    if kind is not None:
        query = query.where(DoorRelease.kind == kind)
    if locker_id is not None:
        query = query.where(DoorRelease.locker_id == locker_id)
    query = site_scope.within(query, DoorRelease.locker_id, sites)
    return list(session.exec(query.limit(limit)).all())


def _take_turn(session: Session, locker_id: str) -> None:
    # Attempts take turns, so two cannot both pass the counts below: the locker's compartments
    # first (as a board's events lock them, then append to the audit), then the audit head
    # every attempt appends to (attempts on other lockers by the same actor).
    lockers.compartments_of(session, locker_id, for_update=True)
    session.get(AuditHead, 1, with_for_update=True)


def _check(session: Session, attempted: DoorRelease, settings: Settings) -> None:
    if attempted.counted:  # the budget first: an actor past it raises the burst alarm
        _refuse_while_suspended(session, attempted)
        _check_limits(session, attempted, settings)
        _watch_for_burst(session, attempted, settings)
    delegate_contacts.check(session, attempted, settings)


def _refuse_while_suspended(session: Session, attempted: DoorRelease) -> None:
    query = (
        select(func.count())
        .select_from(Alarm)
        .where(Alarm.kind == BURST, col(Alarm.acknowledged_at).is_(None))
    )
    if session.exec(query).one():
        raise Conflict(
            attempted.kind + "_suspended",
            f"{_WHAT} are suspended until an admin acknowledges the {BURST} alarm",
        )


def _check_limits(session: Session, attempted: DoorRelease, settings: Settings) -> None:
    window_s = settings.remote_open_window_s
    since = attempted.at - timedelta(seconds=window_s)
    _limit(
        session,
        attempted,
        DoorRelease.locker_id == attempted.locker_id,
        since,
        settings.remote_open_per_locker,
        "locker",
        f"locker {attempted.locker_id}",
        window_s,
    )
    actor_kind = attempted.actor.partition(":")[0]  # operator, carrier, ...
    try:
        _limit(
            session,
            attempted,
            DoorRelease.actor == attempted.actor,
            since,
            settings.remote_open_per_operator,
            actor_kind,
            attempted.actor,
            window_s,
        )
    except RateLimited as refusal:
        # A login asking past its budget is what a thief does: the alarm, once in the window
        # (after an admin has looked, the login stays refused but no longer stops everyone).
        if not _refused_for_its_limit(session, attempted, actor_kind, since):
            _raise_burst(
                session,
                attempted,
                f"{attempted.actor} asked for more {_WHAT} than "
                f"the {settings.remote_open_per_operator} in {window_s} s allowed: "
                f"{refusal.message}",
            )
        raise


def _refused_for_its_limit(
    session: Session, attempted: DoorRelease, actor_kind: str, since: datetime
) -> bool:
    codes = [f"{kind}_{actor_kind}_limit" for kind in GRANTED]
    query = (
        select(func.count())
        .select_from(DoorRelease)
        .where(
            DoorRelease.actor == attempted.actor,
            DoorRelease.at > since,
            col(DoorRelease.outcome).in_(codes),
        )
    )
    return session.exec(query).one() > 0


def _limit(
    session: Session,
    attempted: DoorRelease,
    whose,
    since: datetime,
    most: int,
    whose_name: str,
    what: str,
    window_s: int,
) -> None:
    granted = _granted_times(session, since, whose)
    if len(granted) >= most:
        retry = int((granted[0] - since).total_seconds()) + 1  # until the oldest leaves the window
        raise RateLimited(
            f"{attempted.kind}_{whose_name}_limit",
            f"{what} had {len(granted)} "
            f"{_WHAT} in the last {window_s} s, the most allowed; try again in "
            f"{retry} s",
            retry,
        )


def _granted_times(session: Session, since: datetime, *conditions) -> list[datetime]:
    """When the granted counted releases since `since` (and matching `conditions`) were,
    oldest first."""
    query = (
        select(DoorRelease.at)
        .where(
            col(DoorRelease.counted).is_(True),
            DoorRelease.at > since,
            col(DoorRelease.outcome).in_(GRANTED.values()),
            *conditions,
        )
        .order_by(col(DoorRelease.at))
    )
    return list(session.exec(query).all())


def _watch_for_burst(session: Session, attempted: DoorRelease, settings: Settings) -> None:
    """Refuse the release that would exceed the burst, and raise the alarm that stops the rest.
    Releases before the last acknowledged burst alarm do not count again."""
    window_s = settings.remote_open_burst_window_s
    since = _since_acknowledged(session, attempted.at - timedelta(seconds=window_s))
    granted = len(_granted_times(session, since))
    if granted >= settings.remote_open_burst:
        _raise_burst(
            session,
            attempted,
            f"{granted} {_WHAT} across the fleet in "
            f"{window_s} s; the next, a {attempted.kind} by "
            f"{attempted.actor}, was refused and they are suspended",
        )
        raise Conflict(
            attempted.kind + "_burst",
            f"too many {_WHAT} across the fleet at once: "
            "an alarm is raised and they are suspended until an admin acknowledges it",
        )


def _watch_collections(session: Session, collected: DoorRelease, settings: Settings) -> None:
    """Raise the burst alarm when one courier, or all of them, collected more than allowed."""
    whose = _collections_since(
        session, settings.remote_open_window_s, collected, DoorRelease.actor == collected.actor
    )
    fleet = _collections_since(session, settings.remote_open_burst_window_s, collected)
    if collected.actor != UNATTRIBUTED and whose > settings.collection_per_courier:
        _raise_burst(
            session,
            collected,
            f"{collected.actor} collected {whose} parcels in "
            f"{settings.remote_open_window_s} s; revoke the courier if that is wrong",
        )
    elif fleet > settings.collection_burst:
        _raise_burst(
            session,
            collected,
            f"couriers collected {fleet} parcels across the fleet "
            f"in {settings.remote_open_burst_window_s} s",
        )


def _collections_since(session: Session, window_s: int, collected: DoorRelease, *conditions) -> int:
    since = _since_acknowledged(session, collected.at - timedelta(seconds=window_s))
    query = (
        select(func.count())
        .select_from(DoorRelease)
        .where(DoorRelease.kind == COLLECTION, DoorRelease.at > since, *conditions)
    )
    return session.exec(query).one()


def _since_acknowledged(session: Session, since: datetime) -> datetime:
    query = select(func.max(Alarm.acknowledged_at)).where(Alarm.kind == BURST)
    acknowledged = session.exec(query).one()
    return acknowledged if acknowledged is not None and acknowledged > since else since


def _raise_burst(session: Session, attempted: DoorRelease, detail: str) -> None:
    alarms.raise_alarm(session, attempted.locker_id, BURST, detail, attempted.at)


def _record(session: Session, attempted: DoorRelease) -> DoorRelease:
    session.add(attempted)
    session.flush()
    subject = (
        f"parcel:{attempted.parcel_id}" if attempted.parcel_id else f"locker:{attempted.locker_id}"
    )
    audit.record(
        session,
        attempted.actor,
        _AUDIT_ACTION.get(attempted.kind, "door_release"),
        subject,
        attempted.at,
        kind=attempted.kind,
        locker=attempted.locker_id,
        compartment=attempted.compartment,
        reason=attempted.reason,
        outcome=attempted.outcome,
    )
    return attempted
