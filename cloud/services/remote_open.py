"""Remote door openings: an operator opens one compartment through the board's signed `open`.

A stolen operator login must not open a city's lockers (Moscow, 2020): remote opens share the
door-release budget (door_budget.py) with every other way of getting a door opened for someone
other than the recipient, so its per-locker and per-actor limits and its fleet-wide burst hold
whichever way the doors are asked for. Every attempt, granted or refused, is on the ledger and
audited; a granted one's `open` command goes to the outbox with it.
"""

from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings, get_settings
from cloud.models import CompartmentState, DoorRelease, RemoteOpenPublic
from cloud.models.door_release import REMOTE_OPEN
from cloud.services import compartment_service, door_budget, outbox
from cloud.services.errors import Conflict
from cloud.services.site_scope import Sites

_UNUSABLE = {
    CompartmentState.OUT_OF_SERVICE: "is out of service",
    CompartmentState.JAMMED: "is jammed: its lock needs a visit",
}


def open_remotely(
    session: Session,
    locker_id: str,
    compartment_number: int,
    operator_username: str,
    reason: str,
    now: datetime,
    settings: Settings | None = None,
) -> DoorRelease:
    """Queue an `open` for the compartment and return the granted attempt.

    A refusal (DomainError: 404, 409 or 429) is recorded and raised `on_record`: commit it."""
    settings = settings or get_settings()
    attempted = door_budget.release(
        REMOTE_OPEN,
        locker_id,
        now,
        reason=reason,
        actor="operator:" + operator_username,
        compartment=compartment_number,
    )
    with door_budget.attempt(session, attempted, settings):
        _refuse_unusable(session, attempted)
    outbox.queue(session, locker_id, "open", {"cmp": compartment_number}, now, settings=settings)
    return attempted


def public(attempt: DoorRelease) -> RemoteOpenPublic:
    """A remote open as the API shows it."""
    return RemoteOpenPublic(
        id=attempt.id,
        at=attempt.at,
        locker_id=attempt.locker_id,
        compartment=attempt.compartment,
        reason=attempt.reason,
        operator=attempt.actor.removeprefix("operator:"),
        outcome=attempt.outcome,
    )


def recent(session: Session, limit: int = 100, *, sites: Sites = None) -> list[RemoteOpenPublic]:
    """The newest attempts first (at the `sites`' lockers, if given), refused ones included."""
    attempts = door_budget.recent(session, limit, kind=REMOTE_OPEN, sites=sites)
    return [public(attempt) for attempt in attempts]


def _refuse_unusable(session: Session, attempted: DoorRelease) -> None:
    compartment = compartment_service.find_compartment(
        session, attempted.locker_id, attempted.compartment
    )
    if compartment.state in _UNUSABLE:
        raise Conflict(
            "compartment_" + compartment.state,
            f"compartment {attempted.compartment} "
            f"of locker {attempted.locker_id} {_UNUSABLE[compartment.state]}",
        )
