"""Operators (admins only): add one with a role; the audit trail, newest first."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from cloud.api.deps import CurrentAdmin
from cloud.models import AuditEntry, AuditEntryPublic
from cloud.models.access import USERNAME_PATTERN, Role
from cloud.services import audit, operators
from cloud.web.deps import NowDep, SessionDep

router = APIRouter(tags=["operators"])


class OperatorCreate(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN)
    password: str = Field(max_length=1024)
    role: Role


class OperatorPublic(BaseModel):
    username: str
    role: str
    active: bool


@router.post("/operators", status_code=201, response_model=OperatorPublic)
def create_operator(
    data: OperatorCreate, admin: CurrentAdmin, session: SessionDep, now: NowDep
) -> OperatorPublic:
    """Add an operator; weak passwords are refused (422)."""
    operator = operators.create_operator(
        session, data.username, data.password, data.role, now, actor=admin.actor
    )
    session.commit()
    return OperatorPublic(username=operator.username, role=operator.role, active=operator.active)


@router.get("/audit", response_model=list[AuditEntryPublic])
def read_audit(
    _admin: CurrentAdmin, session: SessionDep, action: str | None = None, limit: int = 100
) -> list[AuditEntry]:
    """The audit trail, newest first (at most 1000)."""
    return audit.recent(session, min(max(limit, 1), 1000), action)
