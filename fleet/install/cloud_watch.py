"""Step 5: the cloud sees the board online. GET /api/v1/lockers/{id} says `online` (the
board's signed birth message, applied by the bridge) and `telemetry_at` (its first report,
sent the moment its link is up); the inventory it sends on connect leaves no timestamp in the
cloud, only its findings (a state adopted, or a `conflict` alarm: cloud/services/reconcile.py),
so the installer reads the open alarms of the locker after it is online."""

import time
from collections import Counter

import httpx

from fleet.install.errors import InstallError

TO_CHECK = (
    "the WiFi name and password (--wifi-ssid, --wifi-password)",
    "that the broker %s is reachable from the board's network",
    "the board's clock (NTP reachable? a certificate is not valid before its date)",
    "the board's certificate (mqtts: issued by the CA the broker trusts, not revoked)",
)


def read_locker(api, locker_id, headers, step="online"):
    """The locker as the cloud shows it, or None if the cloud does not know it; InstallError
    (at `step`) when the cloud cannot be reached or refuses the token."""
    try:
        response = httpx.get(
            "%s/api/v1/lockers/%s" % (api.rstrip("/"), locker_id), headers=headers, timeout=10
        )
    except httpx.HTTPError as error:
        raise InstallError(step, "the cloud at %s does not answer: %s" % (api, error)) from None
    if response.status_code == 404:
        return None
    if response.status_code in (401, 403):
        raise InstallError(
            step,
            "the cloud at %s refused the token (%d): give an operator's token with --token or "
            "LOCKER_API_TOKEN" % (api, response.status_code),
        )
    if response.is_error:
        raise InstallError(
            step, "the cloud at %s answered %d: %s" % (api, response.status_code, response.text)
        )
    return response.json()


def is_up(locker, telemetry_before):
    """Online, and a telemetry report newer than the one the cloud had before the reset."""
    return bool(
        locker
        and locker["online"]
        and locker["telemetry_at"]
        and locker["telemetry_at"] != telemetry_before
    )


def wait_online(api, locker_id, headers, *, telemetry_before, timeout_s, broker, poll_s=0.5):
    """The locker once is_up; InstallError naming what the cloud saw and what to check."""
    deadline = time.monotonic() + timeout_s
    locker = None
    while time.monotonic() < deadline:
        locker = read_locker(api, locker_id, headers)
        if is_up(locker, telemetry_before):
            return locker
        time.sleep(poll_s)
    seen = "online but no telemetry" if locker and locker["online"] else "never online"
    raise InstallError(
        "online",
        "the cloud did not see %s come up in %g s (%s); check %s"
        % (locker_id, timeout_s, seen, "; ".join(TO_CHECK) % broker),
    )


def open_alarms(api, locker_id, headers):
    """The locker's open alarms (after reconnect: what its inventory disagreed with)."""
    try:
        response = httpx.get(
            "%s/api/v1/alarms" % api.rstrip("/"),
            params={"open": "true"},
            headers=headers,
            timeout=10,
        )
        response.raise_for_status()
    except httpx.HTTPError as error:
        raise InstallError("online", "the cloud's alarms at %s: %s" % (api, error)) from None
    return [alarm for alarm in response.json() if alarm["locker_id"] == locker_id]


def summary(locker, alarms):
    """What the installer reads at the end: firmware, heap, signal, compartments."""
    sizes = Counter(c["size"] for c in locker["compartments"])
    states = Counter(c["state"] for c in locker["compartments"])
    lines = [  # LockerDetail carries the latest telemetry's fields
        "firmware %s, free heap %s bytes, WiFi signal %s dBm"
        % (locker["firmware_version"], locker["free_heap"], locker["wifi_rssi"]),
        "compartments: %s (%s)"
        % (
            ", ".join("%d %s" % (n, size) for size, n in sorted(sizes.items())),
            ", ".join("%d %s" % (n, state) for state, n in sorted(states.items())),
        ),
    ]
    lines += ["alarm: %s (%s)" % (alarm["kind"], alarm["detail"]) for alarm in alarms]
    if not alarms:
        lines.append("no open alarm: the board's inventory agrees with the cloud")
    return lines
