# A value object without dataclasses (MicroPython has none): equal when type and fields are,
# printed with its fields, so tests can compare lists of events and actions.
# No __slots__ here or in the core: MicroPython ignores them (an instance is the same size) and
# each tuple costs board RAM. No __ne__ either: MicroPython (since 1.10) derives != from __eq__.


class Record:
    _fields = ()  # type: tuple[str, ...]

    def __eq__(self, other):
        return type(self) is type(other) and self._values() == other._values()

    def __repr__(self):
        return type(self).__name__ + repr(self._values())

    def _values(self):
        return tuple([getattr(self, name) for name in self._fields])
