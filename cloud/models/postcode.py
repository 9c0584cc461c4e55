"""Where a postcode is: its centroid, from the operator's CSV (cloud/services/postcodes.py), so
a carrier may pre-advise to a recipient's postcode instead of a locker."""

from pydantic import model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

COUNTRY_PATTERN = r"^[A-Z]{2}$"  # ISO 3166-1 alpha-2
POSTCODE_LENGTH = 12  # the longest national postcodes have 10 characters, spaces removed


class PostcodeCentroid(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("country", "postcode"),)

    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(max_length=2)
    postcode: str = Field(max_length=POSTCODE_LENGTH)  # normalised: upper case, no spaces
    latitude: float
    longitude: float


class DeliveryPoint(SQLModel):
    """Where the recipient is: coordinates, or a postcode the operator's table knows."""

    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    postcode: str | None = Field(default=None, min_length=2, max_length=16)
    country: str | None = Field(default=None, schema_extra={"pattern": COUNTRY_PATTERN})

    @model_validator(mode="after")
    def _one_way_to_say_where(self) -> "DeliveryPoint":
        coordinates = (self.latitude is not None, self.longitude is not None)
        if coordinates[0] != coordinates[1]:
            raise ValueError("give both latitude and longitude, or neither")
        if all(coordinates) == bool(self.postcode):
            raise ValueError("give coordinates or a postcode (with its country), not both")
        if self.postcode and not self.country:
            raise ValueError("a postcode needs its country (ISO 3166-1 alpha-2, e.g. DE)")
        return self


class LockerOption(SQLModel):
    """A locker the cloud considered for a parcel, and what came of it."""

    locker_id: str
    distance_m: int | None  # from the delivery point (or the full locker); None: no coordinates
    outcome: str  # chosen, full, no compartment fits, busy, beyond walking distance, ...


class Placement(SQLModel):
    """Why the parcel went where it went: the answer to a pre-advice by address, or of a
    redirect away from a full locker."""

    locker_id: str
    distance_m: int | None
    redirected_from: str | None = None  # the locker the carrier named, found full
    considered: list[LockerOption] = []
