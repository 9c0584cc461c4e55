# Reporting refused commands (protocol.md, "Refused commands"): a command the cloud really sent
# (its MAC and lkr check out) that arrives expired or with an old counter is never carried out,
# but the cloud is told, once per counter. A replay flood must not fill the journal, so at most
# per_minute reports are journaled a minute; the rest are refused silently.

EXPIRED = "expired"
REPLAYED = "replayed"


class Refusals:
    per_minute = 5
    remembered = 32  # counters already reported; older ones are long past any replay

    def __init__(self, uplink, doors):
        self._uplink = uplink
        self._doors = doors
        self._reported = []
        self._window_ms = None
        self._in_window = 0

    def remembered_count(self):
        return len(self._reported)

    def report(self, ctr, reason, now_ms):
        """Journal `refused` for command `ctr` unless already reported or over the rate limit."""
        if ctr in self._reported or not self._within_rate(now_ms):
            return []
        if self._uplink.journal.room() <= self._doors.in_flight():
            return []  # the room left belongs to the doors in flight
        self._reported.append(ctr)
        if len(self._reported) > self.remembered:
            self._reported.pop(0)
        self._in_window += 1
        return self._uplink.record("refused", {"ctr": ctr, "reason": reason}, now_ms)

    def _within_rate(self, now_ms):
        if self._window_ms is None or now_ms - self._window_ms >= 60000:
            self._window_ms, self._in_window = now_ms, 0
        return self._in_window < self.per_minute
