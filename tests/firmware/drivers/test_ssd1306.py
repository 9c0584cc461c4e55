"""The OLED: the init sequence and the text reach the panel at its address, readable."""

import pytest

from firmware.drivers import ssd1306
from firmware.drivers.ssd1306 import Ssd1306
from tests.firmware.drivers.fakes import FakeI2c, FakeSsd1306


def display(width=128, height=32, address=0x3C):
    i2c = FakeI2c()
    panel = i2c.attach(address, FakeSsd1306(width, height))
    return Ssd1306(i2c, width, height, address), panel, i2c


def glyph_pixels(ch, scale):
    """The set of lit (x, y) of one glyph, as the font table draws it."""
    i = ssd1306._CHARS.index(ch)
    return {
        (x * scale + dx, y * scale + dy)
        for x in range(5)
        for y in range(8)
        if ssd1306._FONT[i * 5 + x] >> y & 1
        for dx in range(scale)
        for dy in range(scale)
    }


def read_text(panel, scale):
    """Read the panel back: one string per band of lit pages, glyphs matched at their pitch."""
    lines, band, top = [], 8 * scale, 0
    while top < panel.pages * 8:  # a line starts at the first lit page after the last line
        lit = [x for x in range(panel.width) for y in range(top, top + 8) if panel.pixel(x, y)]
        if not lit:
            top += 8
            continue
        # a glyph may begin with blank columns ("1", "I"): try each alignment, keep one that reads
        readings = [read_line(panel, top, min(lit) - k * scale, scale) for k in range(5)]
        lines.append(next((r for r in readings if "~" not in r), readings[0]))
        top += band
    return lines


def read_line(panel, top, x, scale):
    line = ""
    while x < panel.width:
        cell = {
            (dx, dy)
            for dx in range(5 * scale)
            for dy in range(8 * scale)
            if 0 <= x + dx < panel.width and panel.pixel(x + dx, top + dy)
        }
        line += next((ch for ch in ssd1306._CHARS if glyph_pixels(ch, scale) == cell), "~")
        x += 6 * scale
    return line.rstrip()


def test_every_glyph_is_five_columns_of_seven_rows():
    assert len(ssd1306._FONT) == 5 * len(ssd1306._CHARS)
    assert all(byte < 0x80 for byte in ssd1306._FONT)
    assert len(set(ssd1306._CHARS)) == len(ssd1306._CHARS)
    for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -.:?!#*":
        assert ch in ssd1306._CHARS


def test_init_goes_to_the_panel_address_and_turns_it_on_blank():
    oled, panel, i2c = display()
    assert {address for _, address, _ in i2c.transactions} == {0x3C}
    commands = [command for command, _ in panel.commands]
    assert commands[0] == 0xAE  # off while configuring
    assert commands[-1] == 0xAF  # on last, after RAM was cleared
    assert panel.on and not any(panel.ram)
    args = dict(panel.commands)
    assert args[0xA8] == (31,)  # multiplex ratio: 32 rows
    assert args[0xDA] == (0x02,)  # COM pins for a 128x32 panel
    assert args[0x8D] == (0x14,)  # charge pump on
    assert args[0x20] == (0x00,)  # horizontal addressing


def test_a_64_row_panel_at_another_address():
    oled, panel, i2c = display(height=64, address=0x3D)
    args = dict(panel.commands)
    assert args[0xA8] == (63,) and args[0xDA] == (0x12,)
    oled.show("Door 7 open")
    assert read_text(panel, 2) == ["DOOR 7", "OPEN"]


def test_every_transaction_starts_with_a_control_byte():
    oled, panel, i2c = display()
    oled.show("Enter code")
    assert {data[0] for _, _, data in i2c.transactions} <= {0x00, 0x40}
    frame = i2c.writes_to(0x3C)[-1]
    assert frame[0] == 0x40 and len(frame) == 1 + 128 * 32 // 8


def test_short_text_is_shown_large_and_centred():
    oled, panel, _ = display()
    oled.show("Enter code")
    assert read_text(panel, 2) == ["ENTER CODE"]
    oled.show("Door 7 open")
    assert read_text(panel, 2) == ["DOOR 7", "OPEN"]


def test_digits_and_punctuation_read_back():
    oled, panel, _ = display()
    oled.show("1-2:3")
    assert read_text(panel, 2) == ["1-2:3"]
    oled.show("#*!?./,'()")
    assert read_text(panel, 2) == ["#*!?./,'()"]  # ten glyphs: one large line


def test_lower_case_is_shown_as_upper_case():
    oled, panel, _ = display()
    oled.show("Enter code")
    mixed = bytes(panel.ram)
    oled.show("ENTER CODE")
    assert bytes(panel.ram) == mixed


def test_long_text_is_shown_small_and_wrapped():
    oled, panel, _ = display()
    oled.show("Locker offline - try later")
    assert read_text(panel, 1) == ["LOCKER OFFLINE - TRY", "LATER"]
    oled.show("Courier: parcel code?")
    assert read_text(panel, 1) == ["COURIER: PARCEL CODE?"]


def test_explicit_line_breaks_are_kept():
    oled, panel, _ = display()
    oled.show("Door 12\nopen")
    assert read_text(panel, 2) == ["DOOR 12", "OPEN"]


def test_a_character_without_a_glyph_shows_as_a_question_mark():
    oled, panel, _ = display()
    oled.show("A%B")
    assert read_text(panel, 2) == ["A?B"]


def test_show_replaces_what_was_there_and_clear_blanks():
    oled, panel, _ = display()
    oled.show("Wrong code")
    oled.show("OK")
    assert read_text(panel, 2) == ["OK"]
    oled.clear()
    assert not any(panel.ram)


def test_text_too_long_for_the_screen_is_cut_not_overflowed():
    oled, panel, _ = display()
    oled.show("word " * 40)
    assert len(read_text(panel, 1)) == 4


def test_a_missing_panel_is_an_error_at_construction():
    with pytest.raises(OSError):
        Ssd1306(FakeI2c())
