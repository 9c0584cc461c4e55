# A virtual locker bank at the level of wires and chips, for the real board runtime: GPIO pins,
# a keypad matrix, an I2C bus with three MCP23017 expanders, and a UART scanner. The firmware
# drives it through its own drivers, exactly as on a board. Runs on MicroPython (the
# WebAssembly interpreter) and CPython alike, so no dataclasses, f-strings or typing.

_IODIR, _IOCON, _GPPU, _GPIO, _OLAT = 0x00, 0x0A, 0x0C, 0x12, 0x14


class VirtualPin:
    def __init__(self, level=0):
        self.level = level

    def value(self, level=None):
        if level is None:
            return self.level
        self.level = 1 if level else 0


class VirtualUart:
    """The scanner's UART: what a scanned code sends, read by the firmware's CodeScanner."""

    def __init__(self):
        self._buffer = b""

    def feed(self, data):
        self._buffer += data

    def any(self):
        return len(self._buffer)

    def read(self, n=None):
        if not self._buffer:
            return None
        n = len(self._buffer) if n is None else n
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data


class VirtualMcp23017:
    """The registers the firmware's Mcp23017 driver uses (IOCON.BANK = 0, sequential access)."""

    def __init__(self, on_output=None):
        self.registers = bytearray(0x16)
        self.registers[_IODIR] = self.registers[_IODIR + 1] = 0xFF  # power-on: all inputs
        self.inputs = 0xFFFF  # levels outside drives onto input pins (pulled up: 1)
        self.on_output = on_output  # called (pin, level) when a driven output changes

    def write(self, data):
        before = self._outputs()
        register = data[0]
        for i in range(1, len(data)):
            self.registers[(register + i - 1) % len(self.registers)] = data[i]
        after = self._outputs()
        if after != before and self.on_output:
            for pin in range(16):
                if (after ^ before) & (1 << pin):
                    self.on_output(pin, (after >> pin) & 1)

    def _outputs(self):
        latch = self.registers[_OLAT] | (self.registers[_OLAT + 1] << 8)
        directions = self.registers[_IODIR] | (self.registers[_IODIR + 1] << 8)
        return latch & ~directions & 0xFFFF

    def read(self, register, n):
        out = bytearray(n)
        for i in range(n):
            reg = register + i
            out[i] = self._gpio(reg - _GPIO) if reg in (_GPIO, _GPIO + 1) else self.registers[reg]
        return bytes(out)

    def _gpio(self, port):
        directions = self.registers[_IODIR + port]
        latch = self.registers[_OLAT + port]
        outside = (self.inputs >> (8 * port)) & 0xFF
        return (outside & directions) | (latch & ~directions & 0xFF)

    def output(self, pin):
        """The level the chip drives on `pin` (0 when the pin is an input)."""
        return (self._outputs() >> pin) & 1

    def set_input(self, pin, level):
        self.inputs = self.inputs | (1 << pin) if level else self.inputs & ~(1 << pin)


class VirtualI2c:
    def __init__(self, devices):
        self.devices = devices  # {address: device}

    def writeto(self, address, buf):
        self._device(address).write(bytes(buf))
        return len(buf)

    def readfrom_mem(self, address, register, n):
        return self._device(address).read(register, n)

    def _device(self, address):
        if address not in self.devices:
            raise OSError(19)  # ENODEV, as a real bus answers when nothing acknowledges
        return self.devices[address]


class VirtualKeypad:
    """A key matrix: a column reads low while a pressed key joins it to a row driven low."""

    def __init__(self, keys, columns):
        self.keys, self.columns = keys, columns
        self.rows = [VirtualPin(1) for _ in range(4)]
        self.pressed = None  # one finger at a time is enough for a person at a locker

    def column(self, col):
        return _Column(self, col)

    def level(self, col):
        if self.pressed is None:
            return 1
        index = self.keys.index(self.pressed)
        row, key_col = index // self.columns, index % self.columns
        return 0 if key_col == col and self.rows[row].level == 0 else 1


class _Column:
    def __init__(self, keypad, col):
        self.keypad, self.col = keypad, col

    def value(self, level=None):
        return self.keypad.level(self.col)


class VirtualBank:
    """The whole bank: the `parts` factory firmware/board/wiring.py builds from, and the
    physical world a courier, a recipient or a test acts on (keys, doors, scanner)."""

    latch_grace_ms = 3000  # a person needs a moment to pull the door after the click

    def __init__(self, profile, expander_pins, addresses, keys, columns, ticks_ms):
        self.profile, self.expander_pins, self.ticks_ms = profile, expander_pins, ticks_ms
        self.chips = {}
        for address in addresses:
            self.chips[address] = VirtualMcp23017(self._watcher(address))
        self.keypad = VirtualKeypad(keys, columns)
        self.scanner = VirtualUart()
        self.pins = {}
        self.pulses = []  # (compartment, ticks) of the latest times a lock was energised
        self.pulse_count = 0  # all of them, ever
        self.on_pulse = None  # called (compartment) each time a lock is energised
        self._lock_of = {}
        for name, (address, pin) in expander_pins.items():
            if name.startswith("lock_"):
                self._lock_of[(address, pin)] = int(name[5:])
            else:
                self.chips[address].set_input(pin, 0)  # every door starts closed: reed closed

    # the parts factory -----------------------------------------------------------------
    def pin(self, gpio, output, open_drain=False):
        for i in range(4):
            if self.profile.PINS["keypad_row_%d" % i] == gpio:
                return self.keypad.rows[i]
            if self.profile.PINS["keypad_col_%d" % i] == gpio:
                return self.keypad.column(i)
        self.pins[gpio] = VirtualPin()
        return self.pins[gpio]

    def i2c(self, bus, sda, scl):
        return VirtualI2c(self.chips)

    def uart(self, bus, tx, rx):
        return self.scanner

    # the physical world --------------------------------------------------------------------
    def _watcher(self, address):
        def changed(pin, level):
            compartment = self._lock_of.get((address, pin))
            if compartment is not None and level:
                self.pulse_count += 1
                self.pulses.append((compartment, self.ticks_ms()))
                if len(self.pulses) > 32:  # bounded: a long run must not grow the heap
                    self.pulses.pop(0)
                if self.on_pulse:
                    self.on_pulse(compartment)

        return changed

    def lock_energised(self, number):
        address, pin = self.expander_pins["lock_%d" % number]
        return self.chips[address].output(pin) == 1

    def door_can_open(self, number):
        if self.lock_energised(number):
            return True
        for compartment, at in self.pulses:
            if compartment == number and self.ticks_ms() - at <= self.latch_grace_ms:
                return True
        return False

    def set_door(self, number, is_open):
        address, pin = self.expander_pins["door_%d" % number]
        self.chips[address].set_input(pin, 1 if is_open else 0)  # reed open: pulled up

    def door_is_open(self, number):
        address, pin = self.expander_pins["door_%d" % number]
        return (self.chips[address].inputs >> pin) & 1 == 1

    def scan(self, code):
        self.scanner.feed(code.encode() + b"\r\n")
