"""Plans as the API and the admin show them: routes with their stops and parcels, manifests."""

import json
import uuid
from datetime import date, datetime

from sqlmodel import Session, col, select

from cloud.core.clock import utcnow
from cloud.models import (
    Compartment,
    Courier,
    Depot,
    Locker,
    Parcel,
    PlanParcel,
    PlanRoute,
    PlanStop,
    RoutePlan,
    Vehicle,
    VehicleType,
)
from cloud.models.plan_views import (
    DoorstepComparison,
    Manifest,
    ManifestStop,
    ParcelOnPlan,
    PlanPublic,
    RoutePublic,
    StopPublic,
    UnroutedParcel,
)
from cloud.planning.astray import astray
from cloud.planning.wave import COLLECT, DELIVER
from cloud.services.errors import NotFound


def get_plan(session: Session, plan_id: uuid.UUID) -> RoutePlan:
    plan = session.get(RoutePlan, plan_id)
    if plan is None:
        raise NotFound("plan", plan_id)
    return plan


def plan_view(
    session: Session,
    plan_id: uuid.UUID,
    *,
    with_stops: bool = True,
    now: datetime | None = None,
) -> PlanPublic:
    """The plan as shown; `now` (the clock's by default) tells which parcels are astray."""
    plan = get_plan(session, plan_id)
    routes = session.exec(
        select(PlanRoute).where(PlanRoute.plan_id == plan.id).order_by(col(PlanRoute.colour))
    ).all()
    parcels = _parcels_on(session, plan.id)
    return PlanPublic(
        **plan.model_dump(exclude={"changes", "notes", "unrouted"}),
        routes=[_route(session, route, parcels, with_stops) for route in routes],
        unrouted=_unrouted(session, plan.id),
        doorstep=_doorstep(plan),
        changes=json.loads(plan.changes) if plan.changes else None,
        notes=json.loads(plan.notes) if plan.notes else [],
        astray=[a.message for a in astray(session, plan, now or utcnow())],
    )


def plans_of(session: Session, depot_id: str, day: date | None = None) -> list[PlanPublic]:
    """The depot's plans (of one local day), newest first, without their stops."""
    if session.get(Depot, depot_id) is None:
        raise NotFound("depot", depot_id)
    query = select(RoutePlan.id).where(RoutePlan.depot_id == depot_id)
    if day is not None:
        query = query.where(RoutePlan.day == day)
    ids = session.exec(query.order_by(col(RoutePlan.created_at).desc()).limit(100)).all()
    return [plan_view(session, plan_id, with_stops=False) for plan_id in ids]


def latest_plan(session: Session, depot_id: str, day: date | None = None) -> RoutePlan | None:
    query = select(RoutePlan).where(RoutePlan.depot_id == depot_id, RoutePlan.state == "active")
    if day is not None:
        query = query.where(RoutePlan.day == day)
    return session.exec(query.order_by(col(RoutePlan.created_at).desc())).first()


def manifest(session: Session, plan_id: uuid.UUID, route_id: int) -> Manifest:
    plan = get_plan(session, plan_id)
    route = session.get(PlanRoute, route_id)
    if route is None or route.plan_id != plan.id:
        raise NotFound("route", f"{plan_id}/{route_id}")
    view = _route(session, route, _parcels_on(session, plan.id), True)
    stops = []
    for stop in view.stops_list:
        locker = session.get(Locker, stop.locker_id)
        stops.append(
            ManifestStop(
                seq=stop.seq,
                locker_id=stop.locker_id,
                locker_name=stop.locker_name,
                address=locker.address,
                access_hours=locker.access_hours,
                eta=stop.eta,
                done_at=stop.done_at,
                drop=[p for p in stop.parcels if p.action == DELIVER],
                collect=[p for p in stop.parcels if p.action == COLLECT],
            )
        )
    return Manifest(
        plan_id=plan.id,
        route_id=route.id,
        depot_id=plan.depot_id,
        day=plan.day,
        vehicle_id=route.vehicle_id,
        vehicle_type=view.vehicle_type,
        courier_id=route.courier_id,
        courier_name=view.courier_name,
        departs_at=route.departs_at,
        returns_at=route.returns_at,
        km=route.km,
        stops=stops,
    )


def _route(session, route: PlanRoute, parcels, with_stops: bool) -> RoutePublic:
    vehicle = session.get(Vehicle, route.vehicle_id)
    kind = session.get(VehicleType, vehicle.vehicle_type_id)
    courier = session.get(Courier, route.courier_id) if route.courier_id else None
    stops = []
    if with_stops:
        rows = session.exec(
            select(PlanStop).where(PlanStop.route_id == route.id).order_by(col(PlanStop.seq))
        ).all()
        stops = [_stop(session, stop, parcels.get(stop.id, [])) for stop in rows]
    return RoutePublic(
        **route.model_dump(),
        vehicle_type_id=kind.id,
        vehicle_type=kind.name,
        courier_name=courier.name if courier else None,
        stops_list=stops,
    )


def _stop(session, stop: PlanStop, parcels: list[ParcelOnPlan]) -> StopPublic:
    locker = session.get(Locker, stop.locker_id)
    return StopPublic(
        **stop.model_dump(),
        locker_name=locker.name,
        latitude=locker.latitude,
        longitude=locker.longitude,
        parcels=parcels,
    )


def _parcels_on(session: Session, plan_id: uuid.UUID) -> dict[int, list[ParcelOnPlan]]:
    query = (
        select(PlanParcel, Parcel, Compartment)
        .join(Parcel, col(Parcel.id) == PlanParcel.parcel_id)
        .outerjoin(Compartment, col(Compartment.id) == Parcel.compartment_id)
        .where(PlanParcel.plan_id == plan_id, col(PlanParcel.stop_id).is_not(None))
        .order_by(col(Parcel.tracking_code))
    )
    found: dict[int, list[ParcelOnPlan]] = {}
    for row, parcel, compartment in session.exec(query).all():
        found.setdefault(row.stop_id, []).append(
            ParcelOnPlan(
                parcel_id=parcel.id,
                tracking_code=parcel.tracking_code,
                carrier=parcel.carrier,
                locker_id=row.locker_id,
                action=row.action,
                size=compartment.size if compartment else None,
                done_at=row.done_at,
            )
        )
    return found


def _unrouted(session: Session, plan_id: uuid.UUID) -> list[UnroutedParcel]:
    query = (
        select(PlanParcel, Parcel)
        .join(Parcel, col(Parcel.id) == PlanParcel.parcel_id)
        .where(PlanParcel.plan_id == plan_id, col(PlanParcel.stop_id).is_(None))
        .order_by(col(Parcel.tracking_code))
    )
    return [
        UnroutedParcel(
            parcel_id=parcel.id,
            tracking_code=parcel.tracking_code,
            locker_id=row.locker_id,
            action=row.action,
            reason=row.reason or "not routed",
            alternative=row.alternative,
            waves_missed=parcel.waves_missed,
        )
        for row, parcel in session.exec(query).all()
    ]


def _doorstep(plan: RoutePlan) -> DoorstepComparison | None:
    if not plan.parcels:
        return None
    rate = plan.doorstep_failed_attempts / plan.parcels
    return DoorstepComparison(
        failure_rate=round(rate, 4),
        km=plan.doorstep_km,
        co2_g=plan.doorstep_co2_g,
        failed_attempts=plan.doorstep_failed_attempts,
        km_saved=round(plan.doorstep_km - plan.km, 3),
        co2_saved_g=round(plan.doorstep_co2_g - plan.co2_g, 1),
        failed_attempts_avoided=plan.doorstep_failed_attempts,
    )
