"""Parcel search (tracking code, locker) and a parcel's timeline."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from cloud.admin.auth import AdminViewer
from cloud.admin.parcel_view import parse_id, search, timeline
from cloud.admin.templating import page
from cloud.models import Compartment
from cloud.services import lockers, parcels, site_scope
from cloud.services.errors import NotFound
from cloud.web.deps import SessionDep

router = APIRouter(prefix="/parcels")


@router.get("")
def parcel_search(
    request: Request,
    user: AdminViewer,
    session: SessionDep,
    code: Annotated[str, Query(max_length=32)] = "",
    locker: Annotated[str, Query(max_length=32)] = "",
):
    """Parcels by the start of their tracking code and/or their locker (of the operator's sites,
    if scoped), newest first."""
    return page(
        request,
        user,
        "parcels.html",
        parcels=search(session, code.strip(), locker.strip(), sites=user.sites),
        code=code,
        locker=locker,
        lockers=lockers.list_lockers(session, sites=user.sites),
        nav="parcels",
    )


@router.get("/{parcel_id}")
def parcel_page(request: Request, parcel_id: str, user: AdminViewer, session: SessionDep):
    """One parcel and its timeline (404 for one in another site's locker)."""
    key = parse_id(parcel_id)
    if key is None:
        raise NotFound("parcel", parcel_id)
    parcel = parcels.get_parcel(session, key)
    site_scope.require_locker(session, user.sites, parcel.locker_id, NotFound("parcel", key))
    compartment = session.get(Compartment, parcel.compartment_id) if parcel.compartment_id else None
    return page(
        request,
        user,
        "parcel.html",
        parcel=parcel,
        compartment=compartment,
        moments=timeline(session, parcel),
        nav="parcels",
    )
