"""Times of day local to a depot, turned into the planning clock's seconds.

A plan counts seconds from its `starts_at` (naive UTC, the cloud's clock). Opening hours,
shifts, cut-offs and lockers' access hours are local times of the depot's day."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from cloud.routing.model import UNLIMITED


def local_day(now: datetime, zone: str) -> date:
    """The depot's calendar day at this UTC moment."""
    return now.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone)).date()


def utc_at(day: date, clock: str, zone: str) -> datetime:
    """The naive UTC moment of a local time of day ("06:00"; "24:00" is the day's end)."""
    hours, minutes = (int(part) for part in clock.split(":"))
    local = datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(zone))
    moment = local + timedelta(hours=hours, minutes=minutes)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def seconds_from(zero: datetime, moment: datetime) -> int:
    return int((moment - zero).total_seconds())


def window(zero: datetime, day: date, opens: str, closes: str, zone: str) -> tuple[int, int]:
    """[opens, closes] of `day` in seconds from `zero`; the start clipped to zero (now)."""
    early = seconds_from(zero, utc_at(day, opens, zone))
    late = seconds_from(zero, utc_at(day, closes, zone))
    return max(0, early), late


def access_window(zero: datetime, day: date, access_hours: str, zone: str) -> tuple[int, int]:
    """When a courier can reach a locker on `day`: all day for "24/7"."""
    if access_hours == "24/7":
        return 0, UNLIMITED
    opens, closes = access_hours.split("-")
    return window(zero, day, opens, closes, zone)
