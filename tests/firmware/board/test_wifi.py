"""WiFi: reconnects with backoff, sets the clock once online, reports the signal."""

import asyncio

from firmware.board.wifi import WifiKeeper


class FakeWlan:
    """An access point that accepts the board on its `accept_after`-th attempt."""

    def __init__(self, accept_after=1):
        self.attempts, self.accept_after, self.up = 0, accept_after, False

    def active(self, on):
        pass

    def connect(self, ssid, password):
        self.attempts += 1
        self.up = self.attempts >= self.accept_after

    def disconnect(self):
        self.up = False

    def isconnected(self):
        return self.up

    def status(self, what):
        assert what == "rssi"
        return -61


class FastKeeper(WifiKeeper):
    check_s = 0.01
    connect_timeout_s = 0.05
    poll_s = 0.01
    min_backoff_s = 0.01
    max_backoff_s = 0.02


def _run(keeper, seconds):
    async def main():
        task = asyncio.create_task(keeper.run())
        await asyncio.sleep(seconds)
        task.cancel()

    asyncio.run(main())


def test_keeps_trying_until_the_access_point_accepts_then_sets_the_clock_once():
    wlan, clock_sets = FakeWlan(accept_after=3), []
    keeper = FastKeeper(wlan, "ssid", "secret", lambda: clock_sets.append(1))
    _run(keeper, 0.5)
    assert wlan.attempts == 3 and wlan.isconnected() and clock_sets == [1] and keeper.rssi() == -61


def test_a_failing_ntp_is_tried_again_and_never_stops_the_board():
    calls = []

    def flaky_ntp():
        calls.append(1)
        if len(calls) < 3:
            raise OSError("ETIMEDOUT")

    keeper = FastKeeper(FakeWlan(), "ssid", "secret", flaky_ntp)
    _run(keeper, 0.3)
    assert len(calls) == 3 and keeper.clock_set


def test_rssi_is_zero_while_offline():
    assert FastKeeper(FakeWlan(accept_after=99), "s", "p").rssi() == 0
