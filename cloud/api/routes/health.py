"""Liveness and database reachability, for load balancers and `locker` scripts."""

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from cloud.web.deps import SessionDep

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(session: SessionDep) -> JSONResponse:
    """Whether the API runs and its database answers."""
    try:
        session.exec(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("health check: database unreachable")
        return JSONResponse(status_code=503, content={"status": "error", "database": "unreachable"})
    return JSONResponse(content={"status": "ok", "database": "ok"})
