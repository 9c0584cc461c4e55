# A membrane keypad scanned row by row: drive one row low, read which columns follow it.
# Rows should be open-drain outputs (Pin.OPEN_DRAIN) so two keys in one column never short a
# low row to a high one; columns are inputs with pull-ups.
# Debounced eager on press, deferred on release (QMK's asym_eager_defer_pk): contact bounce
# only happens on a key that is really moving, so a press counts at the first scan that reads
# it (a second scan at once confirms it: a spike shorter than a scan is no press), and the
# release counts once it has held debounce_ms (a release bounce is never a second press).
# Keypad-to-pulse then waits one poll period at most, not a period plus the debounce.
from firmware.drivers.ticks import ticks_diff

KEYS_3X4 = "123456789*0#"  # row by row, as printed on the keypad
KEYS_4X4 = "123A456B789C*0#D"


class MatrixKeypad:
    # membrane and dome keys bounce for a few ms (the Arduino Keypad library's default debounce
    # is 10 ms too); it delays only the release, so it costs no keypad-to-pulse latency
    debounce_ms = 10

    def __init__(self, rows, cols, keys):
        if len(keys) != len(rows) * len(cols):
            raise ValueError("keys must name every row x column crossing")
        self._rows = rows
        self._cols = cols
        self._keys = keys
        for row in rows:
            row.value(1)  # idle high (released): only the row being scanned is low
        n = len(keys)
        self._masks = [0] * len(rows)  # the last scan: a bit per column read low, per row
        self._down = bytearray(n)  # debounced state, per key
        self._seen = bytearray(n)  # last raw reading, per key, and since when it held
        self._seen_at = [0] * n
        self._idle = True  # no key down or settling: a scan that reads nothing needs no more

    def poll(self, now_ms):
        """Keys newly pressed since the last poll, each once per press."""
        held = self._scan()
        if held < 0 or (not held and self._idle):
            return []  # a scan with a ghost in it is trusted for no key; an idle keypad is done
        pressed = []
        idle = True
        for i in range(len(self._keys)):
            reading = self._reads_down(i)
            if reading != self._seen[i]:
                self._seen[i] = reading
                self._seen_at[i] = now_ms  # a bounce restarts this key's release window
            if reading and not self._down[i]:
                pressed.append(i)
            elif (
                self._down[i]
                and not reading
                and ticks_diff(now_ms, self._seen_at[i]) >= self.debounce_ms
            ):
                self._down[i] = 0
            if reading or self._down[i]:
                idle = False
        self._idle = idle
        return self._confirmed(pressed) if pressed else pressed

    def _confirmed(self, candidates):
        # a second scan right away: what it still reads down is a press, not a spike
        if self._scan() < 0:
            return []
        pressed = []
        for i in candidates:
            if self._reads_down(i):
                self._down[i] = 1
                pressed.append(self._keys[i])
        return pressed

    def _reads_down(self, i):
        n_cols = len(self._cols)
        return (self._masks[i // n_cols] >> (i % n_cols)) & 1

    def _scan(self):
        """Fills the row masks; the keys read down (OR of the masks), or -1 if ghosting."""
        held = 0
        for r in range(len(self._rows)):  # in place, no list per scan: it runs every poll
            row = self._rows[r]
            row.value(0)
            mask = 0
            for c in range(len(self._cols)):
                if self._cols[c].value() == 0:
                    mask |= 1 << c
            row.value(1)
            self._masks[r] = mask
            held |= mask
        return -1 if held and _ghosting(self._masks) else held


def _ghosting(masks):
    # Without diodes, three keys on the corners of a rectangle make the fourth read as pressed.
    # Two rows sharing two pressed columns is that rectangle: trust no key of such a scan.
    for a in range(len(masks)):
        for b in range(a + 1, len(masks)):
            shared = masks[a] & masks[b]
            if shared & (shared - 1):  # more than one bit
                return True
    return False
