"""The cloud API served over real HTTP (uvicorn on a free port) on a migrated database, with an
admin, an operator, a viewer and two carriers to call it as: what the attacks in tests/security
run against."""

import contextlib
import functools

from cloud.app import create_app
from cloud.core import passwords
from cloud.core.clock import utcnow
from cloud.core.config import Settings
from cloud.db import migrated_engine, transaction
from cloud.models import LockerCreate, Operator
from cloud.runtime.api_server import ApiServer
from cloud.services import lockers, operator_sessions
from fleet.localhost import free_port
from locker import access

PEPPER = "security-test-pepper-0123456789"
AUTH_SECRET = "security-test-auth-secret-0123456789abcdef"


class LiveCloud:
    """The API on `database_url` with locker L1 (S, M, L) and the callers' headers."""

    def __init__(self, database_url, schema=None, **settings):
        settings.setdefault("login_failure_delay_s", 0.0)
        self.settings = Settings(
            database_url=database_url, pin_pepper=PEPPER, auth_secret=AUTH_SECRET, **settings
        )
        self.engine = migrated_engine(database_url, schema=schema)
        self.api = ApiServer(create_app(self.settings, engine=self.engine), port=free_port())
        self.headers = {}

    @property
    def url(self):
        return self.api.url

    def start(self):
        self.api.start()
        self._provision_locker("L1", "SML")
        for role in ("admin", "operator", "viewer"):
            self.headers[role] = self._operator_headers(role)
        for carrier in ("acme", "bolt"):
            self.headers[carrier] = access.carrier_headers(self.engine, carrier)
        return self

    def stop(self):
        self.api.stop()
        self.engine.dispose()

    def _provision_locker(self, locker_id, sizes):
        data = LockerCreate(
            id=locker_id,
            name="Locker " + locker_id,
            address="1 Main St",
            compartments=[{"number": n, "size": s} for n, s in enumerate(sizes, 1)],
        )
        with transaction(self.engine) as session:
            lockers.provision_locker(session, data, utcnow(), settings=self.settings)

    def _operator_headers(self, role):
        """An operator with `role` and a signed bearer token (as /auth/login gives; argon2 once
        per process: tests/conftest.py's hash)."""
        username = role + "-1"
        with transaction(self.engine) as session:
            operator = Operator(username=username, password_hash=_password_hash(), role=role)
            session.add(operator)
            session.flush()
            token, _ = operator_sessions.start(
                session, operator, utcnow(), self.settings, source="tests"
            )
        return {"Authorization": "Bearer " + token}


@contextlib.contextmanager
def live_cloud(database_url, schema=None, **kwargs):
    cloud = LiveCloud(database_url, schema, **kwargs).start()
    try:
        yield cloud
    finally:
        cloud.stop()


PASSWORD = "correct horse battery staple"


@functools.cache
def _password_hash():
    return passwords.hash_password(PASSWORD)
