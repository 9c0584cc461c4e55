# The locker bank's parts as the runtime sees them: polled into core events, and the core's
# actions carried out on them.
from firmware.core.actions import Beep, Pulse, Show
from firmware.core.events import CodeScanned, DoorClosed, DoorOpened, KeyPressed
from firmware.drivers.door_sensor import OPENED


class Hardware:
    def __init__(
        self,
        locks,
        doors,
        keypad=None,
        scanner=None,
        buzzer=None,
        led=None,
        display=None,
        expanders=(),
    ):
        self.locks = locks  # {compartment number: SolenoidLock}
        self.doors = doors  # {compartment number: DoorSensor}
        self.keypad, self.scanner = keypad, scanner
        self.buzzer, self.led, self.display = buzzer, led, display
        self.expanders = expanders

    def poll(self, now_ms):
        """The events the parts report now; also ends lock pulses and beeps that are due."""
        for expander in self.expanders:
            expander.refresh()  # one I2C read per chip per cycle, not one per pin
        for lock in self.locks.values():
            lock.poll(now_ms)
        events = self._door_events(now_ms)
        if self.keypad:
            events += [KeyPressed(key) for key in self.keypad.poll(now_ms)]
        if self.scanner:
            events += [CodeScanned(code) for code in self.scanner.poll()]
        for part in (self.buzzer, self.led):
            if part:
                part.poll(now_ms)
        return events

    def _door_events(self, now_ms):
        events = []
        for number, door in self.doors.items():
            change = door.poll(now_ms)
            if change:
                events.append(DoorOpened(number) if change == OPENED else DoorClosed(number))
        return events

    def carry_out(self, action, now_ms):
        if isinstance(action, Pulse):
            lock = self.locks.get(action.cmp)
            if lock:
                lock.pulse(action.ms, now_ms)
        elif isinstance(action, Show) and self.display:
            self.display.show(action.text)
        elif isinstance(action, Beep) and self.buzzer:
            self.buzzer.beep(action.kind, now_ms)

    def all_off(self):
        for lock in self.locks.values():
            try:
                lock.off()  # safe state: no solenoid stays energised when the runtime stops
            except OSError:  # one expander not answering must not keep the others' locks on
                pass
