"""Returns: a carrier or retailer asks for a return drop-off at a locker; the person returning
gets a one-time return code that opens a compartment of the right size."""

from fastapi import APIRouter, HTTPException

from cloud.api.deps import ParcelWriter
from cloud.models.returns import ReturnCreate, ReturnIssued
from cloud.services import returns, site_scope
from cloud.services.errors import NotFound
from cloud.web.deps import NowDep, SessionDep, SettingsDep

router = APIRouter(prefix="/returns", tags=["returns"])


@router.post("", status_code=201, response_model=ReturnIssued)
def request_return(
    data: ReturnCreate,
    caller: ParcelWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> ReturnIssued:
    """Reserve a compartment for a return and issue its return code (also sent to the contact);
    an operator scoped to sites, at a locker of theirs."""
    if not caller.sees_parcels_of(data.carrier):
        raise HTTPException(
            403,
            {
                "code": "other_carrier",
                "message": f"this API key belongs to carrier {caller.carrier}",
            },
        )
    hidden = NotFound("locker", data.locker_id)  # another site's locker does not exist for you
    site_scope.require_locker(session, caller.sites, data.locker_id, hidden)
    parcel, compartment, code = returns.create_return(
        session, data, now, settings, actor=caller.actor
    )
    expires_at = returns.code_expiry(session, parcel)
    session.commit()
    return ReturnIssued(
        id=parcel.id,
        tracking_code=parcel.tracking_code,
        locker_id=parcel.locker_id,
        compartment=compartment.number,
        size=compartment.size,
        return_code=code,
        expires_at=expires_at,
    )
