# A small SSD1306 OLED on I2C, for the core's Show actions ("Enter code", "Door 7 open").
# framebuf is absent on CPython, so this keeps its own page buffer and a 5x7 font: digits,
# upper case (lower case is shown as upper), space and the punctuation the messages use.

_CHARS = " !#'()*,-./0123456789:?ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FONT = (  # 5 columns per glyph, in _CHARS order; bit 0 is the top pixel
    b"\x00\x00\x00\x00\x00\x00\x00\x5f\x00\x00\x14\x7f\x14\x7f\x14\x00\x05\x03\x00\x00"  # sp ! # '
    b"\x00\x1c\x22\x41\x00\x00\x41\x22\x1c\x00\x14\x08\x3e\x08\x14\x00\x50\x30\x00\x00"  # ( ) * ,
    b"\x08\x08\x08\x08\x08\x00\x60\x60\x00\x00\x20\x10\x08\x04\x02\x3e\x51\x49\x45\x3e"  # - . / 0
    b"\x00\x42\x7f\x40\x00\x42\x61\x51\x49\x46\x21\x41\x45\x4b\x31\x18\x14\x12\x7f\x10"  # 1 2 3 4
    b"\x27\x45\x45\x45\x39\x3c\x4a\x49\x49\x30\x01\x71\x09\x05\x03\x36\x49\x49\x49\x36"  # 5 6 7 8
    b"\x06\x49\x49\x29\x1e\x00\x36\x36\x00\x00\x02\x01\x51\x09\x06\x7e\x11\x11\x11\x7e"  # 9 : ? A
    b"\x7f\x49\x49\x49\x36\x3e\x41\x41\x41\x22\x7f\x41\x41\x22\x1c\x7f\x49\x49\x49\x41"  # B C D E
    b"\x7f\x09\x09\x09\x01\x3e\x41\x49\x49\x7a\x7f\x08\x08\x08\x7f\x00\x41\x7f\x41\x00"  # F G H I
    b"\x20\x40\x41\x3f\x01\x7f\x08\x14\x22\x41\x7f\x40\x40\x40\x40\x7f\x02\x0c\x02\x7f"  # J K L M
    b"\x7f\x04\x08\x10\x7f\x3e\x41\x41\x41\x3e\x7f\x09\x09\x09\x06\x3e\x41\x51\x21\x5e"  # N O P Q
    b"\x7f\x09\x19\x29\x46\x46\x49\x49\x49\x31\x01\x01\x7f\x01\x01\x3f\x40\x40\x40\x3f"  # R S T U
    b"\x1f\x20\x40\x20\x1f\x3f\x40\x38\x40\x3f\x63\x14\x08\x14\x63\x07\x08\x70\x08\x07"  # V W X Y
    b"\x61\x51\x49\x45\x43"  # Z
)
_INIT = bytes(
    (
        0xAE,  # display off while configuring
        0x20,
        0x00,  # horizontal addressing: one data write fills the whole screen
        0x40,  # start at RAM line 0
        0xA1,
        0xC8,  # mirror columns and rows: upright on the usual modules
        0xD3,
        0x00,  # no vertical offset
        0xD5,
        0x80,  # oscillator and clock divide: the datasheet's reset values
        0xD9,
        0xF1,  # pre-charge periods for the internal charge pump
        0xDB,
        0x30,  # VCOMH deselect level
        0x81,
        0xFF,  # full contrast: lockers stand in bright lobbies
        0xA4,
        0xA6,  # show RAM, not inverted
        0x8D,
        0x14,  # charge pump on: the modules run from 3.3 V alone
    )
)


class Ssd1306:
    def __init__(self, i2c, width=128, height=32, address=0x3C):
        self._i2c = i2c
        self.width = width
        self.height = height
        self.address = address
        self._pages = height // 8
        self._buf = bytearray(1 + width * self._pages)  # byte 0: "data follows" control byte
        self._buf[0] = 0x40
        com_pins = 0x02 if width > 2 * height else 0x12  # sequential COM for 128x32, alt for x64
        self._command(_INIT + bytes((0xA8, height - 1, 0xDA, com_pins)))
        self.clear()
        self._command(b"\xaf")  # display on only once RAM is blank: no noise at power-up

    def clear(self):
        for i in range(1, len(self._buf)):
            self._buf[i] = 0
        self._flush()

    def show(self, text):
        """Replace the screen with text: large if it fits on two lines, else small, wrapped."""
        text = text.upper()
        scale = 2
        lines = _wrap(text, self.width // 12)
        if len(lines) > self._pages // 2:
            scale = 1
            lines = _wrap(text, self.width // 6)[: self._pages]
        for i in range(1, len(self._buf)):
            self._buf[i] = 0
        top = (self._pages - len(lines) * scale) // 2  # centred vertically
        for n in range(len(lines)):
            x = (self.width - (len(lines[n]) * 6 - 1) * scale) // 2  # and horizontally
            for ch in lines[n]:
                self._glyph(ch, x, top + n * scale, scale)
                x += 6 * scale
        self._flush()

    def _glyph(self, ch, x, page, scale):
        i = _CHARS.find(ch)
        if i < 0:
            i = _CHARS.find("?")  # a glyph we lack shows as "?", never as garbage
        for col in range(5):
            bits = _FONT[i * 5 + col]
            if scale == 2:
                bits = _double(bits)
            for p in range(scale):
                at = 1 + (page + p) * self.width + x + col * scale
                for dx in range(scale):
                    self._buf[at + dx] = (bits >> (8 * p)) & 0xFF

    def _flush(self):
        self._command(bytes((0x21, 0, self.width - 1, 0x22, 0, self._pages - 1)))
        self._i2c.writeto(self.address, self._buf)

    def _command(self, commands):
        self._i2c.writeto(self.address, b"\x00" + commands)  # 0x00: a stream of commands


def _double(bits):
    # Each pixel of a glyph column twice as tall: 7 bits become 14.
    out = 0
    for i in range(8):
        if bits & (1 << i):
            out |= 3 << (2 * i)
    return out


def _wrap(text, width):
    lines = []
    for part in text.split("\n"):
        line = ""
        for word in part.split():
            while len(word) > width:  # a word longer than a line is cut, not lost
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:width])
                word = word[width:]
            if not line:
                line = word
            elif len(line) + 1 + len(word) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines
