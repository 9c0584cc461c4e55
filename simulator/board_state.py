"""The simulated board's flash: the controller's snapshot in a JSON file, written atomically."""
import json
import os


class BoardStateFile:
    def __init__(self, path):
        self.path = path
        self._written = None

    def load_into(self, controller):
        """Restore `controller` from the file if there is one; True if it was restored."""
        if not os.path.exists(self.path):
            return False
        with open(self.path) as f:
            self._written = f.read()
        controller.restore(json.loads(self._written))
        return True

    def save(self, controller):
        """Write the snapshot if it changed: temporary file, then rename (atomic on POSIX)."""
        text = json.dumps(controller.snapshot(), sort_keys=True)
        if text == self._written:
            return
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        temporary = self.path + ".tmp"
        with open(temporary, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, self.path)
        self._written = text
