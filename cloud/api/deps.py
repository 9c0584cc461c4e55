"""Who calls the API, and what role a route needs (the session, settings and time every
route depends on are in cloud/web/deps.py).

A caller is an operator (`Authorization: Bearer <token>` from /auth/login) or a carrier
(`X-API-Key: <key>`). No credentials or bad ones: 401; a role that may not: 403.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from cloud.services import carriers, operators, site_scope
from cloud.services.errors import NotFound
from cloud.web.deps import NowDep, SessionDep, SettingsDep

_bearer = HTTPBearer(auto_error=False, description="an operator's token from /api/v1/auth/login")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="a carrier's API key")


@dataclass(frozen=True)
class Principal:
    """Who calls: an operator (with a role) or a carrier (by its API key)."""

    actor: str  # as the audit trail names it: operator:alice, carrier:acme
    role: str | None = None  # viewer, operator or admin; None for a carrier
    carrier: str | None = None  # the carrier's name; None for an operator
    session_id: int | None = None  # an operator's login (cloud/services/operator_sessions.py)
    # The sites an operator is scoped to; None for the whole fleet (cloud/services/site_scope.py)
    sites: site_scope.Sites = None

    def sees_parcels_of(self, carrier: str) -> bool:
        return self.carrier is None or self.carrier == carrier


def get_principal(
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    api_key: Annotated[str | None, Security(_api_key)],
) -> Principal:
    if api_key:
        carrier = carriers.carrier_for_key(session, api_key)
        if carrier is not None:
            return Principal(actor="carrier:" + carrier.name, carrier=carrier.name)
    elif bearer is not None:
        signed_in = operators.from_token(session, bearer.credentials, now, settings)
        if signed_in is not None:
            operator = signed_in.operator
            return Principal(
                actor="operator:" + operator.username,
                role=operator.role,
                session_id=signed_in.session_id,
                sites=site_scope.sites_of(operator),
            )
    raise HTTPException(
        401,
        {
            "code": "unauthenticated",
            "message": "valid credentials required: "
            "an operator's bearer token or a carrier's X-API-Key",
        },
        headers={"WWW-Authenticate": "Bearer"},
    )


def _forbidden(what: str) -> HTTPException:
    return HTTPException(403, {"code": "forbidden", "message": f"only {what} may do this"})


def _at_least(role: str):
    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role is None or not operators.role_at_least(principal.role, role):
            raise _forbidden(f"operators with the role {role} or above")
        return principal

    return check


def _carrier_or_at_least(role: str):
    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.carrier is None and not operators.role_at_least(principal.role, role):
            raise _forbidden(f"carriers and operators with the role {role} or above")
        return principal

    return check


FLEET_WIDE_WORK = "depots, vans, route plans, couriers, carriers and the audit trail"


def _fleet_wide(role: str):
    """`role` or above, and not scoped to sites: depots, vans, plans, couriers, carriers and
    the audit trail span the whole fleet."""
    at_least = _at_least(role)

    def check(principal: Annotated[Principal, Depends(at_least)]) -> Principal:
        site_scope.refuse_fleet_wide(principal.sites, FLEET_WIDE_WORK)
        return principal

    return check


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]  # any operator or carrier
CurrentOperator = Annotated[Principal, Depends(_at_least("viewer"))]  # reads
OperatorWriter = Annotated[Principal, Depends(_at_least("operator"))]  # changes the fleet
CurrentAdmin = Annotated[Principal, Depends(_at_least("admin"))]  # people, carriers, keys
ParcelWriter = Annotated[Principal, Depends(_carrier_or_at_least("operator"))]
FleetViewer = Annotated[Principal, Depends(_fleet_wide("viewer"))]  # reads across sites
FleetWriter = Annotated[Principal, Depends(_fleet_wide("operator"))]  # plans the fleet's vans
FleetAdmin = Annotated[Principal, Depends(_fleet_wide("admin"))]  # carriers, keys, the trail


def scoped_locker_id(locker_id: str, caller: CurrentPrincipal, session: SessionDep) -> str:
    """The path's locker, if the caller is scoped to sites: 404 unless it is one of theirs
    (for the whole fleet, the route itself answers for a locker that does not exist)."""
    site_scope.require_locker(session, caller.sites, locker_id, NotFound("locker", locker_id))
    return locker_id


ScopedLockerId = Annotated[str, Depends(scoped_locker_id)]
