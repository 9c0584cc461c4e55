"""The bundle's code as a ROMFS image (MicroPython >= 1.25 mounts it at /rom: bytecode runs
from flash and takes no RAM), built with mpremote's own writer (mpremote.romfs.VfsRomWriter),
and a reader of the format to check an image file by file.

The format (MicroPython's extmod/vfs_rom.c): b"\\xd2\\xcd\\x31", the payload's length, then
records of (kind, length, payload), lengths as big-endian base-128 varints. A directory's
payload is its name and its records; a file's is its name and one data record. ROMFS carries
no checksum, so the image holds SHA256SUMS, the sha256 of every other file, which the reader
checks: an altered byte is refused, not only a broken structure.
"""

import hashlib
from pathlib import Path

from mpremote.romfs import VfsRomWriter

HEADER = VfsRomWriter.ROMFS_HEADER
SUMS = "SHA256SUMS"
PADDING, VERBATIM, POINTER = 1, 2, 3
DIRECTORY, FILE = 4, 5


class RomfsError(ValueError):
    """Not a whole, unaltered ROMFS image."""


def code_files(bundle_dir):
    """The bundle's compiled modules (path inside the bundle, posix): what ROMFS holds."""
    bundle = Path(bundle_dir)
    return sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*.mpy"))


def build_image(bundle_dir, files=None):
    """The ROMFS image of `files` (default: the bundle's .mpy modules) plus SHA256SUMS."""
    bundle = Path(bundle_dir)
    contents = {path: (bundle / path).read_bytes() for path in files or code_files(bundle)}
    contents[SUMS] = _sums(contents)
    writer = VfsRomWriter()
    _write_tree(writer, _tree(contents))
    return bytes(writer.finalise())


def read_image(data):
    """{path: bytes} of every file in the image but SHA256SUMS, each checked against it.
    RomfsError naming what is wrong for a truncated, altered or foreign image."""
    data = bytes(data)
    if not data.startswith(HEADER):
        raise RomfsError("not a ROMFS image: it does not start with %s" % HEADER.hex())
    size, at = _varint(data, len(HEADER))
    if at + size > len(data):
        raise RomfsError(
            "truncated ROMFS image: its header says %d bytes, %d are there" % (size, len(data) - at)
        )
    files = {}
    _read_records(data, at, at + size, "", files)
    return _checked(files)


def _sums(contents):
    lines = ["%s  %s" % (hashlib.sha256(data).hexdigest(), path) for path, data in contents.items()]
    return ("\n".join(sorted(lines)) + "\n").encode()


def _tree(contents):
    root = {}
    for path, data in contents.items():
        *folders, name = path.split("/")
        node = root
        for folder in folders:
            node = node.setdefault(folder, {})
        node[name] = data
    return root


def _write_tree(writer, node):
    for name in sorted(node):
        if isinstance(node[name], dict):
            writer.opendir(name)
            _write_tree(writer, node[name])
            writer.closedir()
        else:
            writer.mkfile(name, node[name])


def _varint(data, at):
    value = 0
    while True:
        if at >= len(data):
            raise RomfsError("truncated ROMFS image: a length runs past the end")
        byte = data[at]
        value, at = (value << 7) | (byte & 0x7F), at + 1
        if not byte & 0x80:
            return value, at


def _record(data, at, end):
    kind, at = _varint(data, at)
    length, at = _varint(data, at)
    if at + length > end:
        raise RomfsError("altered ROMFS image: a record at byte %d runs past its folder" % at)
    return kind, at, at + length


def _read_records(data, at, end, folder, files):
    while at < end:
        kind, start, stop = _record(data, at, end)
        if kind == DIRECTORY:
            name, body = _name(data, start, stop)
            _read_records(data, body, stop, folder + name + "/", files)
        elif kind == FILE:
            name, body = _name(data, start, stop)
            files[folder + name] = _file_data(data, body, stop, folder + name)
        elif kind not in (PADDING, VERBATIM):
            raise RomfsError("altered ROMFS image: unknown record kind %d at byte %d" % (kind, at))
        at = stop


def _name(data, at, end):
    length, at = _varint(data, at)
    if at + length > end:
        raise RomfsError("altered ROMFS image: a name runs past its record")
    try:
        return data[at : at + length].decode("ascii"), at + length
    except UnicodeDecodeError:
        raise RomfsError("altered ROMFS image: a name is not ASCII") from None


def _file_data(data, at, end, path):
    kind, start, stop = _record(data, at, end)
    if kind != VERBATIM:  # our writer never points elsewhere: an image that does is not ours
        raise RomfsError("%s: data record of kind %d, not verbatim" % (path, kind))
    return data[start:stop]


def _checked(files):
    if SUMS not in files:
        raise RomfsError("the image has no %s: not built by `locker install`" % SUMS)
    expected = {}
    for line in files.pop(SUMS).decode("ascii", "replace").splitlines():
        digest, _, path = line.partition("  ")
        expected[path] = digest
    if set(expected) != set(files):
        raise RomfsError("altered ROMFS image: its files differ from those %s lists" % SUMS)
    for path, data in files.items():
        if hashlib.sha256(data).hexdigest() != expected[path]:
            raise RomfsError("altered ROMFS image: %s does not match its sha256" % path)
    return files
