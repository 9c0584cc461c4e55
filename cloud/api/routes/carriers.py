"""Carriers and their API keys (admins only); a key is shown once, when it is issued."""

from fastapi import APIRouter

from cloud.api.deps import FleetAdmin
from cloud.models import ApiKey, ApiKeyIssued, ApiKeyPublic, Carrier, CarrierCreate, CarrierPublic
from cloud.services import carriers
from cloud.web.deps import NowDep, RowId, SessionDep

router = APIRouter(prefix="/carriers", tags=["carriers"])


@router.post("", status_code=201, response_model=CarrierPublic)
def create_carrier(
    data: CarrierCreate, admin: FleetAdmin, session: SessionDep, now: NowDep
) -> Carrier:
    """Register a carrier; its parcels carry its name."""
    carrier = carriers.create_carrier(session, data.name, now, actor=admin.actor)
    session.commit()
    session.refresh(carrier)
    return carrier


@router.get("", response_model=list[CarrierPublic])
def list_carriers(_admin: FleetAdmin, session: SessionDep) -> list[Carrier]:
    """All carriers by name."""
    return carriers.list_carriers(session)


@router.post("/{name}/keys", status_code=201, response_model=ApiKeyIssued)
def issue_key(name: str, admin: FleetAdmin, session: SessionDep, now: NowDep) -> ApiKeyIssued:
    """A new API key for the carrier: the whole key is in this response only."""
    carrier = carriers.get_carrier(session, name)
    row, key = carriers.issue_key(session, carrier, now, actor=admin.actor)
    session.commit()
    return ApiKeyIssued(**_public(row, name).model_dump(), key=key)


@router.get("/{name}/keys", response_model=list[ApiKeyPublic])
def list_keys(name: str, _admin: FleetAdmin, session: SessionDep) -> list[ApiKeyPublic]:
    """The carrier's keys by prefix, revoked ones included."""
    return [
        _public(row, name) for row in carriers.keys_of(session, carriers.get_carrier(session, name))
    ]


@router.post("/{name}/keys/{key_id}/revoke", response_model=ApiKeyPublic)
def revoke_key(
    name: str, key_id: RowId, admin: FleetAdmin, session: SessionDep, now: NowDep
) -> ApiKeyPublic:
    """Revoke a key: from now on it is refused (401)."""
    row = carriers.revoke_key(
        session, carriers.get_carrier(session, name), key_id, now, actor=admin.actor
    )
    session.commit()
    return _public(row, name)


def _public(row: ApiKey, carrier: str) -> ApiKeyPublic:
    return ApiKeyPublic(
        id=row.id,
        carrier=carrier,
        prefix=row.prefix,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )
