"""The REST API under /api/v1, one module per resource."""
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter

from cloud.api.routes import alarms, couriers, lockers, parcels


def api_router(dependencies: Sequence[Any] = ()) -> APIRouter:
    """Every resource under /api/v1; `dependencies` (e.g. an API-key check) guard them all."""
    router = APIRouter(prefix="/api/v1", dependencies=list(dependencies))
    router.include_router(lockers.router)
    router.include_router(couriers.router)
    router.include_router(parcels.router)
    router.include_router(alarms.router)
    return router
