"""MicroPython images: a bad one is refused before anything is touched; a UF2 is copied onto
a folder standing in for the Pico's BOOTSEL drive."""

import struct

import pytest

from fleet.install.images import (
    ImageError,
    bootsel_drive,
    check_esp32_image,
    check_uf2,
    copy_uf2,
    how_to_put_micropython,
)


def uf2(blocks=3, family=0xE48BFF56):
    data = b""
    for n in range(blocks):
        header = struct.pack(
            "<IIIIIIII",
            0x0A324655,
            0x9E5D5157,
            0x2000,
            0x10000000 + 256 * n,
            256,
            n,
            blocks,
            family,
        )
        data += header + bytes(476) + struct.pack("<I", 0x0AB16F30)
    return data


def test_an_esp32_image_starts_with_its_magic_and_has_a_sane_size(tmp_path):
    good = tmp_path / "ESP32_GENERIC.bin"
    good.write_bytes(b"\xe9" + bytes(300 * 1024))
    assert len(check_esp32_image(good)) == 300 * 1024 + 1
    wrong = tmp_path / "wrong.bin"
    wrong.write_bytes(b"\x00" + bytes(300 * 1024))
    with pytest.raises(ImageError, match="does not start with 0xE9"):
        check_esp32_image(wrong)
    short = tmp_path / "short.bin"
    short.write_bytes(b"\xe9" + bytes(100))
    with pytest.raises(ImageError, match="is 101 bytes"):
        check_esp32_image(short)
    with pytest.raises(ImageError, match="cannot read"):
        check_esp32_image(tmp_path / "missing.bin")


def test_a_uf2_is_checked_block_by_block(tmp_path):
    good = tmp_path / "RPI_PICO_W.uf2"
    good.write_bytes(uf2())
    assert check_uf2(good)
    broken = bytearray(uf2())
    broken[512 + 3] ^= 0xFF
    (tmp_path / "broken.uf2").write_bytes(broken)
    with pytest.raises(ImageError, match="block 1 lacks the UF2 magic"):
        check_uf2(tmp_path / "broken.uf2")
    (tmp_path / "other.uf2").write_bytes(uf2(family=0x1C5F21B0))
    with pytest.raises(ImageError, match="another chip"):
        check_uf2(tmp_path / "other.uf2")


def test_the_uf2_lands_on_the_bootsel_drive_and_a_bad_one_touches_nothing(tmp_path):
    drive = tmp_path / "RPI-RP2"
    drive.mkdir()
    (drive / "INFO_UF2.TXT").write_text("UF2 Bootloader v3.0\nBoard-ID: RPI-RP2\n")
    other = tmp_path / "USB-STICK"
    other.mkdir()
    assert bootsel_drive([other, drive]) == drive
    image = tmp_path / "RPI_PICO_W.uf2"
    image.write_bytes(uf2())
    assert copy_uf2(image, drive).read_bytes() == image.read_bytes()
    bad = tmp_path / "bad.uf2"
    bad.write_bytes(b"not a uf2" * 100)
    with pytest.raises(ImageError):
        copy_uf2(bad, drive)
    assert sorted(p.name for p in drive.iterdir()) == ["INFO_UF2.TXT", "RPI_PICO_W.uf2"]
    with pytest.raises(ImageError, match="not a Pico in BOOTSEL mode"):
        copy_uf2(image, other)


def test_the_commands_to_put_micropython_on_name_port_offset_and_download():
    text = how_to_put_micropython("esp32", "/dev/ttyUSB0")
    assert "erase-flash" in text and "write-flash 0x1000" in text and "/dev/ttyUSB0" in text
    assert "ESP32_GENERIC" in text
    assert "RPI_PICO_W" in how_to_put_micropython("picow", "/dev/ttyACM0")
