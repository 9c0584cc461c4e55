# Wrap-safe time arithmetic without importing time: the board passes time.ticks_ms(), which
# wraps at 2**30 on ESP32 and RP2040; the simulator may pass any monotonic ms count.
try:
    from micropython import const  # mpy-cross inlines _X = const(n): no name on the board
except ImportError:  # CPython

    def const(value):  # type: ignore[misc]  # the stubs type it generically
        return value


_PERIOD = const(1 << 30)
_HALF = const(_PERIOD >> 1)


def ticks_diff(new, old):
    """new - old in ms, like time.ticks_diff: right across a wrap for spans under ~6 days."""
    return ((new - old + _HALF) & (_PERIOD - 1)) - _HALF
