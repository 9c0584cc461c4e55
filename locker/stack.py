"""The cloud side in one process: API, bridge worker and notification loop on one database.

The bridge is wired here, not in cloud/runtime/: the bridge imports the cloud, never the other
way round.
"""

from bridge.worker import BridgeWorker
from cloud.core.clock import utcnow
from cloud.core.config import Settings
from cloud.runtime.api_server import ApiServer
from cloud.runtime.process import CloudProcess


def bridge_worker(broker_url, engine, settings, **options):
    """A bridge worker on the cloud's database and the wall clock; `options` as BridgeWorker
    takes them (client_id, share_group, identity)."""
    return BridgeWorker(broker_url, engine, utcnow, settings=settings, **options)


class CloudStack:
    """What `locker cloud` and `locker bridge` run as separate processes, here as threads."""

    def __init__(self, broker_url, database_url, notifier, api_port, schema=None, jobs=None):
        """jobs: the maintenance loop's, as CloudProcess takes them."""
        self.cloud = CloudProcess(
            Settings(database_url=database_url), notifier=notifier, schema=schema, jobs=jobs
        )
        self.settings, self.engine = self.cloud.settings, self.cloud.engine
        self.api = ApiServer(self.cloud.app, port=api_port)
        self.bridge = bridge_worker(broker_url, self.engine, self.settings)

    @property
    def notifications(self):
        return self.cloud.notifications

    @property
    def maintenance(self):
        return self.cloud.maintenance

    def start(self):
        self.api.start()
        self.bridge.start()
        self.cloud.start_loops()
        return self

    def stop(self):
        self.cloud.stop_loops()
        self.bridge.stop()
        self.api.stop()
        self.engine.dispose()
