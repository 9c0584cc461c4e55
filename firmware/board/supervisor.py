# The watchdog is fed only while every task shows it is alive (mqtt_as's rule: never feed it
# from the publish loop). A stalled task stops the feeding and the hardware watchdog resets
# the board.
import asyncio

from firmware.drivers.ticks import ticks_diff


class Supervisor:
    check_s = 1

    def __init__(self, watchdog, ticks_ms):
        self.watchdog = watchdog  # machine.WDT on a board: .feed()
        self.ticks_ms = ticks_ms
        self._limits = {}  # task name -> longest allowed silence in ms
        self._beats = {}

    def watch(self, name, limit_ms):
        self._limits[name] = limit_ms
        self._beats[name] = self.ticks_ms()

    def beat(self, name):
        self._beats[name] = self.ticks_ms()

    def stalled(self):
        """Names of the tasks silent for longer than they may be."""
        now = self.ticks_ms()
        return [
            name
            for name, limit in self._limits.items()
            if ticks_diff(now, self._beats[name]) > limit
        ]

    async def run(self):
        while True:
            if not self.stalled():
                self.watchdog.feed()
            await asyncio.sleep(self.check_s)
