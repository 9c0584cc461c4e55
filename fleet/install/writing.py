"""Steps 3 and 4 on the board: each file written to a temporary name, its sha256 computed on
the board and compared, written once more if wrong, then renamed over the real name; once all
are in place their sha256 is read again under their real names (what the board will load). A
file still wrong stops the install, named, with what to check."""

import hashlib

from fleet.install.board_link import PART
from fleet.install.errors import InstallError

WHY_WRONG = "the board's flash may be worn or full, or its power unsteady (USB cable, supply)"


def write_files(link, step, bundle_dir, paths, advance):
    """Write and rename each of `paths` (in order), one at a time, then check them all."""
    link.make_folders(paths)
    for path in paths:
        _write_part(link, step, path, bundle_dir, rename=True)
        advance(path)
    _check_in_place(link, step, bundle_dir, paths)


def write_together(link, step, bundle_dir, paths, advance):
    """Write every one of `paths` as .part first, all checked, then rename them in order:
    an interruption before the renames leaves the old config and secrets whole."""
    link.make_folders(paths)
    parts = [_write_part(link, step, path, bundle_dir, rename=False) for path in paths]
    for part, path in zip(parts, paths):
        link.rename(part, path)
        advance(path)
    _check_in_place(link, step, bundle_dir, paths)


def leftovers(board_files):
    """.part files an interrupted install left behind."""
    return [path for path in board_files if path.endswith(PART)]


def _write_part(link, step, path, bundle_dir, *, rename):
    """path + ".part" written and checked on the board (renamed over path if `rename`)."""
    data = (bundle_dir / path).read_bytes()
    expected = hashlib.sha256(data).hexdigest()
    for _attempt in range(2):
        found = link.write_part(path, data, expected, rename)
        if found == expected:
            return path + PART
    raise _wrong(step, path, found, expected)


def _check_in_place(link, step, bundle_dir, paths):
    expected = {p: hashlib.sha256((bundle_dir / p).read_bytes()).hexdigest() for p in paths}
    wrong = _mismatches(link, expected)
    for path in wrong:  # once more, as for a .part that came back wrong
        _write_part(link, step, path, bundle_dir, rename=True)
    found = link.hashes(wrong) if wrong else {}
    for path in wrong:
        if found.get(path) != expected[path]:
            raise _wrong(step, path, found.get(path), expected[path])


def _mismatches(link, expected):
    if not expected:
        return []
    found = link.hashes(list(expected))
    return [path for path in expected if found.get(path) != expected[path]]


def _wrong(step, path, found, expected):
    return InstallError(
        step,
        "%s is wrong on the board after writing it twice (sha256 %s, expected %s): %s; "
        "run the install again once that is checked"
        % (path, found or "none: the file is missing", expected, WHY_WRONG),
    )
