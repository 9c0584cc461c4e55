"""The ROMFS image of a real bundle, built with mpremote's writer and read back file by file."""

import pytest

from fleet.firmware_build import board_config, build
from fleet.install.romfs import RomfsError, build_image, code_files, read_image


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("romfs") / "bundle"
    build("esp32", out, board_config("L1", "00" * 32, [(1, "S")], "127.0.0.1", 1883))
    return out


def test_every_module_of_a_bundle_reads_back_byte_for_byte(bundle):
    image = build_image(bundle)
    files = read_image(image)
    assert sorted(files) == code_files(bundle)
    assert len(files) > 20 and "firmware/core/__init__.mpy" in files  # merged packages: fewer
    for path, data in files.items():
        assert data == (bundle / path).read_bytes(), path


def test_the_image_is_what_micropython_mounts(bundle):
    image = build_image(bundle)
    assert image.startswith(b"\xd2\xcd\x31") and len(image) % 2 == 0


def test_a_truncated_image_is_refused(bundle):
    image = build_image(bundle)
    with pytest.raises(RomfsError, match="truncated ROMFS image"):
        read_image(image[: len(image) // 2])


def test_an_altered_byte_is_refused(bundle):
    image = bytearray(build_image(bundle))
    image[len(image) // 2] ^= 0x01
    with pytest.raises(RomfsError, match="altered ROMFS image"):
        read_image(image)


def test_a_foreign_file_is_refused(bundle):
    with pytest.raises(RomfsError, match="not a ROMFS image"):
        read_image((bundle / "main.py").read_bytes())
