"""A board's status messages as its firmware signs them (firmware/core/uplink.py)."""

from protocol import wire


class BoardStatus:
    """The status a board with `key` publishes: online at each connect, offline as its will;
    each connection numbered anew, as the firmware numbers them."""

    def __init__(self, locker_id, key):
        self.locker_id, self.key, self.conn = locker_id, key, 0

    def online(self, t=0):
        """The online status of a new connection."""
        self.conn += 1
        return self.payload(True, self.conn, t)

    def offline(self, t=0):
        """The will of the current connection."""
        return self.payload(False, self.conn, t)

    def payload(self, online, conn, t=0):
        body = {"lkr": self.locker_id, "t": t, "type": "status", "online": online, "conn": conn}
        return wire.sign(self.key, body)
