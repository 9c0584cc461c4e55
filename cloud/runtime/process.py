"""The cloud process, assembled once: a migrated database, the API app and the background loops.

`locker cloud` serves it in the foreground with uvicorn; the demo and the end-to-end tests run
it in threads beside a bridge worker (locker/stack.py, which may import the bridge). The bridge
is not part of it: the cloud does not know the bridge.
"""

import uvicorn

from cloud.app import create_app
from cloud.db import migrated_engine
from cloud.runtime.maintenance_loop import MaintenanceLoop, default_jobs
from cloud.runtime.notification_loop import NotificationLoop


class CloudProcess:
    def __init__(self, settings, *, notifier=None, schema=None, jobs=None):
        """notifier: as NotificationLoop takes it; None for the channels the settings configure.
        jobs: the maintenance loop's, default_jobs() unless given."""
        self.settings = settings
        self.engine = migrated_engine(settings.database_url, schema=schema)
        self.app = create_app(settings, engine=self.engine)
        self.notifications = NotificationLoop(self.engine, notifier, settings)
        jobs = default_jobs() if jobs is None else jobs
        self.maintenance = MaintenanceLoop(self.engine, settings, jobs=jobs)

    def start_loops(self):
        self.notifications.start()
        self.maintenance.start()
        return self

    def stop_loops(self):
        self.maintenance.stop()
        self.notifications.stop()

    def serve(self, *, host, port):
        """The API in the foreground until uvicorn is told to stop, the loops behind it."""
        self.start_loops()
        try:
            uvicorn.run(self.app, host=host, port=port)
        finally:
            self.stop_loops()
