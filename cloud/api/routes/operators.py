"""Operators (admins only): add one with a role and, for a property manager, the sites they
may see and act on; list them; change their sites; the audit trail, newest first.

A site-scoped admin sees and manages the operators of their sites only, and grants their sites
or fewer: never more, never the whole fleet (cloud/services/site_scope.py)."""

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from cloud.api.deps import CurrentAdmin, FleetAdmin
from cloud.models import AuditEntry, AuditEntryPublic
from cloud.models.access import MAX_SITES, SITE_CODE_PATTERN, USERNAME_PATTERN, Role
from cloud.services import audit, operators, site_scope
from cloud.web.deps import NowDep, SessionDep

router = APIRouter(tags=["operators"])
SiteCodes = Annotated[
    list[Annotated[str, Field(pattern=SITE_CODE_PATTERN, max_length=32)]] | None,
    Field(max_length=MAX_SITES),
]


class OperatorCreate(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN)
    password: str = Field(max_length=1024)
    role: Role
    sites: SiteCodes = None  # none or []: the whole fleet


class OperatorSites(BaseModel):
    sites: SiteCodes  # null or []: the whole fleet


class OperatorPublic(BaseModel):
    username: str
    role: str
    active: bool
    sites: list[str] | None  # None: the whole fleet


@router.post("/operators", status_code=201, response_model=OperatorPublic)
def create_operator(
    data: OperatorCreate, admin: CurrentAdmin, session: SessionDep, now: NowDep
) -> OperatorPublic:
    """Add an operator; weak passwords are refused (422), sites beyond the admin's own (403)."""
    sites = site_scope.scope(data.sites)
    site_scope.refuse_widening(admin.sites, sites)
    operator = operators.create_operator(
        session, data.username, data.password, data.role, now, actor=admin.actor, sites=sites
    )
    session.commit()
    return _public(operator)


@router.get("/operators", response_model=list[OperatorPublic])
def list_operators(admin: CurrentAdmin, session: SessionDep) -> list[OperatorPublic]:
    """Every operator (a site-scoped admin: those within their sites), by username."""
    return [_public(o) for o in operators.list_operators(session, within=admin.sites)]


@router.put("/operators/{username}/sites", response_model=OperatorPublic)
def set_sites(
    username: str, data: OperatorSites, admin: CurrentAdmin, session: SessionDep, now: NowDep
) -> OperatorPublic:
    """Scope an operator to sites (null or []: the whole fleet again); in effect at their next
    request. A site-scoped admin may narrow, never widen, theirs or anyone's."""
    sites = site_scope.scope(data.sites)
    site_scope.refuse_widening(admin.sites, sites)
    operator = site_scope.require_operator(
        admin.sites, operators.find_operator(session, username), username
    )
    operators.set_sites(session, operator, sites, now, actor=admin.actor)
    session.commit()
    return _public(operator)


@router.get("/audit", response_model=list[AuditEntryPublic])
def read_audit(
    _admin: FleetAdmin, session: SessionDep, action: str | None = None, limit: int = 100
) -> list[AuditEntry]:
    """The audit trail, newest first (at most 1000); the whole fleet's, so not for an admin
    scoped to sites."""
    return audit.recent(session, min(max(limit, 1), 1000), action)


def _public(operator) -> OperatorPublic:
    sites = site_scope.sites_of(operator)
    return OperatorPublic(
        username=operator.username,
        role=operator.role,
        active=operator.active,
        sites=sorted(sites) if sites is not None else None,
    )
