# The board's event journal (docs/protocol.md, "Journal and acknowledgement"): every event is
# appended here before it is published and stays until the cloud acknowledges its seq.
# Acknowledged entries are removed at once, so what is left is exactly what is unacknowledged.

JOURNAL_CAPACITY = 256


class Journal:
    def __init__(self, capacity=JOURNAL_CAPACITY, next_seq=1):
        self.capacity = capacity
        self.next_seq = next_seq  # never reused: a restored journal passes its own
        self._bodies = {}

    def append(self, body):
        """Store `body` under the next seq (written into body["seq"]) and return that seq."""
        seq = self.next_seq
        body["seq"] = seq
        self._bodies[seq] = body
        self.next_seq = seq + 1
        return seq

    def ack(self, seqs):
        """Forget the acknowledged `seqs`; unknown or repeated ones are ignored."""
        for seq in seqs:
            self._bodies.pop(seq, None)

    def pending(self):
        """The unacknowledged bodies in seq order."""
        return [self._bodies[seq] for seq in sorted(self._bodies)]

    def dump(self):
        return {"next_seq": self.next_seq, "pending": self.pending()}

    def load(self, data):
        self.next_seq = data["next_seq"]
        self._bodies = {}
        for body in data["pending"]:
            self._bodies[body["seq"]] = body

    def __len__(self):
        return len(self._bodies)

    def room(self):
        """How many more unacknowledged events fit. An unacknowledged entry is never dropped:
        with no room, the controller refuses new transactions (append never loses an event)."""
        return max(0, self.capacity - len(self._bodies))
