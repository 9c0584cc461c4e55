"""What applying a device event came to: shared by device_events and device_alarms."""

APPLIED = "applied"


class Ignored(Exception):
    """An event that is recorded and acknowledged but changes nothing.

    (A handler that cannot apply an event but must still follow the sensors, e.g. mark a
    compartment occupied, returns an "ignored: ..." outcome instead of raising this.)"""
