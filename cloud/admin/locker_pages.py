"""One locker: its compartments and states, out of service and back, remote open, and how
route planning reaches it (depot, position, access hours)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from cloud.admin.auth import AdminLockerId, AdminViewer, AdminWriter
from cloud.admin.fleet_view import link_status
from cloud.admin.form_errors import explain
from cloud.admin.templating import page
from cloud.models import CODE_LENGTH, LockerRoutingUpdate, Parcel
from cloud.services import alarms, compartment_service, depots, door_budget, lockers, remote_open
from cloud.services.errors import DomainError
from cloud.web.deps import CompartmentNumber, NowDep, SessionDep, SettingsDep
from cloud.web.errors import status_of

router = APIRouter(prefix="/lockers")
RELEASES_SHOWN = 20  # the door-release ledger at this locker, newest first
Reason = Annotated[str, Form(max_length=200)]
Coordinate = Annotated[str, Form(max_length=32)]  # blank: none; LockerRoutingUpdate checks it


@router.get("/{locker_id}")
def locker_page(
    request: Request,
    user: AdminViewer,
    locker_id: AdminLockerId,
    session: SessionDep,
    now: NowDep,
    error: str = "",
):
    """A locker's board health and compartments, with what an operator may do to each."""
    return _locker_page(request, user, session, locker_id, now, error=error)


@router.get("/{locker_id}/compartments")
def compartment_rows(
    request: Request, user: AdminViewer, locker_id: AdminLockerId, session: SessionDep, now: NowDep
):
    """The compartments table alone, for htmx to swap in when something changed."""
    return _locker_page(request, user, session, locker_id, now, template="_compartment_rows.html")


@router.post("/{locker_id}/compartments/{number}/out-of-service")
def out_of_service(
    request: Request,
    number: CompartmentNumber,
    user: AdminWriter,
    locker_id: AdminLockerId,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    reason: Reason = "",
):
    """Stop assigning this compartment (audited); refused while it holds or awaits a parcel."""
    return _change(
        request,
        user,
        session,
        locker_id,
        now,
        compartment_service.take_out_of_service,
        number,
        reason=reason,
        settings=settings,
    )


@router.post("/{locker_id}/compartments/{number}/in-service")
def in_service(
    request: Request,
    number: CompartmentNumber,
    user: AdminWriter,
    locker_id: AdminLockerId,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
):
    """Put an out-of-service (or cleared jammed) compartment back into use (audited)."""
    return _change(
        request,
        user,
        session,
        locker_id,
        now,
        compartment_service.return_to_service,
        number,
        settings=settings,
    )


@router.get("/{locker_id}/compartments/{number}/open")
def confirm_open(
    request: Request,
    number: CompartmentNumber,
    user: AdminViewer,
    locker_id: AdminLockerId,
    session: SessionDep,
):
    """The confirmation step before a remote open: what will open, and why (asked)."""
    locker = lockers.get_locker(session, locker_id)
    compartment = compartment_service.find_compartment(session, locker_id, number)
    return page(
        request, user, "confirm_open.html", locker=locker, compartment=compartment, nav="fleet"
    )


@router.post("/{locker_id}/compartments/{number}/open")
def open_door(
    request: Request,
    number: CompartmentNumber,
    user: AdminWriter,
    locker_id: AdminLockerId,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    reason: Annotated[str, Form(min_length=3, max_length=200)],
):
    """Open the door remotely: a signed command through the outbox, audited by the service."""
    try:
        remote_open.open_remotely(session, locker_id, number, user.username, reason, now, settings)
    except DomainError as refused:
        if refused.on_record:  # the refused attempt is on the ledger and audited: keep that
            session.commit()
        return _locker_page(
            request,
            user,
            session,
            locker_id,
            now,
            error=refused.message,
            status_code=status_of(refused),
        )
    session.commit()
    return RedirectResponse(f"/admin/lockers/{locker_id}?opened={number}", status_code=303)


@router.post("/{locker_id}/routing")
def set_routing(
    request: Request,
    user: AdminWriter,
    locker_id: AdminLockerId,
    session: SessionDep,
    now: NowDep,
    depot: Annotated[str, Form(max_length=CODE_LENGTH)] = "",
    latitude: Coordinate = "",
    longitude: Coordinate = "",
    access_hours: Annotated[str, Form(max_length=32)] = "24/7",
):
    """Which depot's vans serve the locker (none: left out of plans), where it is, and when a
    courier can reach it ("24/7" or "09:00-20:00", local to the depot)."""
    wanted = {
        "depot_id": depot or None,
        "latitude": latitude.strip() or None,
        "longitude": longitude.strip() or None,
        "access_hours": access_hours.strip(),
    }
    try:
        data = LockerRoutingUpdate.model_validate(wanted)
        depots.set_locker_routing(session, locker_id, data, now, actor="operator:" + user.username)
    except (ValidationError, DomainError) as bad:
        session.rollback()
        refused = isinstance(bad, DomainError)
        error = bad.message if refused else explain(bad, {"access_hours": "Access hours"})
        status_code = status_of(bad) if refused else 422
        return _locker_page(
            request, user, session, locker_id, now, error=error, status_code=status_code
        )
    session.commit()
    return RedirectResponse(f"/admin/lockers/{locker_id}", status_code=303)


def _change(request, user, session, locker_id, now, action, number, **kwargs):
    try:
        action(session, locker_id, number, now, actor="operator:" + user.username, **kwargs)
    except DomainError as refused:
        session.rollback()
        return _locker_page(
            request,
            user,
            session,
            locker_id,
            now,
            error=refused.message,
            status_code=status_of(refused),
        )
    session.commit()
    return RedirectResponse(f"/admin/lockers/{locker_id}", status_code=303)


def _locker_page(
    request, user, session, locker_id, now, *, error="", status_code=200, template="locker.html"
):
    locker = lockers.get_locker(session, locker_id)
    compartments = lockers.compartments_of(session, locker_id)
    parcels = _parcels_of(session, compartments)
    open_alarms = alarms.list_alarms(session, open_only=True, locker_id=locker_id)
    releases = door_budget.recent(session, RELEASES_SHOWN, locker_id=locker_id)
    return page(
        request,
        user,
        template,
        status_code,
        locker=locker,
        compartments=compartments,
        parcels=parcels,
        status=link_status(locker, now),
        alarms=open_alarms,
        error=error,
        opened=request.query_params.get("opened"),
        releases=releases,
        depots=depots.list_depots(session),
        nav="fleet",
    )


def _parcels_of(session, compartments) -> dict:
    return {c.parcel_id: session.get(Parcel, c.parcel_id) for c in compartments if c.parcel_id}
