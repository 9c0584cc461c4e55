# The board's health for the operators: firmware version, uptime, why it last reset, free
# heap, WiFi signal, how often the broker link was lost, and whether it runs in safe mode.
from protocol import wire


def telemetry_payload(locker_id, key, now_ms, system, firmware, uptime_ms, reconnects, mode):
    """A signed telemetry message; `system` answers free_heap(), rssi() and reset_cause()."""
    body = {
        "lkr": locker_id,
        "t": now_ms,
        "type": "telemetry",
        "fw": firmware,
        "up": uptime_ms,
        "reset": system.reset_cause(),
        "heap": system.free_heap(),
        "rssi": system.rssi(),
        "reconn": reconnects,
        "mode": mode,
    }
    return wire.sign(key, body)
