# A board that keeps crashing right after boot must stay reachable: after too many short
# boots in a row it comes up in safe mode (network and updates only, no locks driven).
import json

SAFE_AFTER = 5  # consecutive boots that never reached stable_ms


class BootGuard:
    stable_ms = 60000  # up this long counts as a good boot

    def __init__(self, directory):
        self.path = directory + "/boots.json"
        self.boots = 0

    def enter(self):
        """Count this boot; "safe" when the boots before it kept failing, else "normal"."""
        try:
            with open(self.path) as f:
                self.boots = max(0, int(json.load(f)["boots"]))  # < 0 would postpone safe mode
        except Exception:  # no file, or garbage (1e999 raises OverflowError): no bad boots
            self.boots = 0
        self._write(self.boots + 1)
        return "safe" if self.boots >= SAFE_AFTER else "normal"

    def stable(self):
        """Call once the board has run stable_ms: the streak of bad boots is over."""
        self._write(0)

    def _write(self, boots):
        with open(self.path, "w") as f:
            json.dump({"boots": boots}, f)
