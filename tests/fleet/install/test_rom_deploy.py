"""The ROMFS image written the way `mpremote romfs deploy` writes it, into a board whose
ROMFS partition is a bytearray: the board here is CPython running the scripts the installer
sends (MicroPython's WebAssembly port in the other tests has no ROMFS), with a `vfs` module
that has the partition's rom_ioctl."""

import ast
import builtins
import contextlib
import hashlib
import io

import pytest
from mpremote.transport import TransportExecError

from fleet.firmware_build import board_config, build
from fleet.install.board_link import BoardLink
from fleet.install.rom_deploy import deploy_image
from fleet.install.romfs import RomfsError, build_image, read_image


class RomPartition:
    """vfs.rom_ioctl over one partition of `size` bytes, as MicroPython's ports offer it."""

    block_bytes = 4096

    def __init__(self, size):
        self.flash = bytearray(b"\xff" * size)

    def rom_ioctl(self, op, *args):
        if op == 1:  # how many partitions
            return 1
        if op == 2:  # the partition, readable as memory
            return memoryview(self.flash)
        if op == 3:  # erase before writing: (id, length) or (id, offset, length)
            offset, length = (0, args[1]) if len(args) == 2 else args[1:]
            self.flash[offset : offset + length] = b"\xff" * length
            return self.block_bytes
        if op == 4:  # write (id, offset, data)
            _, offset, data = args
            self.flash[offset : offset + len(data)] = data
            return 0
        if op == 5:  # writing done
            return 0
        if op == 6:  # erase block size
            return self.block_bytes
        raise OSError(22, "EINVAL")

    def umount(self, path):
        raise OSError(22, "EINVAL")


class CPythonBoard:
    """The part of mpremote's transport the installer uses: exec and eval of board scripts."""

    def __init__(self, partition):
        real_import = builtins.__import__

        def board_import(name, *args, **kwargs):
            return partition if name == "vfs" else real_import(name, *args, **kwargs)

        self.namespace = {"__builtins__": dict(vars(builtins), __import__=board_import)}

    def exec(self, command, data_consumer=None):
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output):
                exec(command, self.namespace)
        except Exception as error:
            raise TransportExecError(b"", "%s: %s" % (type(error).__name__, error)) from None
        return output.getvalue().encode()

    def eval(self, expression, parse=True):
        printed = self.exec("print(repr(%s))" % expression).strip()
        return ast.literal_eval(printed.decode()) if parse else printed


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    bundle = tmp_path_factory.mktemp("rom") / "bundle"
    build("esp32", bundle, board_config("L1", "00" * 32, [(1, "S")], "127.0.0.1", 1883))
    return build_image(bundle)


def board_with(partition):
    link = BoardLink("(in this process)")
    link.transport = CPythonBoard(partition)
    return link


def test_the_image_lands_in_the_partition_and_its_hash_is_read_there(image):
    partition = RomPartition(256 * 1024)
    link = board_with(partition)
    assert link.rom_hash(len(image)) != hashlib.sha256(image).hexdigest()
    deploy_image(link, image)
    assert bytes(partition.flash[: len(image)]) == image
    assert link.rom_hash(len(image)) == hashlib.sha256(image).hexdigest()  # a rerun skips it
    assert read_image(partition.flash)  # the partition reads back file by file


def test_an_image_too_big_for_the_partition_is_refused_untouched(image):
    partition = RomPartition(len(image) // 2)
    with pytest.raises(RomfsError, match="too big"):
        deploy_image(board_with(partition), image)
    assert partition.flash == bytearray(b"\xff" * (len(image) // 2))


def test_the_probe_finds_the_romfs_partition_and_its_size():
    facts = board_with(RomPartition(128 * 1024)).probe()
    assert facts["romfs"] == 128 * 1024
