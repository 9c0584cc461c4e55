# A QR/barcode scanner in serial mode: each code arrives as printable ASCII ended by CR and/or
# LF. Scanner input is untrusted (DESIGN invariant 6): garbage and over-long lines are dropped
# whole, and the buffer is allocated once, so no stream can grow memory.


class CodeScanner:
    max_bytes_per_poll = 256  # a jabbering scanner cannot starve the board loop

    def __init__(self, uart, max_length=64):
        self._uart = uart
        self.max_length = max_length
        self._buf = bytearray(max_length)
        self._n = 0  # bytes of the current line held in _buf
        self._bad = False  # the current line is garbage: skip to its terminator

    def poll(self):
        """Complete codes received since the last poll, as str."""
        codes = []  # type: list[str]
        budget = self.max_bytes_per_poll
        while budget > 0 and self._uart.any():
            chunk = self._uart.read(min(budget, self.max_length))
            if not chunk:
                break
            budget -= len(chunk)
            for byte in chunk:
                self._feed(byte, codes)
        return codes

    def _feed(self, byte, codes):
        if byte == 10 or byte == 13:
            if self._n and not self._bad:  # empty lines (the LF of a CRLF) are no code
                codes.append(bytes(self._buf[: self._n]).decode())
            self._n = 0
            self._bad = False
        elif self._bad:
            pass
        elif byte < 32 or byte > 126 or self._n >= self.max_length:
            self._bad = True  # not printable, or too long: the whole line goes
            self._n = 0
        else:
            self._buf[self._n] = byte
            self._n += 1
