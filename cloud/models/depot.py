"""Depots the vans leave from, the kinds of vehicle, and the vehicles each depot has."""

from pydantic import NaiveDatetime, field_validator
from sqlmodel import Field, SQLModel

from cloud.core.clock import utcnow
from cloud.models.base import CODE_LENGTH, CODE_PATTERN

CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"  # "06:00": a time of day, local to the depot
# A locker's access hours: open all day, or from one time of day to a later one ("09:00-20:00").
ACCESS_PATTERN = r"^(24/7|([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9])$"
MAX_CUTOFFS = 12


class DepotBase(SQLModel):
    name: str = Field(min_length=1, max_length=100)
    address: str = Field(default="", max_length=255)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    # IANA zone of the depot's city: opening hours, cut-offs and lockers' access hours are local.
    timezone: str = Field(default="UTC", min_length=1, max_length=64)
    opens: str = Field(default="05:00", schema_extra={"pattern": CLOCK_PATTERN}, max_length=5)
    closes: str = Field(default="22:00", schema_extra={"pattern": CLOCK_PATTERN}, max_length=5)
    # Dispatch cut-offs, local times in order: the parcels pre-advised by one leave in its wave.
    cutoffs: str = Field(default="06:00,12:00", max_length=6 * MAX_CUTOFFS)


class DepotCreate(DepotBase):
    id: str = Field(schema_extra={"pattern": CODE_PATTERN}, max_length=CODE_LENGTH)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        return known_zone(zone)

    @field_validator("cutoffs")
    @classmethod
    def _cutoffs(cls, cutoffs: str) -> str:
        return ",".join(parse_cutoffs(cutoffs))


class DepotUpdate(SQLModel):
    """PATCH /api/v1/depots/{id}: only the fields sent change; none may be null."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    address: str | None = Field(default=None, max_length=255)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    timezone: str | None = Field(default=None, min_length=1, max_length=64)
    opens: str | None = Field(default=None, schema_extra={"pattern": CLOCK_PATTERN}, max_length=5)
    closes: str | None = Field(default=None, schema_extra={"pattern": CLOCK_PATTERN}, max_length=5)
    cutoffs: str | None = Field(default=None, max_length=6 * MAX_CUTOFFS)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str | None) -> str | None:
        return None if zone is None else known_zone(zone)

    @field_validator("cutoffs")
    @classmethod
    def _cutoffs(cls, cutoffs: str | None) -> str | None:
        return None if cutoffs is None else ",".join(parse_cutoffs(cutoffs))


class Depot(DepotBase, table=True):
    id: str = Field(primary_key=True, max_length=CODE_LENGTH)
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class DepotPublic(DepotBase):
    id: str
    created_at: NaiveDatetime
    vehicles: dict[str, int] = {}  # vehicle type id -> how many are in service


class VehicleTypeBase(SQLModel):
    name: str = Field(min_length=1, max_length=100)
    capacity_parcels: int = Field(gt=0, le=10_000)
    capacity_litres: int = Field(gt=0, le=100_000)
    speed_kmh: float = Field(gt=0, le=130)  # average in town, stops excluded
    shift_start: str = Field(default="06:00", schema_extra={"pattern": CLOCK_PATTERN}, max_length=5)
    shift_end: str = Field(default="18:00", schema_extra={"pattern": CLOCK_PATTERN}, max_length=5)
    cost_per_km: float = Field(default=0.0, ge=0, le=1000)
    cost_per_hour: float = Field(default=0.0, ge=0, le=10_000)
    co2_g_per_km: float = Field(default=0.0, ge=0, le=5000)
    range_km: float | None = Field(default=None, gt=0, le=5000)  # a cargo bike's, an EV's
    service_minutes: float = Field(default=4.0, ge=0, le=240)  # at a locker, before parcels


class VehicleTypeCreate(VehicleTypeBase):
    id: str = Field(schema_extra={"pattern": CODE_PATTERN}, max_length=CODE_LENGTH)

    @field_validator("shift_end")
    @classmethod
    def _shift_ends_later(cls, end: str, info) -> str:
        start = info.data.get("shift_start")
        if start is not None and end <= start:
            raise ValueError("the shift must end after it starts (same day)")
        return end


class VehicleType(VehicleTypeBase, table=True):
    __tablename__ = "vehicle_type"

    id: str = Field(primary_key=True, max_length=CODE_LENGTH)


class VehicleTypePublic(VehicleTypeBase):
    id: str


class Vehicle(SQLModel, table=True):
    """One vehicle of a depot's fleet: planned, assigned to a courier, broken down."""

    id: str = Field(primary_key=True, max_length=CODE_LENGTH + 8)  # "<depot>-<type>-<n>"
    depot_id: str = Field(foreign_key="depot.id", index=True, max_length=CODE_LENGTH)
    vehicle_type_id: str = Field(foreign_key="vehicle_type.id", max_length=CODE_LENGTH)
    in_service: bool = True  # false: kept out of the plans (broken down, retired)


class VehiclePublic(SQLModel):
    id: str
    depot_id: str
    vehicle_type_id: str
    in_service: bool


class FleetUpdate(SQLModel):
    """How many vehicles of each type a depot has in service: {"e-van": 2, "bike": 1}."""

    vehicles: dict[str, int]

    @field_validator("vehicles")
    @classmethod
    def _counts(cls, vehicles: dict[str, int]) -> dict[str, int]:
        if any(count < 0 or count > 500 for count in vehicles.values()):
            raise ValueError("a depot has between 0 and 500 vehicles of a type")
        return vehicles


class LockerRoutingUpdate(SQLModel):
    """What routing needs of a locker: its depot, where it is, when it can be reached."""

    depot_id: str | None = Field(default=None, max_length=CODE_LENGTH)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    access_hours: str = Field(
        default="24/7", schema_extra={"pattern": ACCESS_PATTERN}, max_length=11
    )


def known_zone(zone: str) -> str:
    """The zone if it is an IANA name this system knows; ValueError naming it otherwise."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {zone!r} (an IANA name such as Europe/Warsaw)")
    return zone


def parse_cutoffs(text: str) -> list[str]:
    """The cut-offs in "06:00,12:00", sorted; ValueError naming the bad one."""
    import re

    found = [part.strip() for part in text.split(",") if part.strip()]
    if not found:
        raise ValueError("give at least one cut-off, e.g. 06:00")
    if len(found) > MAX_CUTOFFS:
        raise ValueError(f"at most {MAX_CUTOFFS} cut-offs a day")
    for part in found:
        if not re.match(CLOCK_PATTERN, part):
            raise ValueError(f"cut-off {part!r} is not a time of day HH:MM")
    return sorted(set(found))
