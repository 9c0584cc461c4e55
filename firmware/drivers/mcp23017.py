# An MCP23017 16-pin I2C I/O expander, so three of them carry 24 locks and 24 door sensors.
# pin(n, output) returns an object with .value() / .value(v), so LockBank and DoorBank
# work on expander pins unchanged. Pins 0-7 are GPA0-7, 8-15 GPB0-7. GPA7 and GPB7 must be
# outputs (datasheet rev. D: as inputs they can corrupt SDA).
#
# Outputs: the output latch is cached, so writing a pin is one I2C write and never a read.
# Inputs are batched: refresh() reads both ports in one I2C transaction and an input pin's
# .value() returns what the last refresh() saw. The board loop calls refresh() once per poll
# cycle, before polling the drivers that use these pins. (pin() refreshes once for a new
# input, so drivers created at start-up read true levels.)

try:
    from micropython import const  # mpy-cross inlines _X = const(n): no name on the board
except ImportError:  # CPython

    def const(value):  # type: ignore[misc]  # the stubs type it generically
        return value


# Register addresses with IOCON.BANK = 0, the reset value, which this driver never changes:
# in that mode a 2-byte access covers port A then port B.
_IODIR = const(0x00)
_IOCON = const(0x0A)
_GPPU = const(0x0C)
_GPIO = const(0x12)
_OLAT = const(0x14)


class Mcp23017:
    def __init__(self, i2c, address=0x20):
        self._i2c = i2c
        self.address = address
        self._latch = 0  # outputs low: a lock is never energised by a (re)start
        self._inputs = 0xFFFF  # directions as at power-on: all inputs, so no output glitches
        self._pull_ups = 0
        self._levels = 0
        self._write(_OLAT, self._latch)  # latch low first, before any pin becomes an output
        i2c.writeto(address, bytes((_IOCON, 0x04)))  # ODR: INT open-drain, so chips share a wire
        self._write(_GPPU, self._pull_ups)
        self._write(_IODIR, self._inputs)
        self.refresh()

    def pin(self, n, output):
        """Pin n (0-15) as an output (driven low) or an input with the 100k pull-up."""
        if not 0 <= n <= 15:
            raise ValueError("MCP23017 pins are 0-15")
        if not output and n in (7, 15):
            raise ValueError("GPA7 and GPB7 can only be outputs")
        mask = 1 << n
        if output:
            self._inputs &= ~mask
            self._pull_ups &= ~mask
        else:
            self._inputs |= mask
            self._pull_ups |= mask
        self._write(_GPPU, self._pull_ups)  # pull-up before direction: an input never floats
        self._write(_IODIR, self._inputs)
        if not output:
            self.refresh()  # so a driver made now (DoorBank) reads its true start level
        return _ExpanderPin(self, mask)

    def refresh(self):
        """Read both ports in one transaction; input pins report these levels until the next."""
        data = self._i2c.readfrom_mem(self.address, _GPIO, 2)
        self._levels = data[0] | (data[1] << 8)

    def _set(self, mask, level):
        latch = self._latch | mask if level else self._latch & ~mask
        if latch != self._latch:  # unchanged: no I2C traffic at all
            self._latch = latch
            port = 0 if mask & 0xFF else 1  # write only the port that changed
            self._i2c.writeto(self.address, bytes((_OLAT + port, (latch >> (8 * port)) & 0xFF)))

    def _get(self, mask):
        if self._inputs & mask:
            return 1 if self._levels & mask else 0
        return 1 if self._latch & mask else 0  # an output reads back what it drives

    def _write(self, register, both_ports):
        self._i2c.writeto(self.address, bytes((register, both_ports & 0xFF, both_ports >> 8)))


class _ExpanderPin:
    def __init__(self, chip, mask):
        self._chip = chip
        self._mask = mask

    def value(self, level=None):
        if level is None:
            return self._chip._get(self._mask)
        self._chip._set(self._mask, level)
