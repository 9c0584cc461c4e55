# Timing helpers built only from what every asyncio the board may run on has: create_task, sleep,
# Event and Task.cancel. wait_for is missing or partial on some MicroPython ports, so it is
# not used; `time` is not imported either (the caller passes its ticks_ms).
import asyncio

_PERIOD = 1 << 30  # time.ticks_ms() wraps here on ESP32 and RP2040
_HALF = _PERIOD >> 1


def ticks_diff(new, old):
    """new - old in ms, like time.ticks_diff: right across a wrap for spans under ~6 days."""
    return ((new - old + _HALF) & (_PERIOD - 1)) - _HALF


async def _set_after(event, seconds):
    await asyncio.sleep(seconds)
    event.set()


async def _relay(source, target):
    await source.wait()
    target.set()


async def wait_event(event, seconds):
    """Wait until `event` is set, `seconds` at most; True if it was set."""
    if event.is_set():
        return True
    either = asyncio.Event()
    tasks = (
        asyncio.create_task(_relay(event, either)),
        asyncio.create_task(_set_after(either, seconds)),
    )
    try:
        await either.wait()
    finally:  # also when our caller is cancelled: leave no task behind
        for task in tasks:
            task.cancel()
    return event.is_set()


async def _run_then_set(coro, done):
    try:
        await coro
    except Exception:  # best effort: the caller only wants to know it is over
        pass
    done.set()


async def run_within(seconds, coro):
    """Run `coro` for `seconds` at most, then cancel it; True if it ended in time."""
    done = asyncio.Event()
    task = asyncio.create_task(_run_then_set(coro, done))
    ended = await wait_event(done, seconds)
    if not ended:
        task.cancel()
    return ended
