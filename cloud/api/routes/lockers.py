"""Lockers: provision one (its board key is shown once), list them, inspect one, say how
route planning reaches it."""

from fastapi import APIRouter
from sqlmodel import Session

from cloud.api.deps import CurrentAdmin, CurrentPrincipal, OperatorWriter, ScopedLockerId
from cloud.models import (
    CompartmentPublic,
    Locker,
    LockerCreate,
    LockerDetail,
    LockerKey,
    LockerProvisioned,
    LockerPublic,
    LockerRoutingUpdate,
)
from cloud.services import depots, lockers, site_scope
from cloud.web.deps import NowDep, SessionDep, SettingsDep

router = APIRouter(prefix="/lockers", tags=["lockers"])


@router.post("", status_code=201, response_model=LockerProvisioned)
def provision_locker(
    data: LockerCreate,
    operator: OperatorWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> LockerProvisioned:
    """Provision a locker and its compartments; the response holds the board key, once. An
    operator scoped to sites provisions at their sites only (403)."""
    site_scope.refuse_site_outside(operator.sites, data.site)
    locker, device_key = lockers.provision_locker(session, data, now, settings=settings)
    session.commit()
    return LockerProvisioned(**_detail(session, locker).model_dump(), device_key=device_key)


@router.get("", response_model=list[LockerPublic])
def list_lockers(anyone: CurrentPrincipal, session: SessionDep) -> list[Locker]:
    """All lockers (carriers too may read them), those of the operator's sites if scoped."""
    return lockers.list_lockers(session, sites=anyone.sites)


@router.get("/{locker_id}", response_model=LockerDetail)
def read_locker(
    _anyone: CurrentPrincipal, locker_id: ScopedLockerId, session: SessionDep
) -> LockerDetail:
    """One locker with its compartments, their states, and whether its board is online."""
    return _detail(session, lockers.get_locker(session, locker_id))


@router.post("/{locker_id}/device-key", response_model=LockerKey)
def rotate_device_key(
    admin: CurrentAdmin, locker_id: ScopedLockerId, session: SessionDep, now: NowDep
) -> LockerKey:
    """A new board key for the locker (its board replaced or reinstalled), in this response
    only; the old key stops working now, and the new board numbers on from next_seq and
    next_conn. Audited; 409 while it holds parcels."""
    key, next_seq, next_conn = lockers.rotate_device_key(session, locker_id, now, actor=admin.actor)
    session.commit()
    return LockerKey(locker_id=locker_id, device_key=key, next_seq=next_seq, next_conn=next_conn)


@router.patch("/{locker_id}/routing", response_model=LockerPublic)
def set_routing(
    data: LockerRoutingUpdate,
    operator: OperatorWriter,
    locker_id: ScopedLockerId,
    session: SessionDep,
    now: NowDep,
) -> Locker:
    """Set the fields sent of the locker's depot, coordinates and access hours ("24/7" or a
    mall's "09:00-20:00", local to the depot)."""
    locker = depots.set_locker_routing(session, locker_id, data, now, actor=operator.actor)
    session.commit()
    session.refresh(locker)
    return locker


def _detail(session: Session, locker: Locker) -> LockerDetail:
    compartments = [
        CompartmentPublic.model_validate(c, from_attributes=True)
        for c in lockers.compartments_of(session, locker.id)
    ]
    return LockerDetail(
        **LockerPublic.model_validate(locker, from_attributes=True).model_dump(),
        compartments=compartments,
    )
