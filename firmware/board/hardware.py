# The locker bank's parts as the runtime sees them: polled into core events, and the core's
# actions carried out on them.
from firmware.core.actions import BEEP, PULSE, SHOW

# events built as tuples here, not by events.py's makers: the board build cuts those
from firmware.core.events import CODE_SCANNED, DOOR_CLOSED, DOOR_OPENED, KEY_PRESSED
from firmware.drivers.door_bank import OPENED


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
        self.locks = locks  # a LockBank: the compartments' solenoids
        self.doors = doors  # a DoorBank: the compartments' reed switches
        self.keypad, self.scanner = keypad, scanner
        self.buzzer, self.led, self.display = buzzer, led, display
        self.expanders = expanders

    def poll(self, now_ms):
        """The events the parts report now; also ends lock pulses and beeps that are due."""
        for expander in self.expanders:
            expander.refresh()  # one I2C read per chip per cycle, not one per pin
        self.locks.poll(now_ms)
        events = self._door_events(now_ms)
        if self.keypad:
            events += [(KEY_PRESSED, key) for key in self.keypad.poll(now_ms)]
        if self.scanner:
            events += [(CODE_SCANNED, code) for code in self.scanner.poll()]
        for part in (self.buzzer, self.led):
            if part:
                part.poll(now_ms)
        return events

    def _door_events(self, now_ms):
        return [
            (DOOR_OPENED if change == OPENED else DOOR_CLOSED, number)
            for number, change in self.doors.poll(now_ms)
        ]

    def carry_out(self, action, now_ms):
        kind = action[0]
        if kind == PULSE:
            self.locks.pulse(action[1], action[2], now_ms)  # a lock the bank lacks: nothing
        elif kind == SHOW and self.display:
            self.display.show(action[1])
        elif kind == BEEP and self.buzzer:
            self.buzzer.beep(action[1], now_ms)

    def all_off(self):
        self.locks.all_off()  # safe state: no solenoid stays energised when the runtime stops
