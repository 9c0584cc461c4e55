"""Device messages into domain-service calls, each in one transaction (cloud.db.transaction:
committed when the handler ends, rolled back when it raises, at the message's time)."""

from cloud.board_events import OutOfOrder, apply_device_event
from cloud.db import transaction
from cloud.models import Locker
from cloud.services import devices, reconcile
from protocol import wire

__all__ = [
    "OutOfOrder",
    "Rejected",
    "handle_event",
    "handle_inventory",
    "handle_status",
    "handle_telemetry",
]


class Rejected(ValueError):
    """A device message that is dropped: unknown sender, bad signature or malformed."""


def handle_event(engine, locker_id, payload, now, settings=None):
    """Verify, apply once, acknowledge. True if newly applied, False for a repeat; OutOfOrder
    (nothing stored, nothing acknowledged) for an event whose predecessor is not applied yet."""
    with transaction(engine, now=now) as session:
        locker = _sender(session, locker_id, "event")
        body = _verified(locker, payload, wire.check_event, "event")
        applied = apply_device_event(session, locker, body, now, settings=settings)
        return applied


def _sender(session, locker_id, what):
    locker = session.get(Locker, locker_id)
    if locker is None:
        raise Rejected("%s from unknown locker %s" % (what, locker_id))
    return locker


def _verified(locker, payload, check, what):
    try:
        body = check(wire.open_signed(bytes.fromhex(locker.device_key), payload))
    except wire.WireError as error:
        raise Rejected("%s from %s refused: %s" % (what, locker.id, error)) from None
    if body["lkr"] != locker.id:
        raise Rejected("%s on %s's topic names locker %s" % (what, locker.id, body["lkr"]))
    return body


def handle_telemetry(engine, locker_id, payload, now):
    """Keep the board's latest health report, signed like its events."""
    with transaction(engine, now=now) as session:
        locker = _sender(session, locker_id, "telemetry")
        body = _verified(locker, payload, wire.check_telemetry, "telemetry")
        devices.record_telemetry(session, locker, body, now)


def handle_inventory(engine, locker_id, payload, now):
    """Compare the board's signed inventory with the cloud's view (alarms, never overwrites)."""
    with transaction(engine, now=now) as session:
        locker = _sender(session, locker_id, "inventory")
        body = _verified(locker, payload, wire.check_inventory, "inventory")
        findings = reconcile.reconcile_inventory(session, locker, body, now)
        return findings


def handle_status(engine, locker_id, payload, now, settings=None):
    """Record the retained online/offline status a board (or its last will) published, signed
    like its events; an online one also queues the board's state again, in the same
    transaction. Rejected (nothing changed) for an unsigned, mis-signed or old status."""
    with transaction(engine, now=now) as session:
        locker = _sender(session, locker_id, "status")
        body = _verified(locker, payload, wire.check_status, "status")
        if (body["conn"], body["online"]) == (locker.status_conn, locker.online):
            return  # applied already: the retained status again (a worker reconnected), or
            # another worker of the group (each hears every status) took it first
        if not devices.record_status(
            session, locker, body["online"], body["conn"], now, settings=settings
        ):
            raise Rejected(
                "status of %s for connection %d is older than the last one applied (%d)"
                % (locker_id, body["conn"], locker.status_conn)
            )
