# Keeps the board on WiFi: reconnects with backoff and sets the clock from NTP once online
# (credential expiry and command expiry are checked against wall time).
import asyncio


class WifiKeeper:
    check_s = 5
    connect_timeout_s = 20
    poll_s = 0.5  # how often a join in progress is looked at
    min_backoff_s = 1
    max_backoff_s = 60

    def __init__(self, wlan, ssid, password, set_clock=None):
        self.wlan, self.ssid, self.password = wlan, ssid, password
        self.set_clock = set_clock  # ntptime.settime on a board
        self.clock_set = False

    async def run(self):
        backoff = self.min_backoff_s
        while True:
            if self.wlan.isconnected() or await self._connect():
                backoff = self.min_backoff_s
                self._sync_clock()
                await asyncio.sleep(self.check_s)
            else:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff_s)

    async def _connect(self):
        self.wlan.active(True)
        self.wlan.connect(self.ssid, self.password)
        for _ in range(max(1, int(self.connect_timeout_s / self.poll_s))):
            if self.wlan.isconnected():
                return True
            await asyncio.sleep(self.poll_s)
        self.wlan.disconnect()
        return False

    def _sync_clock(self):
        if self.clock_set or self.set_clock is None:
            return
        try:
            self.set_clock()
            self.clock_set = True
        except Exception:  # NTP over UDP fails now and then; try again on the next check
            pass

    def rssi(self):
        try:
            return self.wlan.status("rssi") if self.wlan.isconnected() else 0
        except Exception:
            return 0
