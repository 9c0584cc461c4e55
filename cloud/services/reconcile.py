"""Reconciliation after a reconnect (docs/protocol.md, "Reconciliation"): the board's inventory
against the cloud's compartments. The door sensors and the journal win: a board-side jammed or
out_of_service is adopted; any other disagreement the journal does not explain raises a
`conflict` alarm naming both views, and nothing is overwritten."""

import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from cloud.models import Compartment, CompartmentState, Locker, Parcel, ParcelState
from cloud.services import alarms, lockers

log = logging.getLogger(__name__)

# the board's sensors (or its installer) decided
ADOPTED = (CompartmentState.JAMMED, CompartmentState.OUT_OF_SERVICE)
EMPTY = (CompartmentState.FREE, CompartmentState.RESERVED)


def reconcile_inventory(
    session: Session, locker: Locker, body: dict[str, Any], now: datetime
) -> list[str]:
    """Compare a verified inventory with the cloud's view; what was found, one line each."""
    applied = lockers.applied_seq(session, locker.id)  # every event up to it, contiguously
    if applied < body["seq"]:
        # events the board journaled are still on their way: they may explain any difference
        log.info(
            "inventory of %s skipped: events up to %s not all applied (have %s)",
            locker.id,
            body["seq"],
            applied,
        )
        return []
    by_number = {c.number: c for c in lockers.compartments_of(session, locker.id, for_update=True)}
    findings = []
    for number, state, parcel_code in body["cmps"]:
        compartment = by_number.get(number)
        if compartment is None:
            findings.append(f"board reports compartment {number} the cloud does not have")
            continue
        finding = _compare(session, locker, compartment, state, parcel_code, now)
        if finding:
            findings.append(finding)
    return findings


def _compare(
    session: Session,
    locker: Locker,
    compartment: Compartment,
    state: str,
    parcel_code: str,
    now: datetime,
) -> str | None:
    if state == CompartmentState.OPEN:
        return None  # a door in the middle of a deposit or pickup: its event will tell
    if state in ADOPTED:
        if compartment.state == state:
            return None
        compartment.state = state
        if state == CompartmentState.JAMMED:
            alarms.raise_alarm(
                session,
                locker.id,
                "jammed",
                f"board reports door {compartment.number} jammed",
                now,
                compartment.number,
            )
        return f"compartment {compartment.number} adopted {state} from the board"
    cloud_parcel = session.get(Parcel, compartment.parcel_id) if compartment.parcel_id else None
    cloud_view = _describe(
        compartment.state,
        cloud_parcel.tracking_code if cloud_parcel else "",
        cloud_parcel.state if cloud_parcel else None,
    )
    if not _agrees(state, parcel_code, compartment, cloud_parcel):
        detail = f"board: {_describe(state, parcel_code, None)}; cloud: {cloud_view}"
        if parcel_code and (cloud_parcel is None or cloud_parcel.tracking_code != parcel_code):
            detail += _whereabouts(session, locker.id, parcel_code)
        alarms.raise_alarm(session, locker.id, "conflict", detail, now, compartment.number)
        return f"compartment {compartment.number} conflict: {detail}"
    return None


def _agrees(
    state: str, parcel_code: str, compartment: Compartment, cloud_parcel: Parcel | None
) -> bool:
    if compartment.state in ADOPTED:
        return True  # an operator's or an earlier jam's decision: cleared by a person, not here
    if state in EMPTY:
        return compartment.state in EMPTY  # who it is reserved for is the resync's business
    if state == CompartmentState.OCCUPIED:
        if compartment.state != CompartmentState.OCCUPIED:
            return False
        if not parcel_code:
            return True  # something of nobody's: the cloud's record may name it or not
        return (
            cloud_parcel is not None
            and cloud_parcel.tracking_code == parcel_code
            and cloud_parcel.state == ParcelState.DEPOSITED
        )
    return True  # a state this cloud does not know: nothing to compare


def _whereabouts(session: Session, locker_id: str, code: str) -> str:
    parcel = session.exec(
        select(Parcel).where(Parcel.locker_id == locker_id, Parcel.tracking_code == code)
    ).first()
    return f"; parcel {code} is " + (parcel.state if parcel else "unknown to the cloud")


def _describe(state: str, parcel_code: str, parcel_state: str | None) -> str:
    text = state + (f" with {parcel_code}" if parcel_code else "")
    return text + (f" ({parcel_state})" if parcel_state else "")
