"""The cloud side in one process: API, bridge worker and notification loop on one database."""
from cloud.app import create_app
from cloud.core.clock import utcnow
from cloud.core.config import Settings
from cloud.db import migrated_engine
from bridge.worker import BridgeWorker
from locker import access
from locker.api_server import ApiServer
from locker.maintenance_loop import MaintenanceLoop, default_jobs
from locker.notification_loop import NotificationLoop


class CloudStack:
    """What `locker cloud` and `locker bridge` run as separate processes, here as threads."""

    def __init__(self, broker_url, database_url, notifier, api_port, schema=None):
        self.settings = Settings(database_url=database_url)
        self.engine = migrated_engine(database_url, schema=schema)
        self.api = ApiServer(create_app(self.settings, engine=self.engine), port=api_port)
        self.bridge = BridgeWorker(broker_url, self.engine, utcnow, settings=self.settings)
        self.notifications = NotificationLoop(self.engine, notifier, self.settings)
        self.maintenance = MaintenanceLoop(self.engine, self.settings, jobs=default_jobs())

    def start(self):
        self.api.start()
        self.bridge.start()
        self.notifications.start()
        self.maintenance.start()
        return self

    @property
    def admin_headers(self):
        """An admin's bearer headers (the admin is made, with a random password, on first use)."""
        if getattr(self, "_admin_headers", None) is None:
            self._admin_headers = access.admin_headers(self.engine, self.api.url)
        return self._admin_headers

    def carrier_headers(self, name):
        """The X-API-Key headers of a new key for carrier `name`."""
        return access.carrier_headers(self.engine, name)

    def stop(self):
        self.maintenance.stop()
        self.notifications.stop()
        self.bridge.stop()
        self.api.stop()
        self.engine.dispose()
