"""The REST API under /api/v1, one module per resource."""

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter

from cloud.api.routes import (
    alarms,
    auth,
    carriers,
    couriers,
    depots,
    kpis,
    lockers,
    oncall,
    operators,
    parcels,
    plans,
    remote_opens,
    returns,
    sms_receipts,
    vehicle_types,
    webhooks,
)


def api_router(dependencies: Sequence[Any] = ()) -> APIRouter:
    """Every resource under /api/v1; each route names who may call it (cloud/api/deps.py)."""
    router = APIRouter(prefix="/api/v1", dependencies=list(dependencies))
    router.include_router(lockers.router)
    router.include_router(couriers.router)
    router.include_router(parcels.router)
    router.include_router(alarms.router)
    router.include_router(auth.router)
    router.include_router(carriers.router)
    router.include_router(operators.router)
    router.include_router(remote_opens.router)
    router.include_router(returns.router)
    router.include_router(webhooks.router)
    router.include_router(depots.router)
    router.include_router(vehicle_types.router)
    router.include_router(plans.router)
    router.include_router(kpis.router)
    router.include_router(sms_receipts.router)
    router.include_router(oncall.router)
    return router
