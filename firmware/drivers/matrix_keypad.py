# A membrane keypad scanned row by row: drive one row low, read which columns follow it.
# Rows should be open-drain outputs (Pin.OPEN_DRAIN) so two keys in one column never short a
# low row to a high one; columns are inputs with pull-ups.
from firmware.drivers.ticks import ticks_diff

KEYS_3X4 = "123456789*0#"  # row by row, as printed on the keypad
KEYS_4X4 = "123A456B789C*0#D"


class MatrixKeypad:
    # membrane and dome keys bounce for a few ms (the Arduino Keypad library's default debounce
    # is 10 ms too); every ms here is keypad-to-pulse latency, a whole poll period on top
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
        self._down = [False] * n  # debounced state, per key
        self._seen = [False] * n  # last raw reading, per key, and since when it held
        self._seen_at = [0] * n

    def poll(self, now_ms):
        """Keys newly pressed (debounced) since the last poll, each once per press."""
        reading = self._scan()
        if reading is None:
            return []
        pressed = []
        for i in range(len(reading)):
            if reading[i] != self._seen[i]:
                self._seen[i] = reading[i]
                self._seen_at[i] = now_ms  # a bounce restarts this key's window only
            elif (
                reading[i] != self._down[i]
                and ticks_diff(now_ms, self._seen_at[i]) >= self.debounce_ms
            ):
                self._down[i] = reading[i]
                if reading[i]:
                    pressed.append(self._keys[i])
        return pressed

    def _scan(self):
        reading = []
        row_cols = []
        for row in self._rows:
            row.value(0)
            cols = [col.value() == 0 for col in self._cols]
            row.value(1)
            reading.extend(cols)
            row_cols.append(cols)
        return None if _ghosting(row_cols) else reading


def _ghosting(row_cols):
    # Without diodes, three keys on the corners of a rectangle make the fourth read as pressed.
    # Two rows sharing two pressed columns is that rectangle: trust no key of such a scan.
    for a in range(len(row_cols)):
        for b in range(a + 1, len(row_cols)):
            shared = 0
            for c in range(len(row_cols[a])):
                if row_cols[a][c] and row_cols[b][c]:
                    shared += 1
            if shared > 1:
                return True
    return False
