"""Parcels: pre-advise one (a compartment is reserved), look them up, cancel one.

A carrier (API key) sees and changes only its own parcels: another carrier's is 404, as if it
did not exist. Operators see all; viewers only read."""
import uuid

from fastapi import APIRouter, HTTPException
from sqlmodel import Session

from cloud.api.deps import CurrentPrincipal, NowDep, ParcelWriter, Principal, SessionDep, SettingsDep
from cloud.models import Compartment, Parcel, ParcelCreate, ParcelPublic
from cloud.services import parcels
from cloud.services.errors import NotFound

router = APIRouter(prefix="/parcels", tags=["parcels"])


@router.post("", status_code=201, response_model=ParcelPublic)
def preadvise_parcel(data: ParcelCreate, caller: ParcelWriter, session: SessionDep,
                     settings: SettingsDep, now: NowDep) -> ParcelPublic:
    """Announce a parcel for a locker; the smallest free compartment it fits is reserved."""
    _refuse_other_carrier(caller, data.carrier)
    parcel = parcels.preadvise(session, data, now, settings=settings, actor=caller.actor)
    session.commit()
    return _public(session, parcel)


@router.get("", response_model=list[ParcelPublic])
def find_parcels(caller: CurrentPrincipal, session: SessionDep, carrier: str | None = None,
                 tracking_code: str | None = None) -> list[ParcelPublic]:
    """Parcels by carrier and/or tracking code, newest first (at most 100); a carrier's own only."""
    if caller.carrier is not None:
        _refuse_other_carrier(caller, carrier or caller.carrier)
        carrier = caller.carrier
    return [_public(session, p) for p in parcels.find_parcels(session, carrier, tracking_code)]


@router.get("/{parcel_id}", response_model=ParcelPublic)
def read_parcel(parcel_id: uuid.UUID, caller: CurrentPrincipal, session: SessionDep) -> ParcelPublic:
    """One parcel: its state and compartment."""
    return _public(session, _visible_parcel(session, caller, parcel_id))


@router.post("/{parcel_id}/cancel", response_model=ParcelPublic)
def cancel_parcel(parcel_id: uuid.UUID, caller: ParcelWriter, session: SessionDep,
                  settings: SettingsDep, now: NowDep) -> ParcelPublic:
    """Cancel a parcel not yet deposited; its compartment is freed."""
    _visible_parcel(session, caller, parcel_id)
    parcel = parcels.cancel(session, parcel_id, now, settings=settings, actor=caller.actor)
    session.commit()
    return _public(session, parcel)


def _refuse_other_carrier(caller: Principal, carrier: str) -> None:
    if not caller.sees_parcels_of(carrier):
        raise HTTPException(403, {"code": "other_carrier",
                                  "message": f"this API key belongs to carrier {caller.carrier}"})


def _visible_parcel(session: Session, caller: Principal, parcel_id: uuid.UUID) -> Parcel:
    parcel = parcels.get_parcel(session, parcel_id)
    if not caller.sees_parcels_of(parcel.carrier):
        raise NotFound("parcel", parcel_id)  # another carrier's parcel does not exist for you
    return parcel


_PARCEL_FIELDS = set(ParcelPublic.model_fields) - {"compartment", "size"}


def _public(session: Session, parcel: Parcel) -> ParcelPublic:
    compartment = session.get(Compartment, parcel.compartment_id) if parcel.compartment_id else None
    return ParcelPublic(**{name: getattr(parcel, name) for name in _PARCEL_FIELDS},
                        compartment=compartment.number if compartment else None,
                        size=compartment.size if compartment else None)
