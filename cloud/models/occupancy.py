"""Occupancy history: how full each locker was, per compartment size, sampled now and then."""

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from cloud.models.base import CODE_LENGTH


class OccupancySample(SQLModel, table=True):
    """One locker's compartments of one size at one moment (cloud/admin/occupancy.py)."""

    id: int | None = Field(default=None, primary_key=True)
    locker_id: str = Field(foreign_key="locker.id", index=True, max_length=CODE_LENGTH)
    sampled_at: NaiveDatetime = Field(index=True)
    size: str = Field(max_length=1)
    total: int
    occupied: int  # holding a parcel
    reserved: int  # kept for a parcel on its way
    unavailable: int  # out of service or jammed
