# The board's life from main.py on: the boot (firmware/board/startup.py: config, the safe-mode
# count, the watchdog, the parts from the board profile, the link to the broker), then the
# runtime. It lives in the bundle (a .mpy) so that MicroPython does not compile it from source
# at every boot (3 KB of heap and the compiler's peak); main.py, the only module that imports
# `machine` and `network`, hands them in. What stays of it for the board's life is this little.
import asyncio
import gc


async def run(board, wifi, guard):
    if wifi is not None:
        asyncio.create_task(wifi.run())
    asyncio.create_task(_mark_stable(guard))
    await board.run()


async def _mark_stable(guard):
    await asyncio.sleep(guard.stable_ms / 1000)
    guard.stable()


def main(machine, network, settime):
    """The board's life: `machine` and `network` as main.py imported them, `settime` the
    wall clock's setter (ntptime.settime)."""
    board, wifi, guard = _boot(machine, network, settime)
    # what the boot read and built only to boot (config.json's dict and lists: 1.9 KB on the
    # wasm port; the boot-only modules, startup's own code among them) is garbage now:
    # collected before the tasks run, not held by this frame for the board's life
    gc.collect()
    asyncio.run(run(board, wifi, guard))


def _boot(machine, network, settime):
    # imported in a call of its own: once it returns nothing refers to the module, which
    # start() has dropped from sys.modules with the other boot-only ones
    from firmware.board.startup import start

    return start(machine, network, settime)
