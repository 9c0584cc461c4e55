"""Commands to boards: queued with the decision, sealed (counter + signature) when published."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from cloud.core.clock import to_ms
from cloud.core.config import Settings, get_settings
from cloud.models import Locker, OutboxMessage
from cloud.services.errors import Conflict, NotFound
from protocol import wire

_WORST_ENVELOPE = {"ctr": 2**53 - 1, "exp": 2**53 - 1}  # the longest counter and expiry
_PROBE_KEY = bytes(32)
# State the board must reach however long it is away: these wait for it (sync_command_ttl_s).
# `ack` and `open` make sense only now (command_ttl_s); a `credential` lives as long as its PIN.
# Commands that describe state (and acks, which only ever drop events the cloud holds) may
# arrive days late and still be right; only a remote `open` must be fresh.
SYNC_TYPES = frozenset({"reserve", "revoke", "couriers", "ack"})
# Optional on the wire (a board takes a command without it as current), required from this cloud.
_REQUIRED_HERE = {"reserve": ("asof",), "credential": ("asof",)}


@dataclass(frozen=True)
class SealedCommand:
    """A command ready to publish: signed with its board's key, counter assigned."""

    message_id: int
    locker_id: str
    counter: int
    topic: str
    payload: bytes


def queue(
    session: Session,
    locker_id: str,
    type: str,
    fields: dict[str, Any],
    now: datetime,
    ttl_s: int | None = None,
    *,
    settings: Settings | None = None,
) -> OutboxMessage:
    """Write a command for `locker_id` to the outbox; it expires `ttl_s` seconds from now
    (default: the type's, see `default_ttl_s`)."""
    _refuse_unsendable(locker_id, type, fields)
    ttl_s = ttl_s if ttl_s is not None else default_ttl_s(type, settings or get_settings())
    message = OutboxMessage(
        locker_id=locker_id,
        type=type,
        body=json.dumps(fields),
        created_at=now,
        expires_at=now + timedelta(seconds=ttl_s),
    )
    session.add(message)
    session.flush()
    return message


def default_ttl_s(type: str, settings: Settings) -> int:
    """How long a command of this type may wait to reach its board."""
    return settings.sync_command_ttl_s if type in SYNC_TYPES else settings.command_ttl_s


def _refuse_unsendable(locker_id: str, type: str, fields: dict[str, Any]) -> None:
    # Checked now, while the cause can still be refused, not at publish time.
    body = {"lkr": locker_id, **_WORST_ENVELOPE, "type": type, **fields}
    missing = [name for name in _REQUIRED_HERE.get(type, ()) if name not in fields]
    if missing:
        raise ValueError(f"not a valid {type} command: missing {missing[0]}")
    try:
        wire.check_command(body)
    except wire.WireError as error:
        raise ValueError(f"not a valid {type} command: {error}") from None
    if len(wire.sign(_PROBE_KEY, body)) > wire.MAX_PAYLOAD:
        raise Conflict(
            "command_too_large",
            f"a {type} command for {locker_id} would exceed {wire.MAX_PAYLOAD} bytes",
        )


def next_sealed(session: Session, now: datetime) -> SealedCommand | None:
    """The oldest pending command, sealed; expired ones on the way are dropped, never sent."""
    while (message := _oldest_pending(session)) is not None:
        if message.expires_at > now:
            return _seal(session, message)
        message.dropped_at = now
        session.flush()
    return None


def _oldest_pending(session: Session) -> OutboxMessage | None:
    # SKIP LOCKED: on PostgreSQL concurrent relays take different rows (SQLite ignores it).
    query = (
        select(OutboxMessage)
        .where(col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.dropped_at).is_(None))
        .order_by(col(OutboxMessage.id))
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return session.exec(query).first()


def _seal(session: Session, message: OutboxMessage) -> SealedCommand:
    # FOR NO KEY UPDATE: counters are taken one at a time, and rows that merely reference the
    # locker (new parcels, inbox and outbox rows) are not held up.
    locker = session.get(Locker, message.locker_id, with_for_update={"key_share": True})
    if message.counter is None:
        locker.command_counter += 1
        message.counter = locker.command_counter
        session.flush()
    body = {
        "lkr": locker.id,
        "ctr": message.counter,
        "exp": to_ms(message.expires_at),
        "type": message.type,
        **json.loads(message.body),
    }
    payload = wire.sign(bytes.fromhex(locker.device_key), body)
    return SealedCommand(
        message.id, locker.id, message.counter, wire.topic(locker.id, "commands"), payload
    )


def mark_sent(session: Session, message_id: int, now: datetime) -> None:
    """Record that the broker accepted the command (after its PUBACK)."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("outbox_message", message_id)
    message.sent_at = now
    session.flush()


def pending(session: Session, locker_id: str) -> list[OutboxMessage]:
    """The commands for a locker that are neither sent nor dropped, oldest first."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.locker_id == locker_id,
            col(OutboxMessage.sent_at).is_(None),
            col(OutboxMessage.dropped_at).is_(None),
        )
        .order_by(col(OutboxMessage.id))
    )
    return list(session.exec(query).all())
