"""What applying a device event came to, and the compartment it names: shared by
device_events, device_alarms and courier_events."""
from typing import Any

from cloud.models import Compartment
from cloud.services import lockers

APPLIED = "applied"


class Ignored(Exception):
    """An event that is recorded and acknowledged but changes nothing.

    (A handler that cannot apply an event but must still follow the sensors, e.g. mark a
    compartment occupied, returns an "ignored: ..." outcome instead of raising this.)"""


def locked_compartment(ctx: Any, number: int) -> Compartment:
    """Compartment `number` of the event's locker, with all of its compartments locked.

    In the order a pre-advice and a resync lock them: the three take turns instead of deciding
    on states the others are changing."""
    compartments = lockers.compartments_of(ctx.session, ctx.locker.id, for_update=True)
    compartment = next((c for c in compartments if c.number == number), None)
    if compartment is None:
        raise Ignored(f"locker {ctx.locker.id} has no compartment {number}")
    return compartment
