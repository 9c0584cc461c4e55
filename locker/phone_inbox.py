"""Recipients' phones for the demo and the tests: a notifier that keeps what it was sent."""

import re
import threading
import time

_PIN = re.compile(r"PIN (\d+)")


class PhoneInbox:
    def __init__(self, echo=None):
        self.messages = []  # (channel, recipient, message)
        self.echo = echo
        self._arrived = threading.Condition()

    def send(self, channel, recipient, message):
        with self._arrived:
            self.messages.append((channel, recipient, message))
            self._arrived.notify_all()
        if self.echo:
            self.echo("[%s to %s] %s" % (channel, recipient, message))

    def wait_for_pin(self, recipient, tracking_code, timeout=15.0):
        """The PIN in the message to `recipient` about `tracking_code`."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for _, to, message in self.messages:
                    found = _PIN.search(message)
                    if to == recipient and tracking_code in message and found:
                        return found.group(1)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no PIN for %s reached %s" % (tracking_code, recipient))
                self._arrived.wait(left)
