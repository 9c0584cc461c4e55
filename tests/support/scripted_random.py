"""A random source for the cloud's draws (PINs, courier codes) that deals out given digits."""


class ScriptedRandom:
    """A random source that deals out the digits it was given, in order, and then zeros."""

    def __init__(self, digits):
        self.digits = list(digits)

    def choice(self, options):
        digit = self.digits.pop(0) if self.digits else "0"
        assert digit in options
        return digit
