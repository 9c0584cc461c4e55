"""The Supervisor feeds the watchdog while every watched task beats within its limit, and stops
feeding once one stalls past it, so the hardware watchdog resets the board."""

import asyncio

from firmware.board.supervisor import Supervisor
from tests.firmware.board.fakes import FakeTicks, FakeWatchdog, run

WRAP = 1 << 30


class Watched:
    """A running Supervisor with fake ticks: the test moves time and says who beats."""

    def __init__(self, start=1000, **limits):
        self.ticks = FakeTicks(start)
        self.watchdog = FakeWatchdog()
        self.supervisor = Supervisor(self.watchdog, self._ticks)
        self.supervisor.check_s = 0.001
        for name, limit in limits.items():
            self.supervisor.watch(name, limit)

    def _ticks(self):
        return self.ticks() % WRAP  # as time.ticks_ms() on an ESP32 or RP2040

    async def feeds_during(self, ms, step_ms=100, beating=()):
        """Feeds while `ms` pass in steps, the tasks in `beating` beating at every step."""
        before = self.watchdog.feeds
        for _ in range(ms // step_ms):
            self.ticks.advance(step_ms)
            for name in beating:
                self.supervisor.beat(name)
            await asyncio.sleep(0.005)  # the supervisor checks several times per step
        return self.watchdog.feeds - before


def supervised(coroutine_of):
    async def scenario(watched):
        task = asyncio.create_task(watched.supervisor.run())
        try:
            return await coroutine_of(watched)
        finally:
            task.cancel()

    return scenario


def test_fed_while_every_task_beats():
    async def scenario(w):
        return await w.feeds_during(5000, beating=("io", "tick"))

    assert run(supervised(scenario)(Watched(io=2000, tick=2000))) >= 20


def test_not_fed_once_one_task_stalls_past_its_limit():
    async def scenario(w):
        await w.feeds_during(1000, beating=("io", "tick"))
        within_limit = await w.feeds_during(2000, beating=("io",))  # tick silent 2000 ms: allowed
        past_limit = await w.feeds_during(3000, beating=("io",))
        return within_limit, past_limit

    within_limit, past_limit = run(supervised(scenario)(Watched(io=2000, tick=2000)))
    assert within_limit > 0 and past_limit == 0


def test_a_task_that_never_beats_after_watch_stops_the_feeding():
    async def scenario(w):
        await w.feeds_during(2100, beating=("io",))
        return await w.feeds_during(3000, beating=("io",))

    w = Watched(io=2000, tick=2000)
    assert run(supervised(scenario)(w)) == 0 and w.supervisor.stalled() == ["tick"]


def test_feeding_resumes_when_the_stalled_task_beats_again():
    async def scenario(w):
        await w.feeds_during(3000, beating=("io",))
        return await w.feeds_during(1000, beating=("io", "tick"))

    assert run(supervised(scenario)(Watched(io=2000, tick=2000))) > 0


def test_stalls_are_seen_across_the_tick_wrap():
    async def scenario(w):
        fed = await w.feeds_during(2000, beating=("io",))
        await w.feeds_during(2100)
        return fed, await w.feeds_during(3000)

    fed, stalled = run(supervised(scenario)(Watched(start=WRAP - 1500, io=2000)))
    assert fed > 0 and stalled == 0


def test_with_nothing_watched_it_feeds():
    async def scenario(w):
        return await w.feeds_during(500)

    assert run(supervised(scenario)(Watched())) > 0
