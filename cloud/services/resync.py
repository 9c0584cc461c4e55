"""Bring a board that (re)connected up to date with what the cloud decided for it.

Commands queued while a board is away can be lost: a board that never connected has no broker
session to keep them, a broker may lose its sessions, and a command waits only until it
expires. So whenever a board reports `{"online": true}` the cloud queues its whole state for
that board again, in the same transaction: the courier list, a `reserve` for every reserved
parcel, a `credential` for every unused, unexpired PIN of a deposited parcel, and a `service`
for every compartment out of service. The board
applies each idempotently, so a resync more than needed costs only traffic.
"""

import logging
from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings, get_settings
from cloud.models import CompartmentState, Locker
from cloud.services import collection, compartment_service, couriers, credentials, lockers, parcels

log = logging.getLogger(__name__)


def resync_locker(
    session: Session, locker: Locker, now: datetime, *, settings: Settings | None = None
) -> int:
    """Queue the board's state again; the number of commands queued."""
    settings = settings or get_settings()
    # Locked like a pre-advice, a deposit or a cancel locks them: what is read here is what
    # those committed, and any command they queue after this one comes after it.
    compartments = lockers.compartments_of(session, locker.id, for_update=True)
    couriers.push_couriers(session, locker, now, settings=settings)
    reserved = parcels.reservations(session, locker.id)
    for parcel, compartment in reserved:
        parcels.push_reservation(session, parcel, compartment, now, settings=settings)
    deposited = credentials.live_credentials(session, locker.id, now)
    for parcel, compartment, credential in deposited:
        credentials.push_credential(
            session,
            locker.id,
            parcel,
            compartment,
            credential,
            now,
            settings,
            keep=credential.holder != "recipient",
        )  # a delegate's PIN too
    out = [c for c in compartments if c.state == CompartmentState.OUT_OF_SERVICE]
    for compartment in out:  # the board may have lost it (a new board, a wiped flash)
        compartment_service.push_service(
            session, locker.id, compartment.number, True, now, settings=settings
        )
    flows = collection.resync(session, locker, now, settings)  # return codes, parcels to collect
    log.info(
        "locker %s online: resent couriers, %d reservations, %d credentials",
        locker.id,
        len(reserved),
        len(deposited),
    )
    return 1 + len(reserved) + len(deposited) + len(out) + flows
