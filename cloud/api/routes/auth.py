"""Operator login: username and password for a bearer token (every attempt is audited)."""
from fastapi import APIRouter

from cloud.api.deps import NowDep, SessionDep, SettingsDep
from cloud.models import LoginRequest, Token
from cloud.services import operators

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=Token)
def login(data: LoginRequest, session: SessionDep, settings: SettingsDep, now: NowDep) -> Token:
    """A signed token for `Authorization: Bearer`; one 401 for every kind of wrong."""
    operator, token, expires_at = operators.login(session, data.username, data.password, now, settings)
    session.commit()
    return Token(access_token=token, expires_at=expires_at, role=operator.role)
