"""Writing the ROMFS image into the board's ROMFS partition exactly as `mpremote romfs
deploy` does: mpremote's own deploy function, handed our open link."""

import contextlib
import io
import tempfile
from pathlib import Path

from mpremote.commands import CommandError, _do_romfs_deploy

from fleet.install.romfs import RomfsError


class _Session:
    """What mpremote's command functions expect of its session: the raw REPL is open."""

    def __init__(self, transport):
        self.transport = transport

    def ensure_raw_repl(self, soft_reset=None):
        pass

    def did_action(self):
        pass


class _Arguments:
    def __init__(self, path):
        self.path, self.partition, self.mpy = path, 0, False


def deploy_image(link, image):
    """Write `image` to ROMFS partition 0; RomfsError with mpremote's reason if it cannot."""
    output = io.StringIO()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bundle.romfs"  # mpremote reads an image from a .romfs file
        path.write_bytes(image)
        try:
            with contextlib.redirect_stdout(output):
                _do_romfs_deploy(_Session(link.transport), _Arguments(str(path)))
        except CommandError as error:
            raise RomfsError(str(error)) from None
        except SystemExit:  # mpremote exits on an image too big or not valid
            lines = output.getvalue().strip().splitlines()
            raise RomfsError(lines[-1] if lines else "mpremote refused the image") from None
