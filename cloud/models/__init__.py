"""The cloud's data: every table model and its API shapes (imported here so metadata is whole)."""
from cloud.models.alarm import ALARM_KINDS, Alarm, AlarmPublic
from cloud.models.base import CODE_LENGTH, CODE_PATTERN
from cloud.models.courier import Courier, CourierCreate, CourierPublic
from cloud.models.device import DeviceEvent, OutboxMessage
from cloud.models.locker import (
    COMPARTMENT_SIZES,
    Compartment,
    CompartmentPublic,
    CompartmentSpec,
    Locker,
    LockerCreate,
    LockerDetail,
    LockerProvisioned,
    LockerPublic,
)
from cloud.models.notification import Notification
from cloud.models.parcel import (
    LIVE_STATES,
    Parcel,
    ParcelCreate,
    ParcelPublic,
    PickupCredential,
    Recipient,
)

__all__ = [
    "ALARM_KINDS", "Alarm", "AlarmPublic",
    "CODE_LENGTH", "CODE_PATTERN", "COMPARTMENT_SIZES", "LIVE_STATES",
    "Compartment", "CompartmentPublic", "CompartmentSpec", "Courier", "CourierCreate",
    "CourierPublic", "DeviceEvent", "Locker", "LockerCreate", "LockerDetail", "LockerProvisioned",
    "LockerPublic", "Notification", "OutboxMessage", "Parcel", "ParcelCreate", "ParcelPublic",
    "PickupCredential", "Recipient",
]
