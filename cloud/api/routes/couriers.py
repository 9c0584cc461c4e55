"""Couriers: register one (the cloud draws the code, shows it once and keeps it hashed), give
one a new code, route them, revoke them."""

import uuid
from datetime import date

from fastapi import APIRouter, Response

from cloud.api.deps import FleetViewer, FleetWriter
from cloud.models import Courier, CourierCreate, CourierPublic, CourierRoute, CourierWithCode
from cloud.services import courier_codes, courier_routes, couriers
from cloud.services.errors import Invalid
from cloud.web.deps import NowDep, SessionDep, SettingsDep

router = APIRouter(prefix="/couriers", tags=["couriers"])


@router.post("", status_code=201, response_model=CourierWithCode)
def register_courier(
    data: CourierCreate,
    operator: FleetWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    response: Response,
) -> CourierWithCode:
    """Register a courier; their code, drawn by the cloud, is in this response only. No board
    knows it until the courier has a route."""
    if "code" in data.model_fields_set:  # even null: the client still thinks it chooses
        raise Invalid(
            "courier_code_not_accepted",
            "the cloud draws courier codes: send only "
            "the name, and hand the courier the code in the response",
        )
    courier, code = courier_codes.register_courier(
        session, data.name, now, actor=operator.actor, settings=settings
    )
    return _with_code(session, courier, code, response)


@router.get("", response_model=list[CourierPublic])
def list_couriers(_viewer: FleetViewer, session: SessionDep) -> list[Courier]:
    """Every courier, revoked ones too, oldest first (`needs_new_code`: no board gets their
    code until they are given a new one)."""
    return couriers.list_couriers(session)


@router.post("/{courier_id}/code", response_model=CourierWithCode)
def new_code(
    courier_id: uuid.UUID,
    operator: FleetWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    response: Response,
) -> CourierWithCode:
    """A new code for the courier, in this response only; the old one stops working now (the
    lockers of today's route get it instead)."""
    courier, code = courier_routes.rotate_code(
        session, courier_id, now, actor=operator.actor, settings=settings
    )
    return _with_code(session, courier, code, response)


@router.put("/{courier_id}/route", response_model=CourierRoute)
def set_route(
    courier_id: uuid.UUID,
    data: CourierRoute,
    operator: FleetWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> CourierRoute:
    """Set the courier's lockers for a day; for today, their boards get new lists at once."""
    stops = courier_routes.set_route(
        session, courier_id, data.day, data.locker_ids, now, actor=operator.actor, settings=settings
    )
    session.commit()
    return CourierRoute(day=data.day, locker_ids=stops)


@router.get("/{courier_id}/route", response_model=CourierRoute)
def read_route(
    courier_id: uuid.UUID,
    _viewer: FleetViewer,
    session: SessionDep,
    now: NowDep,
    day: date | None = None,
) -> CourierRoute:
    """The courier's lockers for `day` (default: today, UTC)."""
    day = day or now.date()
    courier_routes.get_courier(session, courier_id)  # 404 for an unknown one
    return CourierRoute(day=day, locker_ids=courier_routes.route_of(session, courier_id, day))


@router.post("/{courier_id}/revoke", response_model=CourierPublic)
def revoke_courier(
    courier_id: uuid.UUID,
    operator: FleetWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Courier:
    """Revoke the courier's code: every locker that had it gets a list without it now."""
    courier = courier_routes.revoke_courier(
        session, courier_id, now, actor=operator.actor, settings=settings
    )
    session.commit()
    session.refresh(courier)
    return courier


def _with_code(
    session: SessionDep, courier: Courier, code: str, response: Response
) -> CourierWithCode:
    session.commit()
    session.refresh(courier)
    response.headers["Cache-Control"] = "no-store"  # the code must not linger in a cache
    return CourierWithCode(**CourierPublic.model_validate(courier).model_dump(), code=code)
