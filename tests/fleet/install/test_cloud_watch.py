"""When the installer calls a board up: online, with telemetry newer than before the reset."""

from fleet.install.cloud_watch import is_up, summary

LOCKER = {
    "online": True,
    "telemetry_at": "2026-12-05T12:00:01",
    "firmware_version": "0.13.0",
    "free_heap": 61234,
    "wifi_rssi": -61,
    "compartments": [
        {"number": 1, "size": "S", "state": "free"},
        {"number": 2, "size": "M", "state": "occupied"},
    ],
}


def test_up_needs_online_and_a_new_telemetry():
    assert is_up(LOCKER, None)
    assert not is_up(LOCKER, "2026-12-05T12:00:01")  # the report of the board before
    assert not is_up(dict(LOCKER, online=False), None)
    assert not is_up(dict(LOCKER, telemetry_at=None), None)
    assert not is_up(None, None)


def test_the_summary_names_firmware_heap_signal_and_compartments():
    lines = summary(LOCKER, [{"kind": "conflict", "detail": "board: free; cloud: occupied"}])
    assert lines == [
        "firmware 0.13.0, free heap 61234 bytes, WiFi signal -61 dBm",
        "compartments: 1 M, 1 S (1 free, 1 occupied)",
        "alarm: conflict (board: free; cloud: occupied)",
    ]
    assert summary(LOCKER, [])[-1] == "no open alarm: the board's inventory agrees with the cloud"
