"""A real cloud over real HTTP for the browser tests: uvicorn on a free port, a SQLite file,
an operator with a known password, and the service calls the bridge makes (devices.set_online,
alarms.raise_alarm) to change the fleet under the browser's eyes."""

import secrets

from cloud.app import create_app
from cloud.core.clock import utcnow
from cloud.core.config import Settings
from cloud.db import migrated_engine, transaction
from cloud.models import LockerCreate
from cloud.runtime.api_server import ApiServer
from cloud.services import alarms, devices, lockers
from cloud.services.operators import create_operator
from fleet.localhost import free_port


class LiveCloud:
    def __init__(self, directory):
        url = "sqlite:///%s" % (directory / "admin.db")
        self.settings = Settings(database_url=url, login_failure_delay_s=0)
        self.engine = migrated_engine(url)
        self.server = ApiServer(create_app(self.settings, engine=self.engine), port=free_port())
        self.password = secrets.token_urlsafe(18)

    @property
    def url(self):
        return self.server.url

    def start(self):
        self.server.start()
        return self

    def stop(self):
        self.server.stop()
        self.engine.dispose()

    def add_operator(self, username, role):
        with transaction(self.engine) as session:
            create_operator(session, username, self.password, role, utcnow())

    def add_locker(self, locker_id, sizes, name=None, address=""):
        data = LockerCreate(
            id=locker_id,
            name=name or "Locker " + locker_id,
            address=address,
            compartments=[{"number": n, "size": s} for n, s in enumerate(sizes, 1)],
        )
        with transaction(self.engine) as session:
            lockers.provision_locker(session, data, utcnow(), settings=self.settings)

    def set_online(self, locker_id, online):
        """What the bridge does with a board's retained status (bridge/inbound.py)."""
        with transaction(self.engine) as session:
            devices.set_online(session, locker_id, online, utcnow(), settings=self.settings)

    def raise_alarm(self, locker_id, kind, detail, compartment=None):
        with transaction(self.engine) as session:
            return alarms.raise_alarm(session, locker_id, kind, detail, utcnow(), compartment).id
