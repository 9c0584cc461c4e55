"""Remote door openings: an operator opens one compartment through the board's signed `open`.

A stolen operator login must not open a city's lockers (Moscow, 2020): each locker and each
operator get a few opens per window, and a fleet-wide burst raises a `remote_open_burst` alarm
and stops every remote open until an admin acknowledges it. Every attempt, granted or refused,
is kept (RemoteOpen) and audited; a granted one's `open` command goes to the outbox with it.
"""
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from cloud.core.config import Settings, get_settings
from cloud.models import Alarm, AuditHead, RemoteOpen
from cloud.models.base import CODE_LENGTH
from cloud.models.remote import OPENED
from cloud.services import alarms, audit, compartment_service, outbox
from cloud.services.errors import Conflict, DomainError, RateLimited

BURST = "remote_open_burst"
_UNUSABLE = {"out_of_service": "is out of service", "jammed": "is jammed: its lock needs a visit"}


def open_remotely(session: Session, locker_id: str, compartment_number: int,
                  operator_username: str, reason: str, now: datetime,
                  settings: Settings | None = None) -> RemoteOpen:
    """Queue an `open` for the compartment and return the granted RemoteOpen.

    A refusal (DomainError: 404, 409 or 429) is recorded and audited, and committed here
    (with whatever the session held), since the caller's transaction ends in the error."""
    settings = settings or get_settings()
    # Remote opens take turns: the audit head every one of them appends to is locked first,
    # so two concurrent attempts cannot both pass the counts below.
    session.get(AuditHead, 1, with_for_update=True)
    attempt = RemoteOpen(at=now, locker_id=locker_id[:CODE_LENGTH], compartment=compartment_number,
                         operator=operator_username, reason=reason, outcome=OPENED)
    try:
        _check(session, attempt, now, settings)
    except DomainError as refusal:
        attempt.outcome = refusal.code
        _record(session, attempt)
        session.commit()
        raise
    outbox.queue(session, locker_id, "open", {"cmp": compartment_number}, now, settings=settings)
    return _record(session, attempt)


def may_acknowledge(session: Session, alarm_id: int, role: str | None) -> bool:
    """Whether `role` may acknowledge the alarm: a burst alarm only an admin (acknowledging
    it resumes remote opens, so the operator whose login opened the doors must not)."""
    alarm = session.get(Alarm, alarm_id)
    return alarm is None or alarm.kind != BURST or role == "admin"


def recent(session: Session, limit: int = 100) -> list[RemoteOpen]:
    """The newest attempts first, refused ones included."""
    query = select(RemoteOpen).order_by(col(RemoteOpen.at).desc(), col(RemoteOpen.id).desc())
    return list(session.exec(query.limit(limit)).all())


def _check(session: Session, attempt: RemoteOpen, now: datetime, settings: Settings) -> None:
    compartment = compartment_service.find_compartment(session, attempt.locker_id, attempt.compartment)
    _refuse_while_burst_alarm_open(session)
    if compartment.state in _UNUSABLE:
        raise Conflict("compartment_" + compartment.state, f"compartment {attempt.compartment} "
                       f"of locker {attempt.locker_id} {_UNUSABLE[compartment.state]}")
    since = now - timedelta(seconds=settings.remote_open_window_s)
    _limit(session, RemoteOpen.locker_id == attempt.locker_id, since,
           settings.remote_open_per_locker, settings.remote_open_window_s,
           "remote_open_locker_limit", f"locker {attempt.locker_id}")
    _limit(session, RemoteOpen.operator == attempt.operator, since,
           settings.remote_open_per_operator, settings.remote_open_window_s,
           "remote_open_operator_limit", f"operator {attempt.operator}")
    _watch_for_burst(session, attempt, now, settings)


def _limit(session: Session, whose, since: datetime, most: int, window_s: int, code: str,
           what: str) -> None:
    granted = _granted(session, since, whose)
    if len(granted) >= most:
        retry = int((granted[0] - since).total_seconds()) + 1  # until the oldest leaves the window
        raise RateLimited(code, f"{what} had {len(granted)} remote opens in the last "
                          f"{window_s} s, the most allowed; try again in {retry} s", retry)


def _granted(session: Session, since: datetime, *conditions) -> list[datetime]:
    """When the granted opens since `since` (matching `conditions`) were, oldest first."""
    query = (select(RemoteOpen.at).where(RemoteOpen.outcome == OPENED, RemoteOpen.at > since,
                                         *conditions).order_by(col(RemoteOpen.at)))
    return list(session.exec(query).all())


def _refuse_while_burst_alarm_open(session: Session) -> None:
    query = select(func.count()).select_from(Alarm).where(
        Alarm.kind == BURST, col(Alarm.acknowledged_at).is_(None))
    if session.exec(query).one():
        raise Conflict("remote_open_suspended", "remote opens are suspended after a burst across "
                       "the fleet, until an admin acknowledges the remote_open_burst alarm")


def _watch_for_burst(session: Session, attempt: RemoteOpen, now: datetime,
                     settings: Settings) -> None:
    """Refuse the open that would exceed the burst, and raise the alarm that stops the rest.
    Opens before the last acknowledged burst alarm do not count again."""
    since = now - timedelta(seconds=settings.remote_open_burst_window_s)
    acknowledged = session.exec(select(func.max(Alarm.acknowledged_at))
                                .where(Alarm.kind == BURST)).one()
    if acknowledged is not None and acknowledged > since:
        since = acknowledged
    granted = len(_granted(session, since))
    if granted >= settings.remote_open_burst:
        detail = (f"{granted} remote opens across the fleet in "
                  f"{settings.remote_open_burst_window_s} s; the next, by operator "
                  f"{attempt.operator}, was refused and remote opens are suspended")
        alarms.raise_alarm(session, attempt.locker_id, BURST, detail, now)
        raise Conflict("remote_open_burst", "too many remote opens across the fleet at once: "
                       "an alarm is raised and remote opens are suspended until an admin "
                       "acknowledges it")


def _record(session: Session, attempt: RemoteOpen) -> RemoteOpen:
    session.add(attempt)
    session.flush()
    audit.record(session, "operator:" + attempt.operator, "remote_command",
                 f"locker:{attempt.locker_id}", attempt.at, command="open",
                 compartment=attempt.compartment, reason=attempt.reason, outcome=attempt.outcome)
    return attempt
