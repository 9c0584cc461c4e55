"""The cloud's data: every table model and its API shapes (imported here so metadata is whole)."""

from cloud.models.access import (
    ROLES,
    ApiKey,
    ApiKeyIssued,
    ApiKeyPublic,
    Carrier,
    CarrierCreate,
    CarrierPublic,
    LoginRequest,
    Operator,
    Token,
)
from cloud.models.alarm import ALARM_KINDS, Alarm, AlarmPublic
from cloud.models.audit import GENESIS_HASH, AuditEntry, AuditEntryPublic, AuditHead
from cloud.models.base import CODE_LENGTH, CODE_PATTERN
from cloud.models.courier import (
    Courier,
    CourierCreate,
    CourierListSent,
    CourierPublic,
    CourierRoute,
    CourierRouteStop,
    CourierWithCode,
)
from cloud.models.device import DeviceEvent, OutboxMessage
from cloud.models.door_release import DoorRelease, DoorReleasePublic
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
from cloud.models.login import LoginThrottle, OperatorSession, PasswordChange
from cloud.models.notification import Notification, WebhookConfig, WebhookIssued
from cloud.models.occupancy import OccupancySample
from cloud.models.parcel import (
    Delegate,
    Parcel,
    ParcelCreate,
    ParcelPublic,
    PickupCredential,
    Recipient,
)
from cloud.models.remote import RemoteOpenPublic, RemoteOpenRequest
from cloud.models.states import (
    LIVE_STATES,
    CompartmentState,
    CompartmentStateValue,
    ParcelState,
    ParcelStateValue,
)
from protocol.identities import RESERVED_LOCKER_ID, SERVICE_IDENTITY_PREFIX

__all__ = [
    "ROLES",
    "ApiKey",
    "ApiKeyIssued",
    "ApiKeyPublic",
    "Carrier",
    "CarrierCreate",
    "CarrierPublic",
    "LoginRequest",
    "Operator",
    "Token",
    "GENESIS_HASH",
    "AuditEntry",
    "AuditEntryPublic",
    "AuditHead",
    "ALARM_KINDS",
    "Alarm",
    "AlarmPublic",
    "CODE_LENGTH",
    "CODE_PATTERN",
    "COMPARTMENT_SIZES",
    "LIVE_STATES",
    "RESERVED_LOCKER_ID",
    "SERVICE_IDENTITY_PREFIX",
    "Compartment",
    "CompartmentPublic",
    "CompartmentSpec",
    "Courier",
    "CourierCreate",
    "CourierPublic",
    "DeviceEvent",
    "Locker",
    "LockerCreate",
    "LockerDetail",
    "LockerProvisioned",
    "LockerPublic",
    "Notification",
    "OutboxMessage",
    "Parcel",
    "ParcelCreate",
    "ParcelPublic",
    "PickupCredential",
    "Recipient",
    "Delegate",
    "WebhookConfig",
    "WebhookIssued",
    "CourierListSent",
    "CourierRoute",
    "CourierRouteStop",
    "RemoteOpenPublic",
    "RemoteOpenRequest",
    "OccupancySample",
    "DoorRelease",
    "DoorReleasePublic",
    "CourierWithCode",
    "LoginThrottle",
    "OperatorSession",
    "PasswordChange",
    "CompartmentState",
    "CompartmentStateValue",
    "ParcelState",
    "ParcelStateValue",
]
