"""The cloud's FastAPI application: the API (cloud/api) and the operators' admin (cloud/admin)
over one engine, assembled here, above both, so that neither imports the other."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from sqlalchemy import Engine

from cloud.admin import mount_admin
from cloud.api.admission import AdmissionLimit, limit_for
from cloud.api.routes import api_router, health
from cloud.core.config import Settings, get_settings
from cloud.db import make_engine, migrate
from cloud.notify.targets import Resolver, SystemResolver
from cloud.recipient import mount_recipient
from cloud.web.errors import install_error_handlers
from cloud.web.text_guard import refuse_unstorable_text


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    resolver: Resolver | None = None,
) -> FastAPI:
    """The API over `engine` (default: one for settings.database_url), migrated on startup;
    `resolver` turns webhook host names into addresses (default: the system's)."""
    settings = settings or get_settings()
    owns_engine = engine is None
    engine = engine if engine is not None else make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        migrate(engine)
        yield
        if owns_engine:
            engine.dispose()

    app = FastAPI(title="openlocker cloud", lifespan=lifespan)
    app.state.settings, app.state.engine = settings, engine
    app.state.resolver = resolver or SystemResolver()
    # Requests queue before they take a thread or a connection (cloud/api/admission.py).
    app.add_middleware(AdmissionLimit, limit=limit_for(engine))
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(api_router([Depends(refuse_unstorable_text)]))  # cloud/web/text_guard.py
    mount_admin(app)  # the operators' pages under /admin (cloud/admin)
    mount_recipient(app)  # the recipients' page under /r (cloud/recipient)
    return app
