"""Setting routing up: depots (where, opening hours, dispatch cut-offs), vehicle types, and how
many vehicles of each type a depot has. Bad input shows the form again, saying what is wrong,
and changes nothing."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from cloud.admin.auth import AdminFleetViewer, AdminFleetWriter
from cloud.admin.depot_view import depot_lockers
from cloud.admin.form_errors import explain
from cloud.admin.templating import page
from cloud.models import DepotCreate, FleetUpdate, VehicleTypeCreate
from cloud.services import depots
from cloud.services.errors import DomainError
from cloud.web.deps import NowDep, SessionDep
from cloud.web.errors import status_of

router = APIRouter()
DEPOT_LABELS = {"id": "Id", "cutoffs": "Cut-offs", "timezone": "Time zone"}
TYPE_LABELS = {
    "id": "Id",
    "capacity_parcels": "Capacity (parcels)",
    "capacity_litres": "Capacity (litres)",
    "speed_kmh": "Speed (km/h)",
    "co2_g_per_km": "CO2 (g/km)",
    "range_km": "Range (km)",
}
TYPE_FIELDS = (
    "id name capacity_parcels capacity_litres speed_kmh shift_start shift_end cost_per_km "
    "cost_per_hour co2_g_per_km range_km service_minutes"
).split()
DEPOT_FIELDS = "id name address latitude longitude timezone opens closes cutoffs".split()


async def _posted(request: Request) -> dict[str, str]:
    """The posted form's filled-in text fields, trimmed (read already by the CSRF check)."""
    form = await request.form()
    return {n: v.strip() for n, v in form.items() if isinstance(v, str) and v.strip()}


Posted = Annotated[dict[str, str], Depends(_posted)]


@router.get("/depots")
def depot_list(request: Request, user: AdminFleetViewer, session: SessionDep):
    """Every depot with its fleet and lockers, a form to add one and one to size each fleet."""
    return _depots_page(request, user, session)


@router.post("/depots")
def create_depot(
    request: Request, user: AdminFleetWriter, session: SessionDep, now: NowDep, posted: Posted
):
    """Add a depot: the form's fields as DepotCreate takes them."""
    form = {n: posted[n] for n in DEPOT_FIELDS if n in posted}  # blank: the default applies
    try:
        depots.create_depot(session, DepotCreate.model_validate(form), now, actor=_actor(user))
    except (ValidationError, DomainError) as bad:
        error, status_code = _refusal(session, bad, DEPOT_LABELS)
        return _depots_page(request, user, session, error, status_code, form)
    session.commit()
    return RedirectResponse("/admin/depots", status_code=303)


@router.post("/depots/{depot_id}/fleet")
def set_fleet(
    request: Request,
    depot_id: str,
    user: AdminFleetWriter,
    session: SessionDep,
    now: NowDep,
    vehicle_type: Annotated[list[str], Form(max_length=100)] = [],
    count: Annotated[list[str], Form(max_length=100)] = [],
):
    """How many vehicles of each type the depot has in service (pairs of fields, in order)."""
    try:
        update = FleetUpdate(vehicles=_counts(vehicle_type, count))
        depots.set_fleet(session, depot_id, update, now, actor=_actor(user))
    except (ValidationError, DomainError, ValueError) as bad:
        error, status_code = _refusal(session, bad, {"vehicles": "Vehicles"})
        return _depots_page(request, user, session, error, status_code)
    session.commit()
    return RedirectResponse("/admin/depots", status_code=303)


@router.get("/vehicle-types")
def vehicle_type_list(request: Request, user: AdminFleetViewer, session: SessionDep):
    """The kinds of vehicle depots may have, and a form to add one."""
    return _types_page(request, user, session)


@router.post("/vehicle-types")
def create_vehicle_type(
    request: Request, user: AdminFleetWriter, session: SessionDep, now: NowDep, posted: Posted
):
    """Add a vehicle type: capacity, speed, shift, costs, CO2, range (blank: none)."""
    form = {n: posted[n] for n in TYPE_FIELDS if n in posted}
    try:
        data = VehicleTypeCreate.model_validate(form)
        depots.create_vehicle_type(session, data, now, actor=_actor(user))
    except (ValidationError, DomainError) as bad:
        error, status_code = _refusal(session, bad, TYPE_LABELS)
        return _types_page(request, user, session, error, status_code, form)
    session.commit()
    return RedirectResponse("/admin/vehicle-types", status_code=303)


def _counts(types: list[str], counts: list[str]) -> dict[str, int]:
    if len(types) != len(counts):
        raise ValueError("send one count per vehicle type")
    vehicles = {}
    for type_id, count in zip(types, counts):
        if not count.strip().isdigit():
            raise ValueError(f"the count of {type_id} must be a whole number, 0 or more")
        vehicles[type_id] = int(count)
    return vehicles


def _refusal(session, bad: Exception, labels: dict[str, str]) -> tuple[str, int]:
    """What to tell the operator, and the status; nothing of the refused change is kept."""
    session.rollback()
    if isinstance(bad, ValidationError):
        return explain(bad, labels), 422
    if isinstance(bad, DomainError):
        return _sentence(bad.message), status_of(bad)
    return _sentence(str(bad)), 422


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _depots_page(request, user, session, error="", status_code=200, form=None):
    every_depot = depots.list_depots(session)
    return page(
        request,
        user,
        "depots.html",
        status_code,
        depots=every_depot,
        fleets={d.id: depots.fleet_counts(session, d.id) for d in every_depot},
        lockers={d.id: depot_lockers(session, d.id) for d in every_depot},
        vehicle_types=depots.list_vehicle_types(session),
        error=error,
        form=form or {},
        nav="depots",
    )


def _types_page(request, user, session, error="", status_code=200, form=None):
    return page(
        request,
        user,
        "vehicle_types.html",
        status_code,
        vehicle_types=depots.list_vehicle_types(session),
        error=error,
        form=form or {},
        nav="depots",
    )


def _actor(user) -> str:
    return "operator:" + user.username
