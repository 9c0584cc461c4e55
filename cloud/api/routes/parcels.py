"""Parcels: pre-advise one (a compartment is reserved), look them up, cancel one."""
import uuid

from fastapi import APIRouter
from sqlmodel import Session

from cloud.api.deps import NowDep, SessionDep, SettingsDep
from cloud.models import Compartment, Parcel, ParcelCreate, ParcelPublic
from cloud.services import parcels

router = APIRouter(prefix="/parcels", tags=["parcels"])


@router.post("", status_code=201, response_model=ParcelPublic)
def preadvise_parcel(data: ParcelCreate, session: SessionDep, settings: SettingsDep,
                     now: NowDep) -> ParcelPublic:
    """Announce a parcel for a locker; the smallest free compartment it fits is reserved."""
    parcel = parcels.preadvise(session, data, now, settings=settings)
    session.commit()
    return _public(session, parcel)


@router.get("", response_model=list[ParcelPublic])
def find_parcels(session: SessionDep, carrier: str | None = None,
                 tracking_code: str | None = None) -> list[ParcelPublic]:
    """Parcels by carrier and/or tracking code, newest first (at most 100)."""
    return [_public(session, p) for p in parcels.find_parcels(session, carrier, tracking_code)]


@router.get("/{parcel_id}", response_model=ParcelPublic)
def read_parcel(parcel_id: uuid.UUID, session: SessionDep) -> ParcelPublic:
    """One parcel: its state and compartment."""
    return _public(session, parcels.get_parcel(session, parcel_id))


@router.post("/{parcel_id}/cancel", response_model=ParcelPublic)
def cancel_parcel(parcel_id: uuid.UUID, session: SessionDep, settings: SettingsDep,
                  now: NowDep) -> ParcelPublic:
    """Cancel a parcel not yet deposited; its compartment is freed."""
    parcel = parcels.cancel(session, parcel_id, now, settings=settings)
    session.commit()
    return _public(session, parcel)


_PARCEL_FIELDS = set(ParcelPublic.model_fields) - {"compartment", "size"}


def _public(session: Session, parcel: Parcel) -> ParcelPublic:
    compartment = session.get(Compartment, parcel.compartment_id) if parcel.compartment_id else None
    return ParcelPublic(**{name: getattr(parcel, name) for name in _PARCEL_FIELDS},
                        compartment=compartment.number if compartment else None,
                        size=compartment.size if compartment else None)
