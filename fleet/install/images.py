"""Putting MicroPython itself on a board: check an image before anything is touched, then
flash it (ESP32: esptool as a library; Pico W: the UF2 copied onto its BOOTSEL drive), or
say the exact commands when the installer has no image at hand."""

import shutil
import struct
from pathlib import Path

ESP32_MAGIC = 0xE9  # the first byte of an ESP application/bootloader image
ESP32_OFFSET = "0x1000"  # the classic ESP32 boots from 0x1000 (S3/C3 from 0x0)
ESP32_MIN, ESP32_MAX = 256 * 1024, 4 * 1024 * 1024  # a MicroPython image, and a 4 MB flash
UF2_MAGIC = (0x0A324655, 0x9E5D5157)  # "UF2\n" and the second start magic
UF2_END = 0x0AB16F30
UF2_BLOCK = 512
RP2040_FAMILY = 0xE48BFF56
UF2_FLAG_FAMILY = 0x00002000
BOOTSEL_MARK = "INFO_UF2.TXT"  # every UF2 bootloader drive holds it
DOWNLOADS = {
    "esp32": "https://micropython.org/download/ESP32_GENERIC/ (ESP32_GENERIC-<date>-v1.27.0.bin)",
    "picow": "https://micropython.org/download/RPI_PICO_W/ (RPI_PICO_W-<date>-v1.27.0.uf2)",
}


class ImageError(ValueError):
    """An image that is not what the board needs: refused before anything is touched."""


def how_to_put_micropython(board, port):
    """The commands that put MicroPython on a board that runs none."""
    if board == "esp32":
        return (
            "put MicroPython on it (download %s), then run this again:\n"
            "  esptool --chip esp32 --port %s erase-flash\n"
            "  esptool --chip esp32 --port %s --baud 460800 write-flash %s ESP32_GENERIC-<date>"
            "-v1.27.0.bin\n"
            "or give the image: --micropython-image FILE"
            % (DOWNLOADS[board], port, port, ESP32_OFFSET)
        )
    return (
        "put MicroPython on it (download %s): hold BOOTSEL while plugging it in, copy the .uf2 "
        "onto the RPI-RP2 drive, then run this again; or give the image: --micropython-image FILE"
        % DOWNLOADS[board]
    )


def check_esp32_image(path):
    """The image's bytes once it looks like an ESP32 firmware image; ImageError otherwise."""
    data = _read(path)
    if not ESP32_MIN <= len(data) <= ESP32_MAX:
        raise ImageError(
            "%s is %d bytes: a MicroPython ESP32 image is %d KB to %d MB"
            % (path, len(data), ESP32_MIN // 1024, ESP32_MAX // (1024 * 1024))
        )
    if data[0] != ESP32_MAGIC:
        raise ImageError(
            "%s does not start with 0x%02X: not an ESP32 firmware image (the .bin from %s)"
            % (path, ESP32_MAGIC, DOWNLOADS["esp32"].split()[0])
        )
    return data


def check_uf2(path):
    """The UF2's bytes once every block carries the UF2 magic numbers and is for an RP2040."""
    data = _read(path)
    if not data or len(data) % UF2_BLOCK:
        raise ImageError("%s is %d bytes: a UF2 file is whole 512-byte blocks" % (path, len(data)))
    for at in range(0, len(data), UF2_BLOCK):
        start0, start1, flags = struct.unpack_from("<III", data, at)
        family = struct.unpack_from("<I", data, at + 28)[0]
        end = struct.unpack_from("<I", data, at + UF2_BLOCK - 4)[0]
        if (start0, start1) != UF2_MAGIC or end != UF2_END:
            raise ImageError("%s: block %d lacks the UF2 magic numbers" % (path, at // UF2_BLOCK))
        if flags & UF2_FLAG_FAMILY and family != RP2040_FAMILY:
            raise ImageError("%s is for another chip (family 0x%08X)" % (path, family))
    return data


def bootsel_drive(candidates):
    """The first mounted folder that is a UF2 bootloader drive (holds INFO_UF2.TXT)."""
    for folder in candidates:
        if (Path(folder) / BOOTSEL_MARK).is_file():
            return Path(folder)
    return None


def copy_uf2(image, drive):
    """Copy a checked UF2 onto the BOOTSEL drive: the Pico flashes it and reboots."""
    check_uf2(image)
    if not (Path(drive) / BOOTSEL_MARK).is_file():
        raise ImageError("%s is not a Pico in BOOTSEL mode (no %s)" % (drive, BOOTSEL_MARK))
    target = Path(drive) / Path(image).name
    shutil.copyfile(image, target)
    return target


def flash_esp32(image, port):
    """Erase the ESP32's flash and write the checked image at 0x1000 with esptool used as a
    library; esptool checks the written flash's MD5 against the image before it returns."""
    check_esp32_image(image)
    import esptool

    common = ["--chip", "esp32", "--port", str(port)]
    try:
        esptool.main(common + ["erase-flash"])
        esptool.main(common + ["--baud", "460800", "write-flash", ESP32_OFFSET, str(image)])
    except (esptool.FatalError, OSError) as error:
        raise ImageError("esptool: %s" % error) from None


def _read(path):
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ImageError("cannot read %s: %s" % (path, error.strerror)) from None
