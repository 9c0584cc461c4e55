"""A virtual locker bank: the unchanged firmware core with virtual parts and a real MQTT link."""
import threading
import time

from protocol import wire
from firmware.core.actions import Beep, Publish, Pulse, Show
from firmware.core.controller import Controller
from firmware.core.events import (Booted, CodeScanned, Connected, Disconnected, DoorClosed,
                                  DoorOpened, KeyPressed, MessageReceived, Tick)
from simulator.board_state import BoardStateFile
from simulator.hardware import VirtualDoor, VirtualLock, VirtualPanel
from simulator.mqtt_link import MqttLink


def wall_clock_ms():
    return int(time.time() * 1000)


class VirtualLocker:
    """What a courier, a recipient or a test touches: keypad, doors, display; all thread-safe."""

    tick_ms = 100
    pull_grace_ms = 3000  # a person needs a moment to reach the door after the click

    def __init__(self, locker_id, key, compartments, broker_url, clock=wall_clock_ms, echo=None,
                 state_file=None):
        self.locker_id = locker_id
        self.clock = clock
        self.controller = Controller(locker_id, key, compartments)
        self.flash = BoardStateFile(state_file) if state_file else None
        if self.flash:
            self.flash.load_into(self.controller)  # a restarted board goes on where it was
        self.locks = {number: VirtualLock() for number, _ in compartments}
        self.doors = {number: VirtualDoor(self.locks[number]) for number, _ in compartments}
        self.panel = VirtualPanel(echo)
        self.pulsed = []  # compartment numbers in the order the board pulsed them
        self.online = False
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self.link = MqttLink("locker-" + locker_id, broker_url, self._next_will,
                             [wire.topic(locker_id, "commands")],
                             self._up, self._down, self._message)
        self._ticker = threading.Thread(target=self._tick_loop, name="tick-" + locker_id, daemon=True)
        self._handle(Booted([]))  # virtual doors start shut: openings cut by a restart settle

    # --- life cycle -------------------------------------------------------------------------
    def start(self):
        self.link.start()
        self._ticker.start()
        return self

    def stop(self):
        self._stopping.set()
        self.link.stop()
        self._ticker.join(timeout=2)

    # --- what people do ---------------------------------------------------------------------
    def press(self, keys):
        """Type on the keypad, e.g. press('4711#')."""
        for key in keys:
            self._handle(KeyPressed(key))

    def scan(self, code):
        """Hold a parcel's barcode (or a QR code) to the scanner."""
        self._handle(CodeScanned(code))

    def open_door(self, number):
        """Pull the door; it opens only if its lock was just released. Returns whether it did."""
        with self._lock:
            if not self.doors[number].pull(self.clock(), self.pull_grace_ms):
                return False
            self._handle(DoorOpened(number))
            return True

    def close_door(self, number):
        with self._lock:
            if self.doors[number].push_shut():
                self._handle(DoorClosed(number))

    # --- what tests and scripts wait for ----------------------------------------------------
    def wait_until(self, condition, timeout=10.0, what="condition"):
        """Block until condition(controller) holds; TimeoutError naming `what` otherwise."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self.controller):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("%s: %s not reached in %.1fs" % (self.locker_id, what, timeout))
                self._changed.wait(min(left, 0.1))

    def wait_for_pulse(self, after=0, timeout=10.0):
        """The compartment of the next pulse after the first `after` ones."""
        self.wait_until(lambda c: len(self.pulsed) > after, timeout, "a door pulse")
        return self.pulsed[after]

    # --- the board's shell ------------------------------------------------------------------
    def _handle(self, event):
        with self._changed:
            actions = self.controller.handle(event, self.clock())
            if self.flash and (actions or not isinstance(event, Tick)):
                self.flash.save(self.controller)  # before anything leaves the board
            for action in actions:
                self._carry_out(action)
            self._changed.notify_all()

    def _carry_out(self, action):
        if isinstance(action, Pulse):
            self.locks[action.cmp].pulse(action.ms, self.clock())
            self.pulsed.append(action.cmp)
        elif isinstance(action, Publish):
            self.link.publish(action.topic, action.payload, action.qos, action.retain)
        elif isinstance(action, Show):
            self.panel.show(action.text)
        elif isinstance(action, Beep):
            self.panel.beep(action.kind)

    def _next_will(self):
        with self._changed:
            will = self.controller.will(self.clock())
            if self.flash:
                self.flash.save(self.controller)  # its connection number, before it is used
            return will

    def _up(self):
        self.online = True
        self._handle(Connected())

    def _down(self):
        self.online = False
        self._handle(Disconnected())

    def _message(self, topic, payload):
        self._handle(MessageReceived(topic, payload))

    def _tick_loop(self):
        while not self._stopping.wait(self.tick_ms / 1000):
            self._handle(Tick())
