# The board's clock and its health figures, over MicroPython's `time`, `gc` and `machine`: the
# Board holds one of each for its whole life, so they live in a module that stays resident
# (firmware/board/startup.py, which makes them, goes after boot).
import gc
import time

# MicroPython ports count wall time from 1970 or from 2000; the wire speaks Unix ms.
EPOCH_OFFSET_S = 946684800 if time.gmtime(0)[0] == 2000 else 0


class Clock:
    def ticks_ms(self):
        return time.ticks_ms()

    def wall_ms(self):
        return (time.time() + EPOCH_OFFSET_S) * 1000


class System:
    def __init__(self, machine, wifi, causes):
        self.machine = machine
        self.wifi = wifi  # None on a wired link: no signal to report
        self.causes = causes  # machine.reset_cause() value -> its name on the wire

    def free_heap(self):
        return gc.mem_free()

    def rssi(self):
        return self.wifi.rssi() if self.wifi is not None else None

    def reset_cause(self):
        return self.causes.get(self.machine.reset_cause(), "unknown")
