"""Time as the cloud stores it: naive datetimes in UTC, alike on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta
from typing import Any

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


_SESSION_TIME = "now"  # the key in a session's `info`


def set_session_time(session: Any, now: datetime) -> None:
    """The time of the work done in `session`, set by the layer that opens it (the request's
    session, cloud/db.py's transaction, the bridge's handlers), for what is recorded at flush
    (cloud/services/locker_alarms.py): time is passed in, never read at flush."""
    session.info[_SESSION_TIME] = now


def session_time(session: Any) -> datetime:
    """The time `set_session_time` gave `session`; RuntimeError if its opener gave none."""
    try:
        return session.info[_SESSION_TIME]
    except KeyError:
        raise RuntimeError("this session's work needs its time: set_session_time") from None
