"""Couriers: register one (the code is stored hashed and never echoed)."""
from fastapi import APIRouter

from cloud.api.deps import NowDep, OperatorWriter, SessionDep, SettingsDep
from cloud.models import Courier, CourierCreate, CourierPublic
from cloud.services import couriers

router = APIRouter(prefix="/couriers", tags=["couriers"])


@router.post("", status_code=201, response_model=CourierPublic)
def register_courier(data: CourierCreate, _operator: OperatorWriter, session: SessionDep, settings: SettingsDep,
                     now: NowDep) -> Courier:
    """Register a courier; every locker is sent its updated courier list."""
    courier = couriers.register_courier(session, data.name, data.code, now, settings=settings)
    session.commit()
    session.refresh(courier)
    return courier
