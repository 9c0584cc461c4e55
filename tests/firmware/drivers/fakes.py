"""Small real stand-ins for the board's hardware: pins, a UART, an I2C bus and the chips on it.

They behave like the parts (a pin keeps its level, an MCP23017 keeps its registers, a keypad
matrix conducts through pressed keys), so driver tests check outcomes, not calls."""


class FakePin:
    """A GPIO: `.value()` reads, `.value(v)` drives; every level driven is kept in `history`."""

    def __init__(self, level=0):
        self.level = level
        self.history = []

    def value(self, level=None):
        if level is None:
            return self.level
        self.level = 1 if level else 0
        self.history.append(self.level)


class FakeUart:
    """A UART receive buffer that a test feeds; `.any()` and `.read(n)` as on MicroPython."""

    def __init__(self):
        self.pending = bytearray()
        self.reads = []  # n asked for by each read(n)

    def feed(self, data):
        self.pending.extend(data)

    def any(self):
        return len(self.pending)

    def read(self, n):
        self.reads.append(n)
        if not self.pending:
            return None  # MicroPython's UART.read returns None on timeout with no data
        data, self.pending = bytes(self.pending[:n]), self.pending[n:]
        return data


class FakeI2c:
    """A bus with devices at addresses; records every transaction as (kind, address, bytes)."""

    def __init__(self):
        self.devices = {}
        self.transactions = []

    def attach(self, address, device):
        self.devices[address] = device
        return device

    def writeto(self, address, buf):
        self.transactions.append(("write", address, bytes(buf)))
        self._device(address).write(bytes(buf))

    def readfrom_mem(self, address, register, n):
        self.transactions.append(("read", address, bytes((register, n))))
        return self._device(address).read(register, n)

    def writes_to(self, address):
        return [data for kind, a, data in self.transactions if kind == "write" and a == address]

    def _device(self, address):
        if address not in self.devices:
            raise OSError(19)  # ENODEV: what MicroPython raises when nothing acknowledges
        return self.devices[address]


class FakeMcp23017:
    """The chip's registers (IOCON.BANK = 0) and its 16 pins, with external levels to drive."""

    IODIR, GPPU, GPIO, OLAT = 0x00, 0x0C, 0x12, 0x14

    def __init__(self):
        self.registers = bytearray(0x16)
        self.registers[0x00] = self.registers[0x01] = 0xFF  # power-on: all inputs
        self.external = {}  # pin -> level driven from outside (a reed switch to ground)

    def write(self, data):
        register = data[0]
        for byte in data[1:]:
            if register in (self.GPIO, self.GPIO + 1):
                register += 2  # writing GPIO writes the output latch
            self.registers[register] = byte
            register += 1

    def read(self, register, n):
        return bytes(self._read_one(register + i) for i in range(n))

    def word(self, register):
        return self.registers[register] | (self.registers[register + 1] << 8)

    def is_output(self, pin):
        return not self.word(self.IODIR) >> pin & 1

    def level(self, pin):
        """The electrical level on the pin."""
        if self.is_output(pin):
            return self.word(self.OLAT) >> pin & 1
        if pin in self.external:
            return self.external[pin]
        return self.word(self.GPPU) >> pin & 1  # pulled up, or floating (read as 0)

    def _read_one(self, register):
        if register in (self.GPIO, self.GPIO + 1):
            base = 8 * (register - self.GPIO)
            return sum(self.level(base + i) << i for i in range(8))
        return self.registers[register]


class FakeSsd1306:
    """The panel: decodes command and data streams into `on` and the display RAM."""

    ARGS = {
        0x20: 1,
        0x21: 2,
        0x22: 2,
        0x81: 1,
        0x8D: 1,
        0xA8: 1,
        0xD3: 1,
        0xD5: 1,
        0xD9: 1,
        0xDA: 1,
        0xDB: 1,
    }

    def __init__(self, width=128, height=32):
        self.width = width
        self.pages = height // 8
        self.ram = bytearray(width * self.pages)
        self.on = False
        self.commands = []  # (command, args) in order
        self.columns = (0, width - 1)
        self.page_range = (0, self.pages - 1)
        self.column = self.page = 0

    def write(self, data):
        control, payload = data[0], data[1:]
        if control == 0x00:
            self._commands(payload)
        elif control == 0x40:
            for byte in payload:
                self._data(byte)
        else:
            raise AssertionError("unexpected control byte %#x" % control)

    def pixel(self, x, y):
        return self.ram[(y // 8) * self.width + x] >> (y % 8) & 1

    def _commands(self, payload):
        i = 0
        while i < len(payload):
            command = payload[i]
            n = self.ARGS.get(command, 0)
            args = tuple(payload[i + 1 : i + 1 + n])
            assert len(args) == n, "command %#x cut short" % command
            self.commands.append((command, args))
            if command in (0xAE, 0xAF):
                self.on = command == 0xAF
            elif command == 0x21:
                self.columns = args
                self.column = args[0]
            elif command == 0x22:
                self.page_range = args
                self.page = args[0]
            i += 1 + n

    def _data(self, byte):  # horizontal addressing mode within the column/page window
        self.ram[self.page * self.width + self.column] = byte
        self.column += 1
        if self.column > self.columns[1]:
            self.column = self.columns[0]
            self.page = self.page + 1 if self.page < self.page_range[1] else self.page_range[0]


class FakeKeypadMatrix:
    """A diode-less key matrix: rows are pins the driver drives, columns read high (pull-up)
    unless a chain of pressed keys connects them to a row driven low — ghosts included."""

    def __init__(self, n_rows, n_cols):
        self.rows = [FakePin(1) for _ in range(n_rows)]
        self.cols = [_MatrixColumn(self, c) for c in range(n_cols)]
        self.pressed = set()  # (row, col)
        self.most_rows_low = 0  # the most rows ever driven low at the same time

    def press(self, row, col):
        self.pressed.add((row, col))

    def release(self, row, col):
        self.pressed.discard((row, col))

    def column_level(self, col):
        lows = sum(1 for row in self.rows if row.level == 0)
        self.most_rows_low = max(self.most_rows_low, lows)
        seen_rows, seen_cols, todo = set(), {col}, [col]
        while todo:  # everything this column is wired to through pressed keys
            c = todo.pop()
            for r, kc in self.pressed:
                if kc == c and r not in seen_rows:
                    seen_rows.add(r)
                    for r2, c2 in self.pressed:
                        if r2 == r and c2 not in seen_cols:
                            seen_cols.add(c2)
                            todo.append(c2)
        return 0 if any(self.rows[r].level == 0 for r in seen_rows) else 1


class _MatrixColumn:
    def __init__(self, matrix, col):
        self._matrix = matrix
        self._col = col

    def value(self):
        return self._matrix.column_level(self._col)
