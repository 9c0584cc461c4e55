"""One asyncio event loop per process, in a daemon thread, that every simulated board of the
process runs in as tasks (a board's runtime is asyncio, as on MicroPython). Synchronous
callers (tests, the console, the chaos workload) hand it coroutines and wait for the result."""

import asyncio
import threading

_shared = None
_starting = threading.Lock()


class BoardLoop:
    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="boards", daemon=True)
        self.thread.start()

    def spawn(self, coroutine):
        """Start `coroutine` as a task in the loop; its concurrent.futures.Future."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def call(self, coroutine, timeout):
        """Run `coroutine` in the loop and wait for its result, `timeout` seconds at most."""
        future = self.spawn(coroutine)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise


def shared_loop():
    """The process's board loop, started by the first board that needs it."""
    global _shared
    with _starting:
        if _shared is None:
            _shared = BoardLoop()
        return _shared
