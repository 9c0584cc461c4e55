# What has been typed on the keypad since the last '#' or '*'.

KEYS = "0123456789*#"
DIGITS = "0123456789"
MAX_ENTRY = 32  # a PIN, a courier code or a parcel code (wire.MAX_CODE)


def is_key(key):
    return isinstance(key, str) and len(key) == 1 and key in KEYS


class KeypadEntry:
    __slots__ = ("_chars",)

    def __init__(self):
        self._chars = ""

    def add(self, digit):
        """Append `digit`; False (and nothing appended) once MAX_ENTRY are typed."""
        if len(self._chars) >= MAX_ENTRY:
            return False
        self._chars += digit
        return True

    def take(self):
        """What was typed, leaving the entry empty."""
        text = self._chars
        self._chars = ""
        return text

    def clear(self):
        self._chars = ""

    def is_empty(self):
        return not self._chars

    def text(self):
        return self._chars
