"""The states of a parcel and of a compartment, named once.

Members are the strings themselves (StrEnum): `ParcelState.RESERVED == "reserved"`, stored and
sent as "reserved", so the database rows and the API's JSON are what they always were."""

from enum import StrEnum
from typing import Literal


class ParcelState(StrEnum):
    ANNOUNCED = "announced"  # pre-advised, no compartment (yet, or lost to a deposit)
    RESERVED = "reserved"  # a compartment waits for the courier
    DEPOSITED = "deposited"  # in the locker, its recipient has a PIN
    COLLECTED = "collected"  # taken out by the recipient (or a delegate)
    CANCELLED = "cancelled"  # withdrawn by its carrier before the deposit
    EXPIRED = "expired"  # not collected by its deadline: waits in the locker to go back
    LAPSED = "lapsed"  # reserved, but no courier came within Settings.reservation_hours
    RETURNED = "returned"  # a courier took it back to its sender


class CompartmentState(StrEnum):
    FREE = "free"
    RESERVED = "reserved"  # held for a parcel (Compartment.parcel_id)
    OCCUPIED = "occupied"  # something is in it: a parcel of the cloud's, or nobody's
    OPEN = "open"
    OUT_OF_SERVICE = "out_of_service"  # an operator's decision (compartment_service.py)
    JAMMED = "jammed"  # the lock did not open: out of use until someone looks


# The same states as types, for pydantic to validate and JSON Schema to list.
ParcelStateValue = Literal[tuple(state.value for state in ParcelState)]
CompartmentStateValue = Literal[tuple(state.value for state in CompartmentState)]
# Not yet collected, cancelled, expired, lapsed or returned: the board may know it by its code.
LIVE_STATES = (ParcelState.ANNOUNCED, ParcelState.RESERVED, ParcelState.DEPOSITED)
