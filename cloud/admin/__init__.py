"""The operators' admin: server-rendered pages (Jinja2, htmx) under /admin, beside the API.

Same operators, roles and signed tokens as the API (cloud/services/operators.py); the token
rides in an HttpOnly, SameSite=Strict cookie, and every POST carries a CSRF token
(cloud/admin/auth.py). cloud/app.py mounts it beside the API; neither imports the other.
"""

from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from cloud.admin import (
    alarm_pages,
    depot_pages,
    events,
    fleet_pages,
    kpi_pages,
    locker_pages,
    login_pages,
    oncall_pages,
    parcel_pages,
    password_pages,
    route_pages,
)
from cloud.web.text_guard import refuse_unstorable_text

STATIC = Path(__file__).parent / "static"


def admin_router(*, documented: bool = False) -> APIRouter:
    """Every admin page under /admin, one module per page family; out of the API's OpenAPI
    schema, but `documented` for one of its own (tests/security/test_admin_inputs.py fuzzes it)."""
    # The API's guard against text no database holds (NUL, lone surrogates): the same 422.
    router = APIRouter(
        prefix="/admin",
        include_in_schema=documented,
        dependencies=[Depends(refuse_unstorable_text)],
    )
    router.add_api_route("", fleet_pages.fleet, methods=["GET"])  # /admin itself, no slash
    for pages in (
        login_pages,
        fleet_pages,
        locker_pages,
        alarm_pages,
        parcel_pages,
        kpi_pages,
        route_pages,
        depot_pages,
        oncall_pages,
        events,
        password_pages,
    ):
        router.include_router(pages.router)
    return router


def mount_admin(app: FastAPI) -> None:
    """The admin's pages and its static files (htmx, CSS): no CDN at run time."""
    app.include_router(admin_router())
    app.mount("/admin/static", StaticFiles(directory=STATIC), name="admin-static")
