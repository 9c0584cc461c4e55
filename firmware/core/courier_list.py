# The courier codes this board accepts: the verifiers of the couriers routed to it for one day,
# and `until` (ms), the end of that day. A board that misses the next day's list (offline at
# midnight) stops taking yesterday's couriers anyway. A list without `until` (from a cloud
# that predates routes) never runs out.


class CourierList:
    def __init__(self):
        self._verifiers = set()
        self.until = None  # ms; None: no end

    def replace(self, verifiers, until=None):
        self._verifiers = set(verifiers)
        self.until = until

    def accepts(self, v, now_ms):
        if self.until is not None and (now_ms is None or now_ms >= self.until):
            return False  # no clock to compare with counts as too late
        return v in self._verifiers

    def count(self):
        return len(self._verifiers)

    def verifiers(self):
        return list(self._verifiers)
