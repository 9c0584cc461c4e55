"""Parcels: pre-advise one (a compartment is reserved), look them up, cancel one.

A carrier (API key) sees and changes only its own parcels: another carrier's is 404, as if it
did not exist. Operators see all, or those in their sites' lockers if scoped to sites (another
site's parcel is 404 too); viewers only read."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Security
from fastapi.security import HTTPAuthorizationCredentials
from sqlmodel import Session

from cloud.api import deps
from cloud.api.deps import CurrentPrincipal, ParcelWriter, Principal
from cloud.models import Compartment, Delegate, Parcel, ParcelCreate, ParcelPublic
from cloud.models.parcel import RecipientClaim
from cloud.services import (
    delegation,
    door_budget,
    lifecycle,
    operators,
    parcels,
    recipient_links,
    site_scope,
    unadvised,
)
from cloud.services.errors import NotFound
from cloud.services.unadvised import UNADVISED_CARRIER
from cloud.web.deps import NowDep, SessionDep, SettingsDep

router = APIRouter(prefix="/parcels", tags=["parcels"])


@router.post("", status_code=201, response_model=ParcelPublic)
def preadvise_parcel(
    data: ParcelCreate,
    caller: ParcelWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> ParcelPublic:
    """Announce a parcel for a locker, or for the recipient's delivery point (the nearest locker
    with room is chosen); the smallest free compartment it fits is reserved."""
    _refuse_other_carrier(caller, data.carrier)
    _refuse_locker_outside(session, caller, data.locker_id)
    if caller.sites is not None:  # a full locker of theirs is refused, not left for another's
        data = data.model_copy(update={"redirect_when_full": False})
    parcel, placement = parcels.preadvise_placed(
        session, data, now, settings=settings, actor=caller.actor
    )
    session.commit()
    return _public(session, parcel).model_copy(update={"placement": placement})


@router.get("", response_model=list[ParcelPublic])
def find_parcels(
    caller: CurrentPrincipal,
    session: SessionDep,
    carrier: str | None = None,
    tracking_code: str | None = None,
) -> list[ParcelPublic]:
    """Parcels by carrier and/or tracking code, newest first (at most 100); a carrier's own only."""
    if caller.carrier is not None:
        _refuse_other_carrier(caller, carrier or caller.carrier)
        carrier = caller.carrier
    found = parcels.find_parcels(session, carrier, tracking_code, sites=caller.sites)
    return [_public(session, p) for p in found]


@router.get("/{parcel_id}", response_model=ParcelPublic)
def read_parcel(
    parcel_id: uuid.UUID, caller: CurrentPrincipal, session: SessionDep
) -> ParcelPublic:
    """One parcel: its state and compartment."""
    return _public(session, _visible_parcel(session, caller, parcel_id))


@router.post("/{parcel_id}/cancel", response_model=ParcelPublic)
def cancel_parcel(
    parcel_id: uuid.UUID,
    caller: ParcelWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> ParcelPublic:
    """Cancel a parcel not yet deposited; its compartment is freed."""
    _visible_parcel(session, caller, parcel_id)
    parcel = parcels.cancel(session, parcel_id, now, settings=settings, actor=caller.actor)
    session.commit()
    return _public(session, parcel)


def recipient_or_writer(
    parcel_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(deps._bearer)],
    api_key: Annotated[str | None, Security(deps._api_key)],
    token: str | None = None,
) -> Principal:
    """The recipient by the signed link they were sent (`?token=`), or the parcel's carrier
    acting for them, or an operator."""
    if token is None:
        caller = deps.get_principal(session, settings, now, bearer, api_key)
        if caller.carrier is None and not operators.role_at_least(caller.role, "operator"):
            raise HTTPException(
                403,
                {
                    "code": "forbidden",
                    "message": "only the recipient, the parcel's carrier and operators may do this",
                },
            )
        return caller
    if recipient_links.parcel_of(settings, token, now) != parcel_id:
        raise HTTPException(
            401, {"code": "unauthenticated", "message": "this link is invalid or has expired"}
        )
    return Principal(
        actor=door_budget.RECIPIENT, carrier=parcels.get_parcel(session, parcel_id).carrier
    )


ParcelActor = Annotated[Principal, Depends(recipient_or_writer)]


@router.post("/{parcel_id}/extend", response_model=ParcelPublic)
def extend_parcel(
    parcel_id: uuid.UUID,
    caller: ParcelActor,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> ParcelPublic:
    """Push the pickup deadline back, once, before it passes (the board gets the new expiry)."""
    _visible_parcel(session, caller, parcel_id)
    parcel = lifecycle.extend(session, parcel_id, now, settings, actor=caller.actor)
    session.commit()
    return _public(session, parcel)


def recipient_or_operator(caller: ParcelActor) -> Principal:
    """The recipient by their link, or an operator (who must give a reason); not a carrier:
    its key would otherwise send a door's PIN anywhere for every parcel it has."""
    if caller.actor.startswith("carrier:"):
        raise HTTPException(
            403,
            {
                "code": "delegation_forbidden",
                "message": "a carrier may not "
                "name a delegate: the recipient does, by their link, or an "
                "operator, with a reason",
            },
        )
    return caller


@router.post("/{parcel_id}/delegate", response_model=ParcelPublic)
def delegate_parcel(
    parcel_id: uuid.UUID,
    data: Delegate,
    caller: Annotated[Principal, Depends(recipient_or_operator)],
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> ParcelPublic:
    """Let someone else collect: they get a single-use PIN and QR code of their own. The
    recipient by their link, or an operator with a `reason`; counted against the door-release
    budget (429 past its limits, 409 while suspended), every attempt audited."""
    _visible_parcel(session, caller, parcel_id)
    parcel = delegation.delegate(session, parcel_id, data, now, settings, actor=caller.actor)
    session.commit()
    return _public(session, parcel)


@router.put("/{parcel_id}/recipient", response_model=ParcelPublic)
def complete_unadvised(
    parcel_id: uuid.UUID,
    data: RecipientClaim,
    caller: ParcelWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> ParcelPublic:
    """Name an unadvised parcel's recipient (and carrier): their PIN is issued and sent."""
    _visible_parcel(session, caller, parcel_id, any_carrier=UNADVISED_CARRIER)
    if data.carrier is not None:
        _refuse_other_carrier(caller, data.carrier)
    parcel = unadvised.complete(
        session, parcel_id, data, caller.carrier, now, settings, actor=caller.actor
    )
    session.commit()
    return _public(session, parcel)


def _refuse_other_carrier(caller: Principal, carrier: str) -> None:
    if not caller.sees_parcels_of(carrier):
        raise HTTPException(
            403,
            {
                "code": "other_carrier",
                "message": f"this API key belongs to carrier {caller.carrier}",
            },
        )


def _refuse_locker_outside(session: Session, caller: Principal, locker_id: str | None) -> None:
    """An operator scoped to sites pre-advises for a locker of theirs, named (404 for another
    site's, as if it did not exist); the cloud's pick by address spans the fleet."""
    if caller.sites is None:
        return
    if locker_id is None:
        raise HTTPException(
            403,
            {
                "code": "locker_required",
                "message": "operators scoped to sites name a locker of theirs (locker_id): "
                "the pick by delivery point spans the fleet",
            },
        )
    site_scope.require_locker(session, caller.sites, locker_id, NotFound("locker", locker_id))


def _visible_parcel(
    session: Session, caller: Principal, parcel_id: uuid.UUID, *, any_carrier: str = ""
) -> Parcel:
    """The parcel, if the caller may see it: a carrier's own (or `any_carrier`'s, unclaimed
    ones being anyone's to claim), in a locker of an operator's sites; 404 otherwise, as if it
    did not exist."""
    parcel = parcels.get_parcel(session, parcel_id)
    hidden = NotFound("parcel", parcel_id)
    if parcel.carrier != any_carrier and not caller.sees_parcels_of(parcel.carrier):
        raise hidden
    site_scope.require_locker(session, caller.sites, parcel.locker_id, hidden)
    return parcel


_PARCEL_FIELDS = set(ParcelPublic.model_fields) - {"compartment", "size", "delegated", "placement"}


def _public(session: Session, parcel: Parcel) -> ParcelPublic:
    compartment = session.get(Compartment, parcel.compartment_id) if parcel.compartment_id else None
    return ParcelPublic(
        **{name: getattr(parcel, name) for name in _PARCEL_FIELDS},
        compartment=compartment.number if compartment else None,
        size=compartment.size if compartment else None,
        delegated=parcel.delegate_name is not None,
    )
