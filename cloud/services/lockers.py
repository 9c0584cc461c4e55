"""Provisioning lockers: identity, board key, compartments from the size catalogue."""

import re
import secrets
from datetime import datetime

from sqlmodel import Session, col, func, select

from cloud.core.config import Settings
from cloud.models import (
    COMPARTMENT_SIZES,
    RESERVED_LOCKER_ID,
    Compartment,
    CompartmentSpec,
    CompartmentState,
    DeviceEvent,
    Locker,
    LockerCreate,
)
from cloud.services import audit, couriers, depots, site_scope
from cloud.services.errors import Conflict, Invalid, NotFound

DEVICE_KEY_BYTES = 32


def provision_locker(
    session: Session, data: LockerCreate, now: datetime, *, settings: Settings | None = None
) -> tuple[Locker, str]:
    """A new locker with its compartments, and its board key (hex) to hand over once."""
    if re.match(RESERVED_LOCKER_ID, data.id):
        raise Invalid(
            "reserved_locker_id",
            f"{data.id} reads as a service's name on the fleet's "
            "broker (bridge..., svc...); give the locker another id",
        )
    if session.get(Locker, data.id) is not None:
        raise Conflict("duplicate_locker", f"locker {data.id} already exists")
    depots.check_locker_routing(
        session,
        data.id,
        depot_id=data.depot_id,
        latitude=data.latitude,
        longitude=data.longitude,
        access_hours=data.access_hours,
    )
    device_key = secrets.token_hex(DEVICE_KEY_BYTES)  # the board's own: shared with no other
    locker = Locker(
        id=data.id,
        name=data.name,
        address=data.address,
        device_key=device_key,
        latitude=data.latitude,
        longitude=data.longitude,
        depot_id=data.depot_id,
        access_hours=data.access_hours,
        created_at=now,
    )
    session.add(locker)
    session.flush()
    session.add_all(_compartment(locker.id, spec) for spec in data.compartments)
    session.flush()
    couriers.push_couriers(session, locker, now, settings=settings, skip_empty=True)
    return locker, device_key


def _compartment(locker_id: str, spec: CompartmentSpec) -> Compartment:
    width, height, depth = COMPARTMENT_SIZES[spec.size]
    return Compartment(
        locker_id=locker_id,
        number=spec.number,
        size=spec.size,
        width_mm=width,
        height_mm=height,
        depth_mm=depth,
        state=CompartmentState.FREE,
        accessible=spec.accessible,
    )


def get_locker(session: Session, locker_id: str) -> Locker:
    """The locker with this id; NotFound otherwise."""
    locker = session.get(Locker, locker_id)
    if locker is None:
        raise NotFound("locker", locker_id)
    return locker


def list_lockers(session: Session, *, sites: site_scope.Sites = None) -> list[Locker]:
    """Every locker (of the sites, if given), by id."""
    query = site_scope.within(select(Locker).order_by(col(Locker.id)), Locker.id, sites)
    return list(session.exec(query).all())


def compartments_of(
    session: Session, locker_id: str, *, for_update: bool = False
) -> list[Compartment]:
    """A locker's compartments by number; `for_update` locks them (PostgreSQL) for a decision."""
    query = (
        select(Compartment)
        .where(Compartment.locker_id == locker_id)
        .order_by(col(Compartment.number))
    )
    if for_update:
        query = query.with_for_update()
    return list(session.exec(query).all())


def applied_seq(session: Session, locker_id: str) -> int:
    """How far the board's events are applied, contiguously (Locker.applied_seq), as committed
    now (and as this transaction changed it). A `reserve` or `credential` carries it as `asof`:
    read after the locker's compartments are locked, no `deposited`/`collected` can move it
    meanwhile, so it says which of the board's settlements the decision already knew."""
    value = session.exec(select(Locker.applied_seq).where(Locker.id == locker_id)).first()
    return value or 0


def rotate_device_key(
    session: Session, locker_id: str, now: datetime, *, actor: str
) -> tuple[str, int, int]:
    """Give the locker a new board key (hex), to hand over once; the old one stops working now.
    Refused while a compartment holds a parcel: its pickup code was derived from the old key,
    so the board with the new one could not check it. Returns (key, next seq, next connection
    number): the new board numbers its events and connections on from the old board's, or
    the cloud would take its first events for ones it already has (one (locker, seq) once).
    Events of the old board not applied yet are given up: they were signed with the old key."""
    locker = get_locker(session, locker_id)
    holding = [c.number for c in compartments_of(session, locker.id) if c.parcel_id is not None]
    if holding:
        raise Conflict(
            "locker_holds_parcels",
            f"locker {locker.id} has parcels in compartments "
            f"{', '.join(map(str, holding))}: their codes depend on the board key; "
            "empty it (or expire them) before a new key",
        )
    locker.device_key = secrets.token_hex(DEVICE_KEY_BYTES)
    last_stored = session.exec(
        select(func.max(DeviceEvent.seq)).where(DeviceEvent.locker_id == locker.id)
    ).one()
    locker.applied_seq = max(locker.applied_seq, last_stored or 0)
    locker.online = False  # the old board's connection is no longer this locker's
    session.add(locker)
    session.flush()
    audit.record(session, actor, "device_key_rotated", f"locker:{locker.id}", now)
    return locker.device_key, locker.applied_seq + 1, locker.status_conn + 1
