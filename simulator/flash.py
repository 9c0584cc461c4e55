"""The simulated board's flash, as the firmware's FlashStore reaches it (open, rename): in
memory for a board that forgets everything when it stops, or one file on the host that a
restarted board boots from."""

import io
import os

FLASH_DIR = "/flash"  # where the store thinks it writes, as on a board


class MemoryFlash:
    """Files as strings in a dict; each one there once its writer is closed."""

    def __init__(self):
        self.files = {}

    def open(self, path, mode):
        if mode == "w":
            return _WrittenOnClose(self.files, path)
        if path not in self.files:
            raise OSError(2, "no such file on flash: " + path)
        return io.StringIO(self.files[path])

    def rename(self, source, target):
        self.files[target] = self.files.pop(source)


class _WrittenOnClose(io.StringIO):
    def __init__(self, files, path):
        super().__init__()
        self._files, self._path = files, path

    def close(self):
        if not self.closed:
            self._files[self._path] = self.getvalue()
        super().close()


class HostFileFlash:
    """The flash's state file kept at `state_file` on the host (its temporary file beside it),
    written to disk before the rename: the host may lose power too."""

    def __init__(self, state_file):
        self.state_file = state_file
        self._store_path = FLASH_DIR + "/state.json"

    def open(self, path, mode):
        host = self._on_host(path)
        if mode == "w":
            os.makedirs(os.path.dirname(host) or ".", exist_ok=True)
            return _Synced(open(host, mode))
        return open(host, mode)

    def rename(self, source, target):
        os.replace(self._on_host(source), self._on_host(target))

    def _on_host(self, path):
        if not path.startswith(self._store_path):
            raise OSError(2, "only the store's state file is on this flash: " + path)
        return self.state_file + path[len(self._store_path) :]


class _Synced:
    """A host file that is flushed to disk before it closes."""

    def __init__(self, file):
        self.file = file

    def write(self, text):
        return self.file.write(text)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
