"""Couriers: register one (the code is stored hashed and never echoed), route them, revoke them."""
import uuid
from datetime import date

from fastapi import APIRouter

from cloud.api.deps import CurrentOperator, NowDep, OperatorWriter, SessionDep, SettingsDep
from cloud.models import Courier, CourierCreate, CourierPublic, CourierRoute
from cloud.services import courier_routes, couriers

router = APIRouter(prefix="/couriers", tags=["couriers"])


@router.post("", status_code=201, response_model=CourierPublic)
def register_courier(data: CourierCreate, _operator: OperatorWriter, session: SessionDep, settings: SettingsDep,
                     now: NowDep) -> Courier:
    """Register a courier; no board knows the code until the courier has a route."""
    courier = couriers.register_courier(session, data.name, data.code, now, settings=settings)
    session.commit()
    session.refresh(courier)
    return courier


@router.put("/{courier_id}/route", response_model=CourierRoute)
def set_route(courier_id: uuid.UUID, data: CourierRoute, operator: OperatorWriter, session: SessionDep,
              settings: SettingsDep, now: NowDep) -> CourierRoute:
    """Set the courier's lockers for a day; for today, their boards get new lists at once."""
    stops = courier_routes.set_route(session, courier_id, data.day, data.locker_ids, now,
                                     actor=operator.actor, settings=settings)
    session.commit()
    return CourierRoute(day=data.day, locker_ids=stops)


@router.get("/{courier_id}/route", response_model=CourierRoute)
def read_route(courier_id: uuid.UUID, _viewer: CurrentOperator, session: SessionDep, now: NowDep,
               day: date | None = None) -> CourierRoute:
    """The courier's lockers for `day` (default: today, UTC)."""
    day = day or now.date()
    courier_routes.get_courier(session, courier_id)  # 404 for an unknown one
    return CourierRoute(day=day, locker_ids=courier_routes.route_of(session, courier_id, day))


@router.post("/{courier_id}/revoke", response_model=CourierPublic)
def revoke_courier(courier_id: uuid.UUID, operator: OperatorWriter, session: SessionDep,
                   settings: SettingsDep, now: NowDep) -> Courier:
    """Revoke the courier's code: every locker that had it gets a list without it now."""
    courier = courier_routes.revoke_courier(session, courier_id, now, actor=operator.actor,
                                            settings=settings)
    session.commit()
    session.refresh(courier)
    return courier
