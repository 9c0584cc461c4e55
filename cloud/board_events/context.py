"""What every event handler is given, and what it comes to."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Compartment, Locker
from cloud.services import lockers

Event = dict[str, Any]  # a verified event body: lkr, seq, t, type and the type's fields
APPLIED = "applied"


class Ignored(Exception):
    """An event that is recorded and acknowledged but changes nothing.

    (A handler that cannot apply an event but must still follow the sensors, e.g. mark a
    compartment occupied, returns an "ignored: ..." outcome instead of raising this.)"""


@dataclass(frozen=True)
class EventContext:
    """One event being applied: its locker (row locked), the time it is applied at, the
    transaction and the settings it is applied under."""

    session: Session
    locker: Locker
    now: datetime
    settings: Settings

    @property
    def actor(self) -> str:
        """Who the audit trail says did it: the board."""
        return "board:" + self.locker.id

    def locked_compartment(self, number: int) -> Compartment:
        """Compartment `number` of the event's locker, with all of its compartments locked.

        In the order a pre-advice and a resync lock them: the three take turns instead of
        deciding on states the others are changing."""
        compartments = lockers.compartments_of(self.session, self.locker.id, for_update=True)
        compartment = next((c for c in compartments if c.number == number), None)
        if compartment is None:
            raise Ignored(f"locker {self.locker.id} has no compartment {number}")
        return compartment
