"""The cloud side in one process: API, bridge worker and notification loop on one database."""
from cloud.api.main import create_app
from cloud.core.clock import utcnow
from cloud.core.config import Settings
from cloud.db import migrated_engine
from bridge.worker import BridgeWorker
from locker.api_server import ApiServer
from locker.notification_loop import NotificationLoop


class CloudStack:
    """What `locker cloud` and `locker bridge` run as separate processes, here as threads."""

    def __init__(self, broker_url, database_url, notifier, api_port, schema=None):
        self.settings = Settings(database_url=database_url)
        self.engine = migrated_engine(database_url, schema=schema)
        self.api = ApiServer(create_app(self.settings, engine=self.engine), port=api_port)
        self.bridge = BridgeWorker(broker_url, self.engine, utcnow, settings=self.settings)
        self.notifications = NotificationLoop(self.engine, notifier, self.settings)

    def start(self):
        self.api.start()
        self.bridge.start()
        self.notifications.start()
        return self

    def stop(self):
        self.notifications.stop()
        self.bridge.stop()
        self.api.stop()
        self.engine.dispose()
