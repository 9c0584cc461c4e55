"""What every route, of the API and of the admin, may depend on: a database session, the
settings, the current time, where the request comes from, and ids within their columns."""

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlmodel import Session

from cloud.core.clock import set_session_time, utcnow
from cloud.core.config import Settings
from cloud.notify.targets import Resolver
from cloud.services.errors import DomainError
from cloud.web.client_source import client_source


def get_now() -> datetime:
    return utcnow()


def get_session(request: Request, now: Annotated[datetime, Depends(get_now)]) -> Iterator[Session]:
    """One session per request, at the request's time; a route that changes data commits it
    once. A refusal that is on record (a door release refused, cloud/services/door_budget.py)
    is committed here: the record must outlive the error answer."""
    with Session(request.app.state.engine) as session:
        set_session_time(session, now)
        try:
            yield session
        except DomainError as refusal:
            if refusal.on_record:
                session.commit()
            raise


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_resolver(request: Request) -> Resolver:
    """How host names become addresses (the system's resolver unless the app was given one)."""
    return request.app.state.resolver


def get_source(request: Request, settings: Annotated[Settings, Depends(get_app_settings)]) -> str:
    """Where the request comes from, as login throttling counts it (cloud/web/client_source.py)."""
    forwarded = ",".join(request.headers.getlist("x-forwarded-for")) or None
    return client_source(
        request.client.host if request.client else None, forwarded, settings.trusted_proxies
    )


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
NowDep = Annotated[datetime, Depends(get_now)]
ResolverDep = Annotated[Resolver, Depends(get_resolver)]
SourceDep = Annotated[str, Depends(get_source)]
# A table's id in a path: within the id column's range (32-bit on PostgreSQL), so a huge
# number is a clear 422 instead of a database overflow (a 500).
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
CompartmentNumber = Annotated[int, Path(ge=1, le=999)]  # as CompartmentSpec allows
