# The locker controller's functional core: events in, actions out, time passed in.
# Pure Python that runs unchanged on MicroPython and CPython: no I/O, no clock, no typing.
