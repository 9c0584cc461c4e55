"""Time as the cloud stores it: naive datetimes in UTC, alike on SQLite and PostgreSQL."""
from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1)
_ONE_MS = timedelta(milliseconds=1)


def utcnow() -> datetime:
    """The current time as a naive UTC datetime."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_ms(moment: datetime) -> int:
    """A naive UTC datetime as milliseconds since the Unix epoch (the wire's time unit)."""
    return (moment - _EPOCH) // _ONE_MS


def from_ms(ms: int) -> datetime:
    """Milliseconds since the Unix epoch as a naive UTC datetime."""
    return _EPOCH + ms * _ONE_MS
