# The board's life as asyncio tasks around one Controller: the I/O loop polls the parts, the
# MQTT client carries events out and commands in, a tick drives the core's timers and reports
# health (telemetry), and the supervisor feeds the watchdog only while all of them are alive.
import asyncio

from firmware.board.supervisor import Supervisor
from firmware.board.telemetry import telemetry_payload
from firmware.core.actions import PUBLISH
from firmware.core.controller import Controller

# events built as tuples here, not by events.py's makers: the board build cuts those
from firmware.core.events import (
    BOOTED,
    CONNECTED,
    DISCONNECTED,
    KEY_PRESSED,
    MESSAGE_RECEIVED,
    TICK,
)
from firmware.drivers.ticks import ticks_diff
from firmware.net.mqtt_client import MqttClient
from protocol import wire

FIRMWARE_VERSION = "0.1.0"


class Board:
    io_ms = 5  # how often the parts are polled: keypad-to-pulse latency rides on it
    # while someone is at the keypad (a key in the last typing_ms), the parts are polled
    # faster: the '#' that opens a door waits for the next poll, and CPU is only spent so
    # while a person types
    typing_io_ms = 2
    typing_ms = 10000
    tick_ms = 100
    telemetry_s = 60

    def __init__(
        self, config, hardware, open_transport, clock, store, system, watchdog, mode="normal"
    ):
        self.key = bytes.fromhex(config["key"])
        self.locker_id = config["locker_id"]
        self.hardware, self.clock, self.store, self.system, self.mode = (
            hardware,
            clock,
            store,
            system,
            mode,
        )
        self.controller = Controller(
            self.locker_id,
            self.key,
            [tuple(c) for c in config["compartments"]],
            lang=config.get("lang", "en"),  # the locker's language (phrases.py)
        )
        if not store.load_into(self.controller):
            resume_numbering(self.controller, config.get("resume"))
        self.mqtt = MqttClient(
            open_transport, "locker-" + self.locker_id, clock.ticks_ms, will=self._will
        )
        self.mqtt.subscribe(wire.topic(self.locker_id, "commands"))
        self.supervisor = Supervisor(watchdog, clock.ticks_ms)
        self.started_ms = clock.ticks_ms()
        self._key_at = None  # when the last key was pressed (ticks), None before any
        self._reported_at = None  # when telemetry last went out (ticks), None before any
        self._tasks = []
        # the door sensors settle the doors that were in flight when the board went dark
        self.handle((BOOTED, hardware.doors.open_doors()))

    def _will(self):
        # a fresh signed will for every connection attempt; its number on flash before it is used
        will = self.controller.will(self.clock.wall_ms())
        self.store.after_event(self.controller, self.clock.ticks_ms())
        return will

    def handle(self, event):
        """One event through the core: flash first, then the actions go out."""
        actions = self.controller.handle(event, self.clock.wall_ms())
        now = self.clock.ticks_ms()
        if event[0] == KEY_PRESSED:
            self._key_at = now
        self.store.after_event(self.controller, now)
        for action in actions:
            if action[0] == PUBLISH:
                self.mqtt.publish(action[1], action[2], action[3], action[4])
            elif self.mode == "normal":  # safe mode: no I/O loop would ever end a lock's pulse
                self.hardware.carry_out(action, now)
        return actions

    async def run(self):
        loops = [
            self.mqtt.run(),
            self._link_loop(),
            self._inbound_loop(),
            self.supervisor.run(),
            self._tick_loop(),
        ]
        if self.mode == "normal":  # safe mode: network and updates only, no locks driven
            loops.append(self._io_loop())
        self._tasks = [asyncio.create_task(loop) for loop in loops]
        try:
            await asyncio.gather(*self._tasks)
        finally:
            self.hardware.all_off()

    async def stop(self):
        await self.mqtt.stop()
        for task in self._tasks:
            task.cancel()
        self.hardware.all_off()
        self.store.flush(self.controller)  # a batched ack or counter must survive the restart

    async def _io_loop(self):
        self.supervisor.watch("io", 2000)
        while True:
            for event in self.hardware.poll(self.clock.ticks_ms()):
                self.handle(event)
            self.supervisor.beat("io")
            await asyncio.sleep(self._io_period_ms() / 1000)

    def _io_period_ms(self):
        typing = self._key_at is not None and (
            ticks_diff(self.clock.ticks_ms(), self._key_at) < self.typing_ms
        )
        return min(self.io_ms, self.typing_io_ms) if typing else self.io_ms

    async def _tick_loop(self):
        self.supervisor.watch("tick", 2000)
        while True:
            if self.mode == "normal":  # safe mode: no door or keypad timers (doors go unseen),
                self.handle((TICK,))  # but acks and counters still reach flash
            self.store.flush_due(self.controller, self.clock.ticks_ms())
            self._report_if_due()
            self.supervisor.beat("tick")
            await asyncio.sleep(self.tick_ms / 1000)

    async def _link_loop(self):
        while True:
            await self.mqtt.up.wait()
            self.handle((CONNECTED,))
            self._report_if_due()  # the first report goes out with the birth, not a tick later
            await self.mqtt.down.wait()
            self.handle((DISCONNECTED,))

    async def _inbound_loop(self):
        async for topic, payload in self.mqtt.messages():
            self.handle((MESSAGE_RECEIVED, topic, payload))

    def _report_if_due(self):
        # on the tick, not a loop of its own: a task and its frame cost the board's heap.
        # The first report as soon as the link is up, then one every telemetry_s while it is
        if not self.mqtt.up.is_set():
            return
        now = self.clock.ticks_ms()
        since = None if self._reported_at is None else ticks_diff(now, self._reported_at)
        # negative: the link was down so long that the ticks wrapped (days): due too
        if since is None or not 0 <= since < self.telemetry_s * 1000:
            self._reported_at = now
            self.publish_telemetry()

    def publish_telemetry(self):
        uptime = ticks_diff(self.clock.ticks_ms(), self.started_ms)
        payload = telemetry_payload(
            self.locker_id,
            self.key,
            self.clock.wall_ms(),
            self.system,
            FIRMWARE_VERSION,
            uptime,
            self.mqtt.reconnects,
            self.mode,
        )
        self.mqtt.publish(wire.topic(self.locker_id, "telemetry"), payload, 0, False)


def resume_numbering(controller, resume):
    """A blank board given a new key for a locker an older board served numbers its events
    and connections on from the old board's (config.json "resume", from the cloud's key
    rotation): numbered from 1, its first events would be taken for ones the cloud has."""
    if not resume:
        return
    numbering = controller.snapshot()
    numbering["journal"]["next_seq"] = resume["seq"]
    numbering["conn"] = resume["conn"]
    controller.restore(numbering)
