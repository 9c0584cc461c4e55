"""Steps 3 and 4 on the board: each file written to a temporary name, its sha256 computed on
the board and compared, written once more if wrong, then renamed over the real name. A file
still wrong stops the install, named, before anything is renamed over a working one."""

import hashlib

from fleet.install.board_link import PART
from fleet.install.errors import InstallError

WHY_WRONG = "the board's flash may be worn or full, or its power unsteady (USB cable, supply)"


def write_checked(link, step, path, data):
    """Write `data` as path + ".part", checked on the board; returns the .part name."""
    expected = hashlib.sha256(data).hexdigest()
    for _attempt in range(2):
        part = link.write_part(path, data)
        found = link.hashes([part]).get(part)
        if found == expected:
            return part
    raise InstallError(
        step,
        "%s is wrong on the board after writing it twice (sha256 %s, expected %s): %s; "
        "run the install again once that is checked" % (path, found, expected, WHY_WRONG),
    )


def write_files(link, step, bundle_dir, paths, advance):
    """Write and rename each of `paths` (in order), one at a time."""
    link.make_folders(paths)
    for path in paths:
        part = write_checked(link, step, path, (bundle_dir / path).read_bytes())
        link.rename(part, path)
        advance(path)


def write_together(link, step, bundle_dir, paths, advance):
    """Write every one of `paths` as .part first, all checked, then rename them in order:
    an interruption before the renames leaves the old config and secrets whole."""
    link.make_folders(paths)
    parts = [write_checked(link, step, path, (bundle_dir / path).read_bytes()) for path in paths]
    for part, path in zip(parts, paths):
        link.rename(part, path)
        advance(path)


def leftovers(board_files):
    """.part files an interrupted install left behind."""
    return [path for path in board_files if path.endswith(PART)]
