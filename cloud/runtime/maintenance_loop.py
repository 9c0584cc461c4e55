"""Periodic jobs of the cloud process (day rollover of courier lists, contact purge, ...).

Each job is `(name, interval_s, fn(session, now, settings))`, run in a transaction of its own so
one failing job rolls back only its own work and the others carry on. Other parts register
their jobs with `register` before `start` (see `default_jobs`).
"""

import logging
import threading
import time

from cloud.core.clock import utcnow
from cloud.db import transaction

log = logging.getLogger(__name__)


class MaintenanceLoop:
    tick_s = 1.0  # how often due jobs are looked for

    def __init__(self, engine, settings, clock=utcnow, jobs=()):
        self.engine, self.settings, self.clock = engine, settings, clock
        self._jobs = []  # [name, interval_s, fn, next run (monotonic)]
        for job in jobs:
            self.register(*job)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="maintenance", daemon=True)

    def register(self, name, interval_s, fn, own_transactions=False):
        """Run fn(session, now, settings) every interval_s seconds, first soon after start.

        A job that must not run inside one transaction (planning a wave solves for seconds
        between two) says `own_transactions` and is called fn(engine, now, settings)."""
        if interval_s <= 0:
            raise ValueError("a job's interval must be positive")
        self._jobs.append([name, interval_s, fn, 0.0, own_transactions])
        return self

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self._thread.join(timeout=10)

    def run_due(self):
        """Run every job whose time has come (the thread's step; tests call it directly)."""
        for job in self._jobs:
            name, interval_s, fn, next_run, own_transactions = job
            if time.monotonic() < next_run:
                continue
            job[3] = time.monotonic() + interval_s
            self._run_job(name, fn, own_transactions)

    def _run_job(self, name, fn, own_transactions=False):
        try:
            if own_transactions:
                result = fn(self.engine, self.clock(), self.settings)
            else:
                with transaction(self.engine) as session:
                    result = fn(session, self.clock(), self.settings)
            if result:
                log.info("maintenance job %s: %s", name, result)
        except Exception:
            log.exception("maintenance job %s failed; it runs again at its next interval", name)

    def _run(self):
        while not self._stopping.wait(self.tick_s):
            self.run_due()


def default_jobs():
    """The jobs every cloud process runs."""
    from cloud.admin.occupancy import occupancy_job
    from cloud.planning.follow import follow_parcels
    from cloud.planning.waves import plan_due_waves
    from cloud.services.courier_routes import refresh_courier_lists
    from cloud.services.lifecycle import expire_due
    from cloud.services.pager import paging_job
    from cloud.services.purge import purge_contacts

    return [
        ("refresh_courier_lists", 60, refresh_courier_lists),
        ("purge_contacts", 3600, purge_contacts),
        ("expire_due", 60, expire_due),
        ("sample_occupancy", 900, occupancy_job),  # the admin's occupancy history
        ("plan_due_waves", 30, plan_due_waves, True),  # dispatch waves at their cut-offs
        ("follow_parcels", 60, follow_parcels, True),  # plans follow redirected, held parcels
        ("page_on_call", 30, paging_job),  # alarms reach the people on call
    ]
